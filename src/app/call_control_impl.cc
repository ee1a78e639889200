// InboundCalls, desktop call control: what the agent's desktop does to their live call
// (hang up, hold, mute, DTMF, transfer) and supervisor monitoring (listen, whisper, barge).
#include <spdlog/spdlog.h>

#include "app/inbound_calls_impl.h"
#include "media/tones.h"

namespace sy::app {

using inbound::variable;

// ---- desktop call control --------------------------------------------------------------
Error InboundCalls::Impl::cc_error(ErrorKind kind, const std::string& code,
                                   const std::string& message) {
  return make_error(kind, code, message);
}

Result<api::LiveCall> InboundCalls::Impl::live_call(const std::string& record_id) {
  Call* call = find(by_record(record_id));
  if (!call) return cc_error(ErrorKind::kNotFound, "call_not_found", "no live call " + record_id);
  api::LiveCall live;
  live.call_id = call->record_id;
  live.queue = call->queue;
  std::string region = variable(*call->session, "region_code");
  if (!region.empty()) live.region_code = region;
  if (call->agent_leg) {
    live.agent_id = call->agent_id;
    live.state = call->held ? "held" : "talking";
  } else if (call->ringing_leg) {
    if (auto it = legs_.find(call->ringing_leg); it != legs_.end() && it->second.kind == AgentLeg::Kind::kAgent)
      live.agent_id = it->second.offer.agent_id;
    live.state = "ringing";
  } else {
    live.state = call->queued ? "queued" : "ivr";
  }
  return live;
}

// The acting agent's own connected call.
Result<InboundCalls::Impl::Call*> InboundCalls::Impl::own_call(const std::string& record_id,
                                                               const api::CallActor& by) {
  sip::CallId id = by_record(record_id);
  Call* call = find(id);
  if (!call) return cc_error(ErrorKind::kNotFound, "call_not_found", "no live call " + record_id);
  auto live = live_call(record_id);
  if (!live->agent_id || !by.agent_id || *live->agent_id != *by.agent_id)
    return cc_error(ErrorKind::kForbidden, "not_your_call", "the call is not with you");
  return call;
}

// The agent answers from the desktop: the ringing phone is asked to pick up (NOTIFY Event:
// talk). What the phone says decides the reply; its answer itself arrives as any answer does
// (outbound_answered: bridge, recording, ACD), so the call goes on exactly as if picked up.
void InboundCalls::Impl::answer(const std::string& record_id, const api::CallActor& by,
                                std::function<void(Status)> done) {
  auto found = own_call(record_id, by);
  if (!found) return done(found.error());
  Call& call = **found;
  if (call.agent_leg)
    return done(
        cc_error(ErrorKind::kConflict, "invalid_call_state", "the call is already answered"));
  auto* s = sip();
  if (!s)
    return done(
        cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "telephony is stopping"));
  sip::CallId caller = call.in.id, leg = call.ringing_leg;
  s->remote_answer(leg, [this, caller, leg, done = std::move(done)](bool accepted, int status) {
    loop_.post([this, caller, leg, accepted, status, done] {
      Call* now = find(caller);
      if (accepted || (now && now->agent_leg == leg)) return done({});  // picked up, either way
      if (!now)
        return done(cc_error(ErrorKind::kNotFound, "call_not_found", "the caller hung up"));
      if (now->ringing_leg != leg)
        return done(cc_error(ErrorKind::kConflict, "invalid_call_state",
                             "the call stopped ringing on your phone"));
      std::string why = status == 408 ? std::string("no reply") : std::to_string(status);
      spdlog::info("call {}: the agent's phone cannot be answered from the desktop ({})",
                   now->record_id, why);
      done(cc_error(ErrorKind::kConflict, "not_supported_by_phone",
                    "your phone cannot be answered from the desktop; pick up the handset"));
    });
  });
}

Status InboundCalls::Impl::call_action(const std::string& record_id, const api::CallActor& by,
                                       const std::string& action, const std::string& digits,
                                       const api::CallTarget& to) {
  auto found = own_call(record_id, by);
  if (!found) return found.error();
  Call& call = **found;
  sip::CallId id = call.in.id;
  auto* s = sip();
  if (!s) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "telephony is stopping");
  auto talking = [&]() -> Status {
    if (!call.agent_leg)
      return cc_error(ErrorKind::kConflict, "invalid_call_state", "the call is not answered yet");
    return {};
  };
  if (action == "answer")  // answered from the desktop through answer(), which waits for the phone
    return cc_error(ErrorKind::kConflict, "invalid_call_state", "answer the call with answer()");
  if (action == "hangup") {
    if (call.agent_leg) {
      call.end_reason = "agent_hangup";
      s->hangup(id);
    } else {  // ringing: the agent refuses; the caller goes back to the queue
      if (acd()) (void)acd()->refuse(call.record_id);
      if (auto it = legs_.find(call.ringing_leg); it != legs_.end()) it->second.withdrawn = true;
      s->hangup(call.ringing_leg);
      call.ringing_leg = 0;
    }
    return {};
  }
  if (action == "hold" || action == "resume") {
    SY_TRY(talking());
    bool on = action == "hold";
    if (call.held == on)
      return cc_error(ErrorKind::kConflict, "invalid_call_state", on ? "already on hold" : "not on hold");
    media_.set_hold(id, on);
    call.held = on;
    return {};
  }
  if (action == "mute" || action == "unmute") {
    SY_TRY(talking());
    auto leg = legs_.find(call.agent_leg);
    if (leg == legs_.end()) return cc_error(ErrorKind::kConflict, "invalid_call_state", "no agent leg");
    media_.set_mute(leg->second.media, action == "mute");
    call.muted = action == "mute";
    return {};
  }
  if (action == "dtmf") {
    SY_TRY(talking());
    Status st = media_.send_dtmf(id, digits);
    if (!st) return cc_error(ErrorKind::kInvalidInput, "invalid_digits", st.error().message);
    return {};
  }
  if (action == "transfer") {
    SY_TRY(talking());
    if (to.kind == api::CallTarget::Kind::kQueue) {
      release_agent(call);
      return requeue(id, call, to.name);
    }
    // An extension: ring it; the agent leaves now; the caller hears the ring-back meanwhile.
    release_agent(call);
    std::uint64_t media_id = next_media_leg_++;
    auto port = media_.reserve(media_id);
    if (!port) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", port.error().message);
    sip::OutboundCall out;
    out.extension = to.name;
    out.caller_number = call.in.caller;
    out.local = sip::LocalMedia{options_.media_ip, *port, 0, 0};
    out.headers = {{"X-Call-Id", call.record_id}, {"X-Transfer", "blind"}};
    sip::CallId leg = s->dial(out);
    AgentLeg a;
    a.caller = id;
    a.media = media_id;
    a.offer.call_id = call.record_id;
    a.offer.extension = to.name;
    a.kind = AgentLeg::Kind::kTransfer;
    legs_[leg] = a;
    call.ringing_leg = leg;
    media_.play_waiting_tone(id, media::china_ringback_tone());
    return {};
  }
  return cc_error(ErrorKind::kConflict, "invalid_call_state",
                  "consultation, conference and returning a call to the IVR are not available yet");
}

