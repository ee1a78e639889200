// InboundCalls, desktop call control: what the agent's desktop does to their live call
// (hang up, hold, mute, DTMF, transfer) and supervisor monitoring (listen, whisper, barge).
#include <spdlog/spdlog.h>

#include "app/inbound_calls_impl.h"
#include "media/tones.h"

namespace sy::app {

using inbound::variable;

namespace {

void log_state(Status st) {
  if (!st) spdlog::warn("agent state: {}", st.error().message);
}

// An agent we took out of the ACD's offers for a consultation (or the call it led to) is ready
// again, as the ACD leaves an agent after a call.
void ready_again(AcdService& acd, std::int64_t agent) {
  if (acd.agent_state(agent) == routing::AgentState::kOnCall)
    acd.set_state(agent, store::AgentPresence::kReady, "", "system", log_state);
}

}  // namespace

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
    live.state = control_state(*call);
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
  if (action == "hangup" && by.agent_id) {  // the consulted agent leaves the consultation
    Call* consulted = find(by_record(record_id));
    if (consulted && consulted->consult_leg && consulted->consult_agent &&
        *consulted->consult_agent == *by.agent_id)
      return cancel_consult(*consulted);
  }
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
    if (call.agent_leg && call.consult_leg && call.consult_answered) {
      (void)agent_left_consultation(call);  // the caller stays with the consulted party
    } else if (call.agent_leg) {
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
  if (action == "consult") {
    SY_TRY(talking());
    return consult(call, to);
  }
  if (action == "complete_transfer") {
    SY_TRY(talking());
    return complete_transfer(call);
  }
  if (action == "conference") {
    SY_TRY(talking());
    return conference(call);
  }
  if (action == "cancel_consult") {
    SY_TRY(talking());
    return cancel_consult(call);
  }
  if (call.consult_leg && action != "mute" && action != "unmute" && action != "dtmf")
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    call.conference ? "a conference is running: cancel-consult drops the third "
                                      "party, hangup leaves the caller with them"
                                    : "a consultation is running: complete, conference or "
                                      "cancel it first");
  if (action == "hold" || action == "resume") {
    SY_TRY(talking());
    bool on = action == "hold";
    if (call.held == on)
      return cc_error(ErrorKind::kConflict, "invalid_call_state", on ? "already on hold" : "not on hold");
    media_.set_hold(id, on);
    call.held = on;
    publish_update(call);
    return {};
  }
  if (action == "mute" || action == "unmute") {
    SY_TRY(talking());
    auto leg = legs_.find(call.agent_leg);
    if (leg == legs_.end()) return cc_error(ErrorKind::kConflict, "invalid_call_state", "no agent leg");
    media_.set_mute(leg->second.media, action == "mute");
    call.muted = action == "mute";
    publish_update(call);
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
  if (action == "to_ivr") return return_to_ivr(call, digits);  // digits: the node
  return cc_error(ErrorKind::kInvalidInput, "unknown_action", "no call action " + action);
}

// The agent leaves the conversation (transfer): the ACD frees them, their phone gets a BYE.
void InboundCalls::Impl::release_agent(Call& call) {
  media_.unbridge(call.in.id);
  if (call.held) media_.set_hold(call.in.id, false);
  call.held = false;
  if (call.agent_outside_acd && call.agent_id && acd()) {
    acd()->conversation_over(*call.agent_id);  // after-call work, as after an ACD call
    call.agent_outside_acd = false;
  } else if (acd()) {
    (void)acd()->end(call.record_id);
  }
  if (auto leg = legs_.find(call.agent_leg); leg != legs_.end()) leg->second.caller = 0;
  if (auto* s = sip(); s && call.agent_leg) s->hangup(call.agent_leg);
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

// ---- consultation, transfer after it, three-way conference --------------------------------

std::string InboundCalls::Impl::control_state(const Call& call) {
  if (call.conference) return "conference";
  if (call.consult_leg) return "consulting";
  return call.held ? "held" : "talking";
}

void InboundCalls::Impl::publish_update(const Call& call, const std::string& state,
                                        std::int64_t former_consulted) {
  if (!acd() || !call.agent_leg) return;
  AcdCallUpdate u;
  u.call_id = call.record_id;
  u.agent_id = call.agent_id.value_or(0);
  u.consult_agent_id = call.consult_agent.value_or(former_consulted);
  u.state = state.empty() ? control_state(call) : state;
  u.consult_target = call.consult_target;
  u.consult_answered = call.consult_answered;
  u.muted = call.muted;
  u.queue = call.queue;
  u.region = variable(*call.session, "region_code");
  acd()->call_updated(u);
}

// The caller waits on hold while we ring the target; the agent talks to them once they answer.
Status InboundCalls::Impl::consult(Call& call, const api::CallTarget& to) {
  if (call.consult_leg)
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    "a consultation is already running");
  auto* s = sip();
  if (!s)
    return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "telephony is stopping");
  std::optional<std::int64_t> agent;
  std::string extension;
  if (to.kind == api::CallTarget::Kind::kQueue) {
    if (!acd())
      return cc_error(ErrorKind::kConflict, "target_unavailable",
                      "no call distributor runs to find an agent of queue " + to.name);
    auto pick = acd()->agent_for_consultation(to.name, call.agent_id.value_or(0));
    if (!pick) {
      if (pick.error().code == "queue_not_found")
        return cc_error(ErrorKind::kNotFound, "target_not_found", "no queue " + to.name);
      return cc_error(ErrorKind::kConflict, "target_unavailable", pick.error().message);
    }
    agent = pick->agent_id;
    extension = pick->extension;
  } else {
    extension = to.name;
    if (acd()) agent = acd()->agent_with_extension(extension);
    bool registered = false;
    for (const auto& binding : s->registrations()) registered |= binding.extension == extension;
    if (!registered) {
      if (agent)
        return cc_error(ErrorKind::kConflict, "target_unavailable",
                        "extension " + extension + " has no registered phone");
      return cc_error(ErrorKind::kNotFound, "target_not_found",
                      "no phone has extension " + extension);
    }
    if (auto own = legs_.find(call.agent_leg);
        own != legs_.end() && own->second.offer.extension == extension)
      return cc_error(ErrorKind::kConflict, "target_unavailable",
                      "extension " + extension + " is your own phone");
    if (agent && acd()) {
      auto state = acd()->agent_state(*agent);
      if (state == routing::AgentState::kOnCall || state == routing::AgentState::kReserved)
        return cc_error(ErrorKind::kConflict, "target_unavailable",
                        "the agent at extension " + extension + " is on a call");
    }
  }
  std::uint64_t media_id = next_media_leg_++;
  auto port = media_.reserve(media_id);
  if (!port)
    return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", port.error().message);
  sip::OutboundCall out;
  out.extension = extension;
  out.caller_number = call.in.caller;
  out.caller_display = variable(*call.session, "customer_name");
  out.local = sip::LocalMedia{options_.media_ip, *port, 0, 0};
  out.headers = {{"X-Call-Id", call.record_id}, {"X-Transfer", "consult"}};
  sip::CallId leg = s->dial(out);
  AgentLeg a;
  a.caller = call.in.id;
  a.media = media_id;
  a.offer.call_id = call.record_id;
  a.offer.extension = extension;
  a.offer.agent_id = agent.value_or(0);
  a.kind = AgentLeg::Kind::kConsult;
  legs_[leg] = a;
  call.consult_leg = leg;
  call.consult_answered = false;
  call.conference = false;
  call.consult_target = extension;
  call.consult_agent = agent;
  // A ready agent consulted is not offered queued calls meanwhile.
  if (agent && acd() && acd()->agent_state(*agent) == routing::AgentState::kReady) {
    acd()->set_state(*agent, store::AgentPresence::kOnCall, "", "system", log_state);
    call.consult_agent_marked = true;
  }
  if (!call.held) media_.set_hold(call.in.id, true);
  call.held = true;
  spdlog::info("call {}: consulting extension {}", call.record_id, extension);
  publish_update(call);
  if (agent && acd()) {  // the consulted agent's desktop rings with the caller's file
    AcdConsultOffer offer;
    offer.call_id = call.record_id;
    offer.agent_id = *agent;
    offer.extension = extension;
    offer.from_agent_id = call.agent_id.value_or(0);
    if (auto own = legs_.find(call.agent_leg); own != legs_.end())
      offer.from_extension = own->second.offer.extension;
    offer.caller = call.in.caller;
    offer.queue = call.queue;
    offer.region = variable(*call.session, "region_code");
    acd()->consult_offered(offer);
  }
  return {};
}

