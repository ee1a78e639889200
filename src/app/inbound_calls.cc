// InboundCalls: the facade the SIP and media adapters call, the calls coming in and the IVR
// session that drives each of them (prompts, digits, lookups, queueing, announcements).
#include "app/inbound_calls.h"

#include <spdlog/spdlog.h>

#include "app/inbound_calls_impl.h"
#include "media/tones.h"

namespace sy::app {
namespace {

// A call record id unique across restarts: arrival time in ms, then the SIP leg number.
std::string make_record_id(TimePoint at, sip::CallId id) {
  return "c" + std::to_string(to_unix_ms(at)) + "-" + std::to_string(id);
}

// "约3分钟" / "不到1分钟" for the waiting announcement.
std::string spoken_wait(double seconds) {
  if (seconds < 60) return "不到1分钟";
  return "约" + std::to_string(static_cast<long>((seconds + 59) / 60)) + "分钟";
}

}  // namespace

using inbound::variable;

void InboundCalls::Impl::incoming(const sip::IncomingCall& in) {
  auto flow = flows_.flow_for(in.called);
  if (!flow) {
    spdlog::info("call {} from {}: {} is not a service number", in.id, in.caller, in.called);
    if (auto* s = sip()) s->reject(in.id, 404);
    return;
  }
  auto port = media_.open(in.id, in.audio);
  if (!port) {
    spdlog::warn("call {}: no media port: {}", in.id, port.error().message);
    if (auto* s = sip()) s->reject(in.id, 503);
    return;
  }
  Call call;
  call.in = in;
  call.session = std::make_unique<ivr::Session>(flow);
  call.started_at = now();
  call.answered_at = call.started_at;
  call.record_id = make_record_id(call.started_at, in.id);
  store::NewCall row;
  row.id = call.record_id;
  row.from_number = in.caller;
  row.to_number = in.called;
  row.started_at = call.started_at;
  records_.call_started(row);
  calls_.emplace(in.id, std::move(call));
  ++owner_.active_;
  if (auto* s = sip()) s->answer(in.id, sip::LocalMedia{options_.media_ip, *port, 0, 0});
}

void InboundCalls::Impl::established(sip::CallId id) {
  Call* call = find(id);
  if (!call || call->ivr_started) return;
  call->ivr_started = true;
  apply(id, call->session->start(call->in.caller, call->in.called, now()));
}

void InboundCalls::Impl::ended(sip::CallId id, sip::CallEndReason reason) {
  if (auto leg = legs_.find(id); leg != legs_.end()) {
    agent_leg_ended(id, leg->second, reason);
    return;
  }
  Call* call = find(id);
  if (!call) return;
  media_.close(id);
  TimePoint t = now();
  if (call->agent_leg || call->ringing_leg) {
    sip::CallId other = call->agent_leg ? call->agent_leg : call->ringing_leg;
    if (auto leg = legs_.find(other); leg != legs_.end()) leg->second.caller = 0;
    if (auto* s = sip()) s->hangup(other);  // BYE to the agent, or CANCEL while ringing
  }
  if (call->supervisor_leg) {
    if (auto leg = legs_.find(call->supervisor_leg); leg != legs_.end()) leg->second.caller = 0;
    if (auto* s = sip()) s->hangup(call->supervisor_leg);
  }
  consultation_call_over(*call);
  if (call->agent_leg && call->end_reason.empty())
    call->end_reason = reason == sip::CallEndReason::kRemoteHangup ? "caller_hangup"
                                                                    : sip::end_reason_name(reason);
  if (call->session->state() != ivr::SessionState::kEnded)
    (void)call->session->call_ended(sip::end_reason_name(reason), t);
  leave_queue(*call, t, /*abandoned=*/call->agent_leg == 0);
  store::CallFinished f;
  f.ended_at = t;
  f.end_reason = call->end_reason.empty() ? sip::end_reason_name(reason) : call->end_reason;
  f.ivr_path = call->session->trace().path;
  for (const auto& d : call->session->trace().digits)
    f.digits.push_back(store::CollectedDigits{d.node, d.digits});  // PINs masked by the IVR
  for (const auto& a : call->session->trace().survey_answers)
    f.survey_answers.push_back({a.survey, a.question, a.answer ? std::string(1, a.answer) : ""});
  if (!call->queue.empty()) f.queue = call->queue;
  f.wait_s = call->wait_s;
  if (!call->routing_reason.empty()) f.routing_reason = call->routing_reason;
  std::string customer = variable(*call->session, "customer_id");
  if (!customer.empty()) f.customer_id = std::atoll(customer.c_str());
  std::string region = variable(*call->session, "region_code");
  if (!region.empty()) f.region_code = region;
  if (!call->recording_id.empty()) f.recording_id = call->recording_id;
  std::string record_id = call->record_id;
  calls_.erase(id);
  --owner_.active_;
  records_.call_finished(record_id, f);
}

// The call leaves the ACD (hang-up while waiting or ringing: abandoned).
void InboundCalls::Impl::leave_queue(Call& call, TimePoint t, bool abandoned) {
  if (!call.queued) {
    if (call.agent_leg && acd()) {  // the conversation is over
      Status st = acd()->end(call.record_id);
      if (!st) spdlog::debug("call {}: ACD end: {}", call.record_id, st.error().message);
    }
    return;
  }
  call.queued = false;
  if (!call.wait_s)
    call.wait_s = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(t - call.queued_at).count());
  if (!acd() || call.callback_accepted) return;  // a kept place stays for the callback
  Status st = abandoned ? acd()->abandon(call.record_id) : acd()->end(call.record_id);
  if (!st) spdlog::debug("call {}: ACD: {}", call.record_id, st.error().message);
}

