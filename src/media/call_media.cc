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
  JitterOutput from_caller = caller_->next_frame(now);
  JitterOutput from_agent, from_supervisor;
  if (agent_) from_agent = agent_->next_frame(now);
  if (supervisor_) from_supervisor = supervisor_->next_frame(now);
  if (muted(Party::kCaller)) from_caller.samples.fill(0);
  if (muted(Party::kAgent)) from_agent.samples.fill(0);
  if (muted(Party::kSupervisor)) from_supervisor.samples.fill(0);

  CallTickOutput out;
  out.heard_from = {audible(from_caller.samples), audible(from_agent.samples),
                    audible(from_supervisor.samples)};

  // On hold caller and agent are cut apart; a supervisor keeps hearing (and whispering to)
  // whoever the mode allows.
  static const Frame kSilence{};
  const ThreePartyOutput mixed = mix_three_party(
      mode_, {hold_ ? std::span<const int16_t>(kSilence) : from_caller.samples,
              hold_ ? std::span<const int16_t>(kSilence) : from_agent.samples,
              from_supervisor.samples});
  Frame to_caller = mixed.to_caller;
  Frame prompt;
  if (caller_player_.next(prompt)) mix_add_saturating(to_caller, prompt);

  out.to_caller = caller_->next_packet(to_caller);
  out.sent_to[0] = audible(to_caller);
  if (agent_) {
    out.to_agent = agent_->next_packet(mixed.to_agent);
    out.sent_to[1] = audible(mixed.to_agent);
  }
  if (supervisor_) {
    out.to_supervisor = supervisor_->next_packet(mixed.to_supervisor);
    out.sent_to[2] = audible(mixed.to_supervisor);
  }

  if (recorder_) {
    // The right channel is what the caller heard from the centre: the agent, and a supervisor
    // who barged in. Prompts are left out: they are known from the IVR path.
    Frame right = from_agent.samples;
    if (mode_ == SupervisorMode::kBarge) mix_add_saturating(right, from_supervisor.samples);
    SY_TRY(recorder_->write(from_caller.samples, right));
  }
  return out;
}

}  // namespace sy::media