void InboundCalls::Impl::consult_answered(Call& call, AgentLeg& leg, sip::CallId sip_leg) {
  if (Status st = media_.attach_third(call.in.id, leg.media); !st) {
    spdlog::warn("call {}: consultation media: {}", call.record_id, st.error().message);
    if (auto* s = sip()) s->hangup(sip_leg);
    return;
  }
  call.consult_answered = true;
  spdlog::info("call {}: extension {} answered the consultation", call.record_id,
               call.consult_target);
  publish_update(call);
}

// The consultation is over without a transfer (cancelled, refused, hung up): the caller and
// the agent talk again, off hold.
void InboundCalls::Impl::consult_gone(Call& call, const std::string& why) {
  spdlog::info("call {}: consultation with {} over ({})", call.record_id, call.consult_target, why);
  media_.detach_third(call.in.id);
  unmark_consulted_agent(call);
  call.consult_leg = 0;
  call.consult_answered = false;
  call.conference = false;
  call.consult_target.clear();
  std::int64_t consulted = call.consult_agent.value_or(0);
  call.consult_agent.reset();
  if (call.agent_leg) {
    media_.set_hold(call.in.id, false);
    call.held = false;
  }
  publish_update(call, "", consulted);  // the consulted desktop learns the consultation is over
}

