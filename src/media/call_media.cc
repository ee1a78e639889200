// CallMedia::tick: legs -> mixer -> (recording, outgoing packets).
#include "media/call_media.h"

#include <cstdlib>

namespace sy::media {

bool audible(std::span<const int16_t> frame) {
  for (int16_t s : frame)
    if (std::abs(int{s}) > 100) return true;
  return false;
}

void CallMedia::attach_supervisor(RtpStream* supervisor, SupervisorMode mode) {
  supervisor_ = supervisor;
  mode_ = supervisor ? mode : SupervisorMode::kNone;
}

Result<CallTickOutput> CallMedia::tick(TimePoint now) {
  constexpr auto kC = static_cast<size_t>(Party::kCaller), kA = static_cast<size_t>(Party::kAgent),
                 kS = static_cast<size_t>(Party::kSupervisor),
                 kT = static_cast<size_t>(Party::kThird);
  std::array<JitterOutput, kMaxParties> from;
  from[kC] = caller_->next_frame(now);
  if (agent_) from[kA] = agent_->next_frame(now);
  if (supervisor_) from[kS] = supervisor_->next_frame(now);
  if (third_) from[kT] = third_->next_frame(now);
  CallTickOutput out;
  for (size_t p = 0; p < kMaxParties; ++p) {
    if (muted_[p]) from[p].samples.fill(0);
    out.heard_from[p] = audible(from[p].samples);
  }

  HearingMatrix hears = hearing_for(mode_);
  if (third_) {
    // Consultation: the agent and the consulted party talk. Conference: the caller joins them,
    // and a supervisor hears (or is heard by) the third party as they do the caller.
    hears[kA][kT] = hears[kT][kA] = true;
    if (conference_) {
      hears[kC][kT] = hears[kT][kC] = true;
      hears[kS][kT] = hears[kS][kC];
      hears[kT][kS] = hears[kC][kS];
    }
  }
  if (hold_) {
    // On hold the caller is heard by nobody and hears only the player (music); the agent is cut
    // from the caller and the supervisor, but still talks with a consulted party.
    for (size_t listener = 0; listener < kMaxParties; ++listener) {
      hears[listener][kC] = false;
      if (listener != kT) hears[listener][kA] = false;
    }
  }
  std::array<Frame, kMaxParties> mixed = mix_parties(
      hears, {from[kC].samples, from[kA].samples, from[kS].samples, from[kT].samples});
  Frame& to_caller = mixed[kC];
  Frame prompt;
  if (caller_player_.next(prompt)) mix_add_saturating(to_caller, prompt);

  out.to_caller = caller_->next_packet(to_caller);
  out.sent_to[kC] = audible(to_caller);
  if (agent_) {
    out.to_agent = agent_->next_packet(mixed[kA]);
    out.sent_to[kA] = audible(mixed[kA]);
  }
  if (supervisor_) {
    out.to_supervisor = supervisor_->next_packet(mixed[kS]);
    out.sent_to[kS] = audible(mixed[kS]);
  }
  if (third_) {
    out.to_third = third_->next_packet(mixed[kT]);
    out.sent_to[kT] = audible(mixed[kT]);
  }

  if (recorder_) {
    // The right channel is what the caller heard from the centre: the agent, a supervisor who
    // barged in, the third party of a conference. Prompts are left out: they are known from
    // the IVR path.
    Frame right = from[kA].samples;
    if (mode_ == SupervisorMode::kBarge) mix_add_saturating(right, from[kS].samples);
    if (third_ && conference_) mix_add_saturating(right, from[kT].samples);
    SY_TRY(recorder_->write(from[kC].samples, right));
  }
  return out;
}

}  // namespace sy::media