void InboundCalls::Impl::digit(sip::CallId id, char key) {
  Call* call = find(id);
  if (!call || !call->ivr_started) return;
  spdlog::debug("call {}: DTMF {} at node {} (queued: {})", call->record_id, key,
                call->session->current_node(), call->queued);
  if (call->queued) {
    if (key == '1' && call->callback_offered && !call->callback_accepted) accept_callback(id, *call);
    return;
  }
  apply(id, call->session->digit(key, now()));
}

void InboundCalls::Impl::playback_finished(sip::CallId id, std::uint64_t seq) {
  Call* call = find(id);
  if (call && call->saying && seq == call->say_seq) {
    call->saying = false;
    auto then = std::move(call->after_say);
    call->after_say = nullptr;
    if (then) then(id);
    return;
  }
  if (!call || !call->awaiting_prompt || seq != call->play_seq) return;
  call->awaiting_prompt = false;
  apply(id, call->session->prompt_finished(now()));
}

void InboundCalls::Impl::check_deadlines() {
  TimePoint t = now();
  std::vector<sip::CallId> due;
  for (auto& [id, call] : calls_) {
    auto deadline = call.session->next_deadline();
    if (call.ivr_started && deadline && *deadline <= t) due.push_back(id);
  }
  for (auto id : due)
    if (Call* call = find(id)) apply(id, call->session->tick(t));
}

void InboundCalls::Impl::apply(sip::CallId id, Result<ivr::Actions> actions) {
  if (!actions) {
    spdlog::debug("call {}: ivr: {}", id, actions.error().message);
    return;
  }
  for (auto& action : *actions) {
    Call* call = find(id);
    if (!call) return;
    std::visit([&](auto& a) { carry_out(id, *call, a); }, action);
  }
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call, const ivr::PlayAction& play) {
  std::uint64_t token = ++call.render_token;
  call.awaiting_prompt = true;
  call.play_seq = 0;
  prompt_worker_.post([this, id, token, pieces = play.pieces] {
    std::vector<media::SharedSamples> audio;
    for (const auto& piece : pieces) {
      auto samples = prompts_.get(piece);
      if (samples) audio.push_back(*samples);
      else spdlog::warn("call {}: prompt '{}': {}", id, piece.text, samples.error().message);
    }
    loop_.post([this, id, token, audio = std::move(audio)]() mutable {
      Call* c = find(id);
      if (!c || c->render_token != token || !c->awaiting_prompt) return;
      if (audio.empty()) {  // nothing to say: go on as if it had been heard
        c->awaiting_prompt = false;
        apply(id, c->session->prompt_finished(now()));
        return;
      }
      c->play_seq = media_.play(id, std::move(audio));
    });
  });
}