void InboundCalls::Impl::unmark_consulted_agent(Call& call) {
  if (call.consult_agent_marked && call.consult_agent && acd())
    ready_again(*acd(), *call.consult_agent);
  call.consult_agent_marked = false;
}

Status InboundCalls::Impl::cancel_consult(Call& call) {
  if (!call.consult_leg)
    return cc_error(ErrorKind::kConflict, "invalid_call_state", "no consultation to cancel");
  sip::CallId leg = call.consult_leg;
  if (auto it = legs_.find(leg); it != legs_.end()) {  // its end is not news any more
    it->second.withdrawn = true;
    it->second.caller = 0;
  }
  if (auto* s = sip()) s->hangup(leg);  // BYE, or CANCEL while it rings
  consult_gone(call, "cancelled");
  return {};
}

Status InboundCalls::Impl::complete_transfer(Call& call) {
  if (!call.consult_leg || !call.consult_answered)
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    "no answered consultation: consult first, and wait for the answer");
  spdlog::info("call {}: transferred to extension {} after consultation", call.record_id,
               call.consult_target);
  hand_over_to_consulted(call);
  return {};
}

Status InboundCalls::Impl::conference(Call& call) {
  if (!call.consult_leg || !call.consult_answered)
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    "no answered consultation: consult first, and wait for the answer");
  if (call.conference)
    return cc_error(ErrorKind::kConflict, "invalid_call_state", "the conference is running");
  media_.set_hold(call.in.id, false);
  call.held = false;
  media_.set_conference(call.in.id, true);
  call.conference = true;
  spdlog::info("call {}: conference with extension {}", call.record_id, call.consult_target);
  publish_update(call);
  return {};
}

// The agent leaves (complete transfer, or their leg ended while the consulted party is on the
// line): the ACD frees them, and the consulted leg becomes the call's agent leg. The recording
// goes on.
void InboundCalls::Impl::hand_over_to_consulted(Call& call) {
  sip::CallId id = call.in.id;
  auto consulted = legs_.find(call.consult_leg);
  media_.detach_third(id);
  release_agent(call);
  call.muted = false;
  if (consulted == legs_.end()) return;
  if (Status st = media_.bridge(id, consulted->second.media); !st)
    spdlog::warn("call {}: bridge to the consulted party: {}", call.record_id, st.error().message);
  consulted->second.kind = AgentLeg::Kind::kTransfer;
  call.agent_leg = call.consult_leg;
  call.agent_id = call.consult_agent;
  if (call.consult_agent && acd() && !call.consult_agent_marked &&
      acd()->agent_state(*call.consult_agent) == routing::AgentState::kReady) {
    acd()->set_state(*call.consult_agent, store::AgentPresence::kOnCall, "", "system", log_state);
    call.consult_agent_marked = true;
  }
  call.agent_outside_acd = call.consult_agent_marked;
  call.handed_over = true;
  call.consult_agent_marked = false;
  call.consult_leg = 0;
  call.consult_answered = false;
  call.conference = false;
  call.consult_target.clear();
  call.consult_agent.reset();
  publish_update(call);
}

bool InboundCalls::Impl::agent_left_consultation(Call& call) {
  if (!call.consult_leg) return false;
  if (call.consult_answered) {
    spdlog::info("call {}: the agent left; the caller stays with extension {}", call.record_id,
                 call.consult_target);
    hand_over_to_consulted(call);
    return true;
  }
  (void)cancel_consult(call);  // still ringing: nobody to leave the caller with
  return false;
}

void InboundCalls::Impl::consultation_call_over(Call& call) {
  if (call.consult_leg) {
    if (auto it = legs_.find(call.consult_leg); it != legs_.end()) it->second.caller = 0;
    if (auto* s = sip()) s->hangup(call.consult_leg);
    unmark_consulted_agent(call);
    call.consult_leg = 0;
  }
  if (call.agent_outside_acd && call.agent_id && acd()) {
    // Not the ACD's contact: no call.ended from it, so the desktop is told here.
    publish_update(call, "ended");
    acd()->conversation_over(*call.agent_id);  // after-call work, as after an ACD call
    call.agent_outside_acd = false;
  } else if (call.handed_over && call.agent_id) {
    publish_update(call, "ended");  // the ACD's call.ended goes to the agent who left it
  }
  call.handed_over = false;
}

}  // namespace sy::app