// The agent leaves the conversation (transfer): the ACD frees them, their phone gets a BYE.
void InboundCalls::Impl::release_agent(Call& call) {
  media_.unbridge(call.in.id);
  if (call.held) media_.set_hold(call.in.id, false);
  call.held = false;
  if (acd()) (void)acd()->end(call.record_id);
  if (auto leg = legs_.find(call.agent_leg); leg != legs_.end()) leg->second.caller = 0;
  if (auto* s = sip()) s->hangup(call.agent_leg);
  call.agent_leg = 0;
}

// The caller waits again, in `queue`.
Status InboundCalls::Impl::requeue(sip::CallId id, Call& call, const std::string& queue) {
  if (!acd()) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "no call distributor");
  QueuedCall q;
  q.call_id = call.record_id;
  q.queue = queue;
  q.region = variable(*call.session, "region_code");
  q.vip = variable(*call.session, "vip") == "yes";
  std::string customer = variable(*call.session, "customer_id");
  if (!customer.empty()) q.customer_id = std::strtoull(customer.c_str(), nullptr, 10);
  for_screen_pop(call, q);
  auto queued = acd()->enqueue(q);
  if (!queued) {
    if (queued.error().code == "queue_not_found")
      return cc_error(ErrorKind::kNotFound, "target_not_found", "no queue " + queue);
    return queued.error();
  }
  call.queue = queue;
  call.queued = true;
  call.queued_at = now();
  call.next_announce = call.queued_at + options_.announce_interval;
  media_.play_waiting_tone(id, media::china_ringback_tone());
  spdlog::info("call {}: transferred to queue {} (position {})", call.record_id, queue, queued->position);
  return {};
}

Status InboundCalls::Impl::monitor(const std::string& record_id, const api::CallActor& sup,
                                   api::MonitorMode mode) {
  sip::CallId id = by_record(record_id);
  Call* call = find(id);
  if (!call) return cc_error(ErrorKind::kNotFound, "call_not_found", "no live call " + record_id);
  if (!call->agent_leg)
    return cc_error(ErrorKind::kConflict, "invalid_call_state", "the call is not with an agent");
  media::SupervisorMode m = mode == api::MonitorMode::kListen    ? media::SupervisorMode::kListen
                            : mode == api::MonitorMode::kWhisper ? media::SupervisorMode::kWhisper
                                                                 : media::SupervisorMode::kBarge;
  if (call->supervisor_leg) {
    auto leg = legs_.find(call->supervisor_leg);
    if (leg == legs_.end() || leg->second.supervisor_user != sup.user_id)
      return cc_error(ErrorKind::kConflict, "invalid_call_state", "another supervisor is on the call");
    leg->second.mode = m;
    if (leg->second.answered) return media_.attach_supervisor(id, leg->second.media, m);
    return {};
  }
  if (sup.extension.empty())
    return cc_error(ErrorKind::kConflict, "no_supervisor_phone", "you have no phone to join with");
  auto* s = sip();
  if (!s) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "telephony is stopping");
  std::uint64_t media_id = next_media_leg_++;
  auto port = media_.reserve(media_id);
  if (!port) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", port.error().message);
  sip::OutboundCall out;
  out.extension = sup.extension;
  out.caller_number = call->in.caller;
  out.local = sip::LocalMedia{options_.media_ip, *port, 0, 0};
  out.headers = {{"X-Call-Id", call->record_id}, {"X-Monitor", std::string(api::to_string(mode))}};
  sip::CallId leg = s->dial(out);
  AgentLeg a;
  a.caller = id;
  a.media = media_id;
  a.offer.call_id = call->record_id;
  a.offer.extension = sup.extension;
  a.kind = AgentLeg::Kind::kSupervisor;
  a.mode = m;
  a.supervisor_user = sup.user_id;
  legs_[leg] = a;
  call->supervisor_leg = leg;
  return {};
}

}  // namespace sy::app
