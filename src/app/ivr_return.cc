// Sending a caller back to the IVR from the desktop, at one of the agent_return points of the
// call's flow (PIN check, satisfaction survey): the agent leaves as in a blind transfer and the
// call's IVR session goes on from the node, so the path, digits and survey answers end up in
// the one call record.
#include <spdlog/spdlog.h>

#include "app/inbound_calls_impl.h"

namespace sy::app {

Result<std::vector<api::ReturnPoint>> InboundCalls::Impl::return_points(
    const std::string& record_id, const api::CallActor& by) {
  auto found = own_call(record_id, by);
  if (!found) return found.error();
  std::vector<api::ReturnPoint> out;
  for (const auto& p : (*found)->session->flow().agent_return)
    out.push_back({p.node, p.label, p.label_en});
  return out;
}

Status InboundCalls::Impl::return_to_ivr(Call& call, const std::string& node) {
  const ivr::Flow& flow = call.session->flow();
  if (!flow.return_point(node))
    return cc_error(ErrorKind::kNotFound, "target_not_found",
                    "node " + node + " is not a return point of flow " + flow.id);
  if (!call.agent_leg)
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    "the call is not answered yet: only a caller you talk to can go back");
  if (call.consult_leg)
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    "a consultation is running: complete or cancel it first");
  TimePoint t = now();
  // The queue the call was in, for a flow that queues the caller back (PIN check).
  auto actions = call.session->return_to(node, t, {{"queue", call.queue}});
  if (!actions) return cc_error(ErrorKind::kConflict, "invalid_call_state", actions.error().message);
  sip::CallId id = call.in.id;
  // Nobody listens in on what the caller keys next (a PIN): a supervisor leaves with the agent.
  if (call.supervisor_leg) {
    if (auto leg = legs_.find(call.supervisor_leg); leg != legs_.end()) leg->second.caller = 0;
    media_.detach_supervisor(id);
    if (auto* s = sip()) s->hangup(call.supervisor_leg);
    call.supervisor_leg = 0;
  }
  // BYE to the agent's phone, the ACD ends their conversation (wrap-up), and the caller leg is
  // unbridged, which turns in-band DTMF detection back on for a phone that sends no RFC 4733.
  release_agent(call);
  call.muted = false;
  ++call.say_token;
  call.saying = false;
  call.after_say = nullptr;
  ++call.render_token;
  call.awaiting_prompt = false;
  media_.stop_playback(id);
  spdlog::info("call {}: back to the IVR at {} (flow {})", call.record_id, node, flow.id);
  apply(id, std::move(actions));
  return {};
}

}  // namespace sy::app
