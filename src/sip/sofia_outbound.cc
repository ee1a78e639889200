// Calls to registered agent phones (SipAdapter::dial): our INVITE with an SDP offer, the
// phone's progress and answer, failures reported once.
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tagarg.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "sip/sofia_adapter.h"

namespace sy::sip::detail {

void SofiaAdapter::fail_outbound(CallId id, int status) { handler_.on_outbound_failed(id, status); }

void SofiaAdapter::start_dial(CallId id, const OutboundCall& out) {
  if (shutting_down_) return fail_outbound(id, 503);
  std::optional<PhoneBinding> binding;
  {
    std::lock_guard lock(bindings_mu_);
    if (const PhoneBinding* b = bindings_.find(out.extension)) binding = *b;
  }
  if (!binding) return fail_outbound(id, 480);
  std::string extra;
  for (const auto& [name, value] : out.headers) {
    if (!header_token(name) || !header_value(value)) return fail_outbound(id, 400);
    extra.append(name).append(": ").append(value).append("\r\n");
  }
  if (!extra.empty()) extra.resize(extra.size() - 2);
  auto call = std::make_unique<Call>();
  call->id = id;
  call->outbound = true;
  call->dialed_at = std::chrono::steady_clock::now();
  call->local = out.local;
  call->local.session_id = session_ids_();
  call->local.version = 1;
  std::string domain = options_.domain;
  if (domain.empty()) {
    bool wildcard = options_.host == "0.0.0.0" || options_.host == "::" || options_.host.empty();
    domain = (wildcard ? std::string("localhost") : options_.host) + ":" +
             std::to_string(options_.port);
  }
  std::string from =
      (out.caller_display.empty() ? std::string() : quote_display(out.caller_display))
          .append("<sip:")
          .append(out.caller_number.empty() ? "switchyard" : out.caller_number)
          .append("@")
          .append(domain)
          .append(">");
  std::string to =
      std::string("<sip:").append(out.extension).append("@").append(domain).append(">");
  // A phone behind NAT is reached where its REGISTER came from ("udp:ip:port" / "tcp:..."):
  // every request of the call (INVITE, ACK, CANCEL, BYE) goes there, over the phone's own
  // TCP connection while it is open; the Request-URI stays the registered Contact.
  std::string next_hop;
  if (binding->via_source) {
    auto colon = binding->source.find(':');
    if (colon != std::string::npos)
      next_hop = std::string("sip:")
                     .append(binding->source.substr(colon + 1))
                     .append(";transport=")
                     .append(binding->source.substr(0, colon));
  }
  call->invite = Call::Invite{to, from, binding->contact, build_offer(call->local), extra, next_hop};
  if (!send_invite(*call)) return fail_outbound(id, 500);
  calls_.emplace(id, std::move(call));
}

bool SofiaAdapter::send_invite(Call& call) {
  const Call::Invite& i = call.invite;
  const bool hop = !i.next_hop.empty();
  nua_handle_t* nh = nua_handle(nua_, &call, SIPTAG_TO_STR(i.to.c_str()),
                                SIPTAG_FROM_STR(i.from.c_str()),
                                TAG_IF(hop, NUTAG_PROXY(URL_STRING_MAKE(i.next_hop.c_str()))),
                                TAG_END());
  if (!nh) return false;
  call.nh = nh;
  nua_invite(nh, NUTAG_URL(i.uri.c_str()),
             TAG_IF(hop, NUTAG_PROXY(URL_STRING_MAKE(i.next_hop.c_str()))),
             SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(i.sdp.c_str()),
             TAG_IF(!i.headers.empty(), SIPTAG_HEADER_STR(i.headers.c_str())), TAG_END());
  return true;
}

void SofiaAdapter::on_invite_response(Call& call, int status, sip_t const* sip) {
  if (!call.outbound || call.finished || call.answered) return;
  if (status == 180 || status == 183) {
    if (!call.early && sip && sip->sip_to && sip->sip_to->a_tag) {
      Call::EarlyDialog early;
      early.to = std::string("<")
                     .append(url_string(sip->sip_to->a_url))
                     .append(">;tag=")
                     .append(sip->sip_to->a_tag);
      early.target = sip->sip_contact ? url_string(sip->sip_contact->m_url) : call.invite.uri;
      call.early = std::move(early);
      if (!call.talk_waiters.empty()) send_talk(call);  // asked before the phone rang
    }
    if (!call.ringing) {
      call.ringing = true;
      handler_.on_outbound_ringing(call.id);
    }
    return;
  }
  if (status < 200) return;
  if (status >= 300 && (status == 503 || status == 408) && !call.ringing && !call.cancelled &&
      !call.invite.next_hop.empty()) {
    // The phone's NAT address (or its TCP connection) is gone: try the Contact it registered.
    spdlog::info("sip: call {} to {} failed {}, trying the registered contact", call.id,
                 call.invite.next_hop, status);
    nua_handle_bind(call.nh, nullptr);  // its end is ignored; on_terminated destroys it
    call.invite.next_hop.clear();
    if (send_invite(call)) return;
    call.finished = true;
    fail_outbound(call.id, 500);
    return;
  }
  if (status >= 300) {
    call.finished = true;
    finish_talk(call, false, 481);
    fail_outbound(call.id, status);
    return;
  }
  auto answer = parse_answer(sip);
  if (!answer || call.cancelled) {  // answered without usable SDP, or after our CANCEL
    call.finished = true;
    call.reason = CallEndReason::kLocalHangup;
    finish_talk(call, false, 481);
    nua_bye(call.nh, TAG_END());
    fail_outbound(call.id, call.cancelled ? 487 : 488);
    return;
  }
  call.answered = true;
  call.established = true;
  call.audio = *answer;
  finish_talk(call, true, 200);  // the phone answered before (or instead of) replying
  handler_.on_outbound_answered(call.id, call.audio);
}

// Remote answer the way BroadSoft-compatible desk phones take it: NOTIFY with Event: talk
// inside the early dialog of our ringing INVITE, no body. It goes on the call's own handle, so
// its CSeq comes from the dialog's sequence (INVITE + 1) and the BYE or session refresh after it
// follows in order. nua keeps the early dialog only for reliable provisional responses, so the
// phone's tagged To and its Contact are given by hand; it sends a NOTIFY outside a subscription
// only with NUTAG_NEWSUB(1), and the notifier usage it creates ends with this one NOTIFY
// (Subscription-State: terminated), the call's session usage untouched. nua sends the call's
// later in-dialog requests (BYE) after the NOTIFY's transaction ends: a phone that never replies
// to it delays a BYE sent within 32 s (timer F) of the NOTIFY; a CANCEL is not held back.
void SofiaAdapter::start_remote_answer(CallId id, std::function<void(bool, int)> done) {
  auto it = calls_.find(id);
  if (it == calls_.end() || !it->second->outbound || it->second->finished ||
      it->second->cancelled || it->second->reason)
    return done(false, 481);
  Call& call = *it->second;
  if (call.answered) return done(true, 200);
  call.talk_waiters.push_back(std::move(done));
  if (call.talk_waiters.size() > 1) return;  // our NOTIFY is already on its way
  call.talk_deadline = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(options_.remote_answer_timeout_ms);
  // Asked before the phone's 180 arrived: the NOTIFY goes once it opens the early dialog.
  if (call.early) send_talk(call);
}

void SofiaAdapter::send_talk(Call& call) {
  const Call::EarlyDialog& d = *call.early;
  nua_notify(call.nh, NUTAG_URL(d.target.c_str()), SIPTAG_TO_STR(d.to.c_str()), NUTAG_NEWSUB(1),
             NUTAG_SUBSTATE(nua_substate_active), SIPTAG_EVENT_STR("talk"), TAG_END());
}

void SofiaAdapter::on_talk_response(Call& call, int status) {
  if (status < 200) return;
  if (status >= 300)
    spdlog::info("sip: phone of call {} refused the remote answer ({})", call.id, status);
  finish_talk(call, status < 300, status);
}

void SofiaAdapter::finish_talk(Call& call, bool accepted, int status) {
  auto waiters = std::move(call.talk_waiters);
  call.talk_waiters.clear();
  for (auto& done : waiters) done(accepted, status);
}

Result<NegotiatedAudio> SofiaAdapter::parse_answer(sip_t const* sip) const {
  std::string body = payload_of(sip);
  if (body.empty())
    return make_error(ErrorKind::kInvalidInput, "sdp_missing", "the answer has no SDP");
  auto sd = parse_sdp(body);
  if (!sd) return sd.error();
  return negotiate_answer(*sd);
}

}  // namespace sy::sip::detail
