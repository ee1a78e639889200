// CallMedia::tick: legs -> mixer -> (recording, outgoing packets).
#include "media/call_media.h"

namespace sy::media {

void CallMedia::attach_supervisor(RtpStream* supervisor, SupervisorMode mode) {
  supervisor_ = supervisor;
  mode_ = supervisor ? mode : SupervisorMode::kNone;
}

Result<CallTickOutput> CallMedia::tick(TimePoint now) {
  const JitterOutput from_caller = caller_->next_frame(now);
  JitterOutput from_agent, from_supervisor;
  if (agent_) from_agent = agent_->next_frame(now);
  if (supervisor_) from_supervisor = supervisor_->next_frame(now);

  const ThreePartyOutput mixed =
      mix_three_party(mode_, {from_caller.samples, from_agent.samples, from_supervisor.samples});
  Frame to_caller = mixed.to_caller;
  Frame prompt;
  if (caller_player_.next(prompt)) mix_add_saturating(to_caller, prompt);

  CallTickOutput out;
  out.to_caller = caller_->next_packet(to_caller);
  if (agent_) out.to_agent = agent_->next_packet(mixed.to_agent);
  if (supervisor_) out.to_supervisor = supervisor_->next_packet(mixed.to_supervisor);

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