void InboundCalls::Impl::carry_out(sip::CallId, Call&, const ivr::StartDigitCollectionAction&) {
  // Digits are always forwarded; the session keeps its own timeouts.
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call, const ivr::StopPlaybackAction&) {
  ++call.render_token;
  call.awaiting_prompt = false;
  media_.stop_playback(id);
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call&, const ivr::LookupAction& lookup) {
  lookup_worker_.post([this, id, lookup] {
    TimePoint t = now();
    LookupAnswer answer = lookups_.run(lookup, t);
    loop_.post([this, id, answer = std::move(answer)] {
      if (Call* c = find(id)) apply(id, c->session->lookup_result(answer.key, answer.variables, now()));
    });
  });
}

// What the ringing agent sees of the call: the caller's number, the IVR path and the digits
// collected (PINs already masked by the IVR).
void InboundCalls::Impl::for_screen_pop(const Call& call, QueuedCall& q) {
  q.caller_number = call.in.caller;
  q.ivr_path = call.session->trace().path;
  for (const auto& d : call.session->trace().digits)
    q.digits.push_back(store::CollectedDigits{d.node, d.digits});
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call, const ivr::EnqueueAction& enqueue) {
  call.queue = enqueue.spec.name;
  ++call.render_token;
  call.awaiting_prompt = false;
  auto reason = enqueue.attached.find("contact_reason");
  if (reason != enqueue.attached.end() && !reason->second.empty()) {
    std::string phone = variable(*call.session, "repair_contact");
    record_contact(id, call, reason->second, phone.empty() ? call.in.caller : phone,
                   "queued:" + enqueue.spec.name);
  }
  if (!acd()) {  // no call distributor running: the caller waits with the tone
    media_.play_waiting_tone(id, media::china_ringback_tone());
    return;
  }
  QueuedCall q;
  q.call_id = call.record_id;
  q.queue = enqueue.spec.name;
  for (const auto& [skill, level] : enqueue.spec.skills) q.skills.push_back({skill, level});
  q.region = variable(*call.session, "region_code");
  q.priority = enqueue.effective_priority;
  q.vip = variable(*call.session, "vip") == "yes";
  std::string customer = variable(*call.session, "customer_id");
  if (!customer.empty()) q.customer_id = std::strtoull(customer.c_str(), nullptr, 10);
  for_screen_pop(call, q);
  q.attached = enqueue.attached;  // e.g. pin_verified after the agent's PIN check
  TimePoint t = now();
  auto queued = acd()->enqueue(q);
  if (!queued) {
    spdlog::warn("call {}: queue {}: {}", call.record_id, q.queue, queued.error().message);
    call.routing_reason = "queue_unavailable: " + queued.error().message;
    apply(id, call.session->queue_outcome("closed", t));
    return;
  }
  call.routing_reason = queued->reason;
  if (queued->region_capped) {
    call.region_capped = true;
    call.routing_reason = "region_capped: " + queued->reason;
    spdlog::info("call {}: region {} is at its cap for queue {}", call.record_id, q.region, q.queue);
    say(id, call, "您所在地区当前人工服务排队人数已满，暂时无法为您排队。",
        [this](sip::CallId cid) {
          if (Call* c = find(cid)) apply(cid, c->session->queue_outcome("full", now()));
        });
    return;
  }
  call.queued = true;
  call.queued_at = t;
  call.next_announce = t + options_.announce_interval;
  spdlog::info("call {}: queued in {} at position {}, about {:.0f} s", call.record_id, q.queue,
               queued->position, queued->estimated_wait_s);
  if (queued->position > 0) announce(id, call, queued->position, queued->estimated_wait_s);
  else media_.play_waiting_tone(id, media::china_ringback_tone());
}

// Position and estimated wait, then the waiting tone again.
void InboundCalls::Impl::announce(sip::CallId id, Call& call, int position, double wait_s) {
  std::string text = position <= 1 ? "您是下一位，" : "您前面还有" + std::to_string(position - 1) + "位客户，";
  text += "预计等待时间" + spoken_wait(wait_s) + "，请耐心等候。";
  say(id, call, text, [this](sip::CallId cid) { back_to_waiting(cid); });
}

void InboundCalls::Impl::back_to_waiting(sip::CallId id) {
  Call* c = find(id);
  if (c && c->queued) media_.play_waiting_tone(id, media::china_ringback_tone());
}

void InboundCalls::Impl::offer_callback(sip::CallId id, Call& call) {
  if (call.callback_offered || !call.queued) return;
  call.callback_offered = true;
  spdlog::info("call {}: callback offered after {} s", call.record_id,
               std::chrono::duration_cast<std::chrono::seconds>(now() - call.queued_at).count());
  say(id, call, "当前等待时间较长。保留您的排队位置并由坐席稍后回电，请按1；继续等待请不要挂机。",
      [this](sip::CallId cid) { back_to_waiting(cid); });
}

void InboundCalls::Impl::accept_callback(sip::CallId id, Call& call) {
  call.callback_accepted = true;
  call.end_reason = "callback_accepted";
  if (Status st = acd()->callback_accepted(call.record_id); !st)
    spdlog::warn("call {}: callback: {}", call.record_id, st.error().message);
  record_contact(id, call, "callback_request", call.in.caller, "callback_kept_place");
  say(id, call, "已为您保留排队位置，坐席将尽快回电，再见。", [this](sip::CallId cid) {
    if (auto* s = sip(); s && find(cid)) s->hangup(cid);
  });
}

// Speaks `text` (TTS) outside the flow; `then` runs once it has been heard (or at once when
// nothing could be rendered).
void InboundCalls::Impl::say(sip::CallId id, Call& call, const std::string& text,
                             std::function<void(sip::CallId)> then) {
  std::uint64_t token = ++call.say_token;
  call.saying = true;
  call.say_seq = 0;
  call.after_say = std::move(then);
  prompt_worker_.post([this, id, token, text] {
    std::vector<media::SharedSamples> audio;
    auto samples = prompts_.get(ivr::SpokenPiece{ivr::PromptPiece::Kind::kTts, text});
    if (samples) audio.push_back(*samples);
    else spdlog::warn("call {}: prompt '{}': {}", id, text, samples.error().message);
    loop_.post([this, id, token, audio = std::move(audio)]() mutable {
      Call* c = find(id);
      if (!c || c->say_token != token || !c->saying) return;
      if (audio.empty()) {
        c->saying = false;
        auto then = std::move(c->after_say);
        c->after_say = nullptr;
        if (then) then(id);
        return;
      }
      media_.stop_playback(id);  // the waiting tone never ends: a prompt queued behind it is never heard
      c->say_seq = media_.play(id, std::move(audio));
    });
  });
}

// Once a second: announcements and the callback offer for waiting callers.
void InboundCalls::Impl::check_queue() {
  if (!acd()) return;
  TimePoint t = now();
  std::vector<sip::CallId> ids;
  for (auto& [id, call] : calls_)
    if (call.queued && !call.saying && !call.callback_accepted) ids.push_back(id);
  for (auto id : ids) {
    Call* call = find(id);
    if (!call) continue;
    if (options_.callback_offer_after.count() > 0 && !call->callback_offered &&
        t - call->queued_at >= options_.callback_offer_after) {
      offer_callback(id, *call);
      continue;
    }
    if (t < call->next_announce) continue;
    call->next_announce = t + options_.announce_interval;
    auto estimate = acd()->wait_estimate(call->record_id);
    if (estimate && estimate->position > 0)
      announce(id, *call, estimate->position, estimate->estimated_wait_s);
  }
}

// ACD news for a waiting caller.
void InboundCalls::Impl::acd_notice(const AcdNotice& n) {
  sip::CallId id = by_record(n.call_id);
  Call* call = find(id);
  if (!call) return;
  switch (n.kind) {
    case AcdNotice::Kind::kCallbackOffered:
      offer_callback(id, *call);
      break;
    case AcdNotice::Kind::kVoicemail:
    case AcdNotice::Kind::kOverflowCentre:
      call->queued = false;
      call->wait_s = static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(now() - call->queued_at).count());
      apply(id, call->session->queue_outcome(
                    n.kind == AcdNotice::Kind::kVoicemail ? "closed" : "timeout", now()));
      break;
    case AcdNotice::Kind::kOfferWithdrawn:
      spdlog::info("call {}: extension {} did not answer in time; back in the queue", n.call_id,
                   n.extension);
      offer_withdrawn(n.call_id);
      break;
  }
}

sip::CallId InboundCalls::Impl::by_record(const std::string& record_id) const {
  auto dash = record_id.rfind('-');
  if (dash == std::string::npos) return 0;
  sip::CallId id = std::strtoull(record_id.c_str() + dash + 1, nullptr, 10);
  auto it = calls_.find(id);
  return it != calls_.end() && it->second.record_id == record_id ? id : 0;
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call,
                                   const ivr::TransferAction& transfer) {
  spdlog::warn("call {}: transfer to {} is not available; hanging up", id, transfer.target);
  call.end_reason = "transfer_unavailable";
  if (auto* s = sip()) s->hangup(id);
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call,
                                   const ivr::RecordVoicemailAction& vm) {
  spdlog::warn("call {}: voicemail box {} is not recorded yet", id, vm.mailbox);
  apply(id, call.session->voicemail_finished(now()));
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call,
                                   const ivr::RequestCallbackAction& cb) {
  record_contact(id, call, "callback_request", cb.number.empty() ? call.in.caller : cb.number,
                 "callback_requested");
}

void InboundCalls::Impl::carry_out(sip::CallId id, Call& call, const ivr::HangupAction& hangup) {
  call.end_reason = hangup.reason;
  if (auto* s = sip()) s->hangup(id);
}

// The contact row an agent sees in the customer's history (fault repair, callback wanted).
void InboundCalls::Impl::record_contact(sip::CallId id, const Call& call,
                                        const std::string& category, const std::string& phone,
                                        const std::string& disposition) {
  store::NewContact contact;
  std::string customer = variable(*call.session, "customer_id");
  if (!customer.empty()) contact.customer_id = std::atoll(customer.c_str());
  std::string region = variable(*call.session, "region_code");
  if (!region.empty()) contact.region_code = region;
  contact.channel = "voice";
  contact.direction = "inbound";
  contact.phone = phone;
  contact.call_id = call.record_id;
  contact.category = category;
  contact.disposition = disposition;
  contact.summary = category == "fault_repair" ? "IVR 故障报修，联系电话 " + phone
                                               : "IVR 预约回电，号码 " + phone;
  contact.started_at = call.started_at;
  lookup_worker_.post([this, id, contact] {
    auto created = repos_.contacts.create(contact);
    if (!created) spdlog::warn("call {}: contact record: {}", id, created.error().message);
    else spdlog::info("call {}: contact {} recorded ({})", id, created->id, contact.category);
  });
}

void InboundCalls::Impl::stop() {
  prompt_worker_.stop();
  lookup_worker_.stop();
}


InboundCalls::InboundCalls(ControlLoop& loop, FlowRegistry& flows, sip::MediaHost& media,
                           store::Repositories& repos, CallRecordSink& records,
                           InboundOptions options)
    : impl_(std::make_unique<Impl>(*this, loop, flows, media, repos, records, std::move(options))),
      loop_(loop) {}

InboundCalls::~InboundCalls() { stop(); }

void InboundCalls::start_timers() {
  loop_.every(std::chrono::milliseconds(50), [this] { impl_->check_deadlines(); });
  loop_.every(std::chrono::seconds(2), [this] { impl_->flows_.reload_changed(); });
  loop_.every(std::chrono::seconds(1), [this] { impl_->check_queue(); });
}

void InboundCalls::stop() { impl_->stop(); }

void InboundCalls::on_incoming_call(const sip::IncomingCall& call) {
  loop_.post([this, call] { impl_->incoming(call); });
}
void InboundCalls::on_call_established(sip::CallId id) {
  loop_.post([this, id] { impl_->established(id); });
}
void InboundCalls::on_media_changed(sip::CallId id, const sip::NegotiatedAudio& audio) {
  impl_->media_.update(id, audio);  // thread-safe; the IVR does not care about hold
}
void InboundCalls::on_call_ended(sip::CallId id, sip::CallEndReason reason) {
  loop_.post([this, id, reason] { impl_->ended(id, reason); });
}
void InboundCalls::on_digit(sip::CallId id, char digit) {
  loop_.post([this, id, digit] { impl_->digit(id, digit); });
}
void InboundCalls::on_outbound_ringing(sip::CallId id) {
  loop_.post([this, id] { impl_->outbound_ringing(id); });
}
void InboundCalls::on_outbound_answered(sip::CallId id, const sip::NegotiatedAudio& audio) {
  loop_.post([this, id, audio] { impl_->outbound_answered(id, audio); });
}
void InboundCalls::on_outbound_failed(sip::CallId id, int sip_status) {
  loop_.post([this, id, sip_status] { impl_->outbound_failed(id, sip_status); });
}
void InboundCalls::on_phone_registered(const std::string& extension, const std::string& contact) {
  loop_.post([this, extension, contact] {
    spdlog::info("phone {} registered from {}", extension, contact);
    if (auto* acd = impl_->acd()) acd->agent_reachable(extension);
  });
}
void InboundCalls::on_phone_unregistered(const std::string& extension, sip::UnregisterReason reason) {
  loop_.post([this, extension, reason] {
    spdlog::info("phone {} unregistered ({})", extension, sip::unregister_reason_name(reason));
    if (reason == sip::UnregisterReason::kReplaced) return;  // another contact took it over
    if (auto* acd = impl_->acd()) acd->agent_unreachable(extension);
  });
}
void InboundCalls::on_recording_finished(sip::CallId caller_leg,
                                         const Result<media::RecordingMetadata>& result) {
  loop_.post([this, caller_leg, result] { impl_->recording_finished(caller_leg, result); });
}
Result<api::LiveCall> InboundCalls::live_call(const std::string& call_id) {
  return impl_->live_call(call_id);
}
Status InboundCalls::call_action(const std::string& call_id, const api::CallActor& by,
                                 const std::string& action, const std::string& digits,
                                 const api::CallTarget& to) {
  return impl_->call_action(call_id, by, action, digits, to);
}
Result<std::vector<api::ReturnPoint>> InboundCalls::return_points(const std::string& call_id,
                                                                  const api::CallActor& by) {
  return impl_->return_points(call_id, by);
}
Status InboundCalls::monitor(const std::string& call_id, const api::CallActor& supervisor,
                             api::MonitorMode mode) {
  return impl_->monitor(call_id, supervisor, mode);
}
void InboundCalls::answer(const std::string& call_id, const api::CallActor& by,
                          std::function<void(Status)> done) {
  impl_->answer(call_id, by, std::move(done));
}
void InboundCalls::offer(const AcdOffer& offer) { impl_->acd_offer(offer); }
void InboundCalls::notice(const AcdNotice& notice) { impl_->acd_notice(notice); }
void InboundCalls::on_playback_finished(sip::CallId id, std::uint64_t sequence) {
  loop_.post([this, id, sequence] { impl_->playback_finished(id, sequence); });
}

}  // namespace sy::app
