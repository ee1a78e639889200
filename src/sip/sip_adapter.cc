#include "sip/sip_adapter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/url.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "sip/sofia_adapter.h"

namespace sy::sip {

const char* unregister_reason_name(UnregisterReason reason) {
  switch (reason) {
    case UnregisterReason::kExpired:
      return "expired";
    case UnregisterReason::kRemoved:
      return "removed";
    case UnregisterReason::kReplaced:
      return "replaced";
  }
  return "removed";
}

const char* end_reason_name(CallEndReason reason) {
  switch (reason) {
    case CallEndReason::kCancelled:
      return "cancelled";
    case CallEndReason::kRemoteHangup:
      return "caller_hangup";
    case CallEndReason::kLocalHangup:
      return "local_hangup";
    case CallEndReason::kSessionExpired:
      return "session_expired";
    case CallEndReason::kFailed:
      return "failed";
  }
  return "failed";
}

namespace detail {

// "udp:1.2.3.4:5060" for the current request's source.
std::string source_transport(nua_t* nua) {
  msg_t* msg = nua_current_request(nua);
  if (!msg) return {};
  su_addrinfo_t* ai = msg_addrinfo(msg);
  if (!ai || !ai->ai_addr || ai->ai_addr->sa_family != AF_INET) return {};
  auto* sin = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
  const char* proto = ai->ai_protocol == IPPROTO_TCP ? "tcp" : "udp";
  return std::string(proto).append(":").append(buf).append(":").append(
      std::to_string(ntohs(sin->sin_port)));
}

std::string url_string(const url_t* url) {
  if (!url) return {};
  char buf[1024];
  issize_t n = url_e(buf, sizeof buf, url);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return {};
  return std::string(buf, static_cast<size_t>(n));
}

bool header_token(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool header_value(const std::string& value) {
  return value.find_first_of("\r\n") == std::string::npos;
}

std::string quote_display(const std::string& display) {
  std::string out = "\"";
  for (char c : display) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out + "\" ";
}

std::string user_of(const url_t* url) { return url && url->url_user ? url->url_user : ""; }

std::string source_address(nua_t* nua) {
  msg_t* msg = nua_current_request(nua);
  if (!msg) return {};
  su_addrinfo_t* ai = msg_addrinfo(msg);
  if (!ai || !ai->ai_addr) return {};
  char buf[INET6_ADDRSTRLEN] = {};
  if (ai->ai_addr->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf, sizeof buf);
  else if (ai->ai_addr->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf, sizeof buf);
  return buf;
}

const char* static_phrase(int status) {
  const char* phrase = sip_status_phrase(status);
  return phrase ? phrase : "Rejected";
}

std::string payload_of(const sip_t* sip) {
  if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data) return {};
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

void SofiaAdapter::push(Command c) {
  {
    std::lock_guard lock(mu_);
    commands_.push_back(std::move(c));
  }
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void SofiaAdapter::run(std::promise<Status>& started) {
  su_init();
  root_ = su_root_create(this);
  std::string url =
      std::string("sip:") + options_.host + std::string(":") + std::to_string(options_.port);
  if (root_)
    nua_ =
        nua_create(root_, &SofiaAdapter::on_event, this, NUTAG_URL(url.c_str()),
                   NUTAG_MEDIA_ENABLE(0), SIPTAG_USER_AGENT_STR(options_.user_agent.c_str()),
                   NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, REGISTER"),
                   NUTAG_SESSION_TIMER(options_.session_expires_s), NUTAG_MIN_SE(options_.min_se_s),
                   NUTAG_UPDATE_REFRESH(1), NUTAG_REFRESH_WITHOUT_SDP(1),
                   NUTAG_APPL_METHOD("UPDATE"), NUTAG_APPL_METHOD("REGISTER"), TAG_END());
  if (!nua_) {
    if (root_) su_root_destroy(root_);
    su_deinit();
    started.set_value(make_error(ErrorKind::kUnavailable, "sip_bind_failed",
                                 std::string("cannot listen for SIP on ") + options_.host +
                                     std::string(":") + std::to_string(options_.port) +
                                     " (UDP and TCP)"));
    return;
  }
  su_wait_t wait[1];
  su_wait_create(wait, wake_fd_, SU_WAIT_IN);
  su_root_register(root_, wait, &SofiaAdapter::on_wake, this, 0);
  timer_ = su_timer_create(su_root_task(root_), std::max(options_.registration_check_ms, 10));
  su_timer_run(timer_, &SofiaAdapter::on_timer, this);
  started.set_value(Status{});
  su_root_run(root_);
  su_timer_destroy(timer_);
  for (auto& [id, call] : calls_) {
    finish_talk(*call, false, 503);
    nua_handle_destroy(call->nh);
  }
  calls_.clear();
  nua_destroy(nua_);
  su_root_destroy(root_);
  su_deinit();
}

int SofiaAdapter::on_wake(void*, su_wait_t*, void* arg) {
  auto* self = static_cast<SofiaAdapter*>(arg);
  uint64_t n = 0;
  [[maybe_unused]] auto r = ::read(self->wake_fd_, &n, sizeof n);
  std::deque<Command> batch;
  {
    std::lock_guard lock(self->mu_);
    batch.swap(self->commands_);
  }
  for (auto& c : batch) self->execute(c);
  return 0;
}

void SofiaAdapter::execute(const Command& c) {
  if (c.kind == Command::Kind::kStop) {
    if (!shutting_down_) {
      shutting_down_ = true;
      nua_shutdown(nua_);
    }
    return;
  }
  if (c.kind == Command::Kind::kDial) {
    start_dial(c.id, *c.outbound);
    return;
  }
  if (c.kind == Command::Kind::kRemoteAnswer) {
    start_remote_answer(c.id, c.done);
    return;
  }
  auto it = calls_.find(c.id);
  if (it == calls_.end() || it->second->reason) return;  // the call ended meanwhile
  Call& call = *it->second;
  switch (c.kind) {
    case Command::Kind::kRing:
      if (!call.answered) nua_respond(call.nh, 180, "Ringing", TAG_END());
      break;
    case Command::Kind::kAnswer: {
      if (call.answered) break;
      call.answered = true;
      call.local.ip = c.local.ip;  // session id and version stay the adapter's
      call.local.port = c.local.port;
      std::string sdp = build_answer(call.audio, call.local, call.other_media);
      nua_respond(call.nh, 200, "OK", SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                  SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
      break;
    }
    case Command::Kind::kReject:
      if (call.answered) break;
      call.reason = CallEndReason::kLocalHangup;
      // nua_respond() keeps the phrase pointer until the stack runs: only static strings.
      nua_respond(call.nh, c.status, static_phrase(c.status), TAG_END());
      break;
    case Command::Kind::kHangup:
      if (call.outbound && !call.answered) {
        if (!call.cancelled) {
          call.cancelled = true;
          nua_cancel(call.nh, TAG_END());
        }
        break;
      }
      call.reason = CallEndReason::kLocalHangup;
      if (call.answered)
        nua_bye(call.nh, TAG_END());
      else
        nua_respond(call.nh, 480, "Temporarily Unavailable", TAG_END());
      break;
    case Command::Kind::kStop:
    case Command::Kind::kDial:
    case Command::Kind::kRemoteAnswer:
      break;
  }
}

void SofiaAdapter::on_event(nua_event_t event, int status, char const* phrase, nua_t* nua,
                            void* magic, nua_handle_t* nh, void* hmagic, sip_t const* sip,
                            tagi_t tags[]) {
  auto* self = static_cast<SofiaAdapter*>(magic);
  auto* call = static_cast<Call*>(hmagic);
  switch (event) {
    case nua_i_invite:
      if (call)
        self->on_reoffer(*call, sip, /*is_update=*/false);
      else
        self->on_invite(nua, nh, sip);
      break;
    case nua_i_register:
      self->on_register(nua, nh, sip);
      break;
    case nua_r_invite:
      if (call) self->on_invite_response(*call, status, sip);
      break;
    case nua_r_notify:  // the remote answer's NOTIFY (sofia_outbound.cc)
      if (call) self->on_talk_response(*call, status);
      break;

    case nua_i_update:
      if (call)
        self->on_reoffer(*call, sip, /*is_update=*/true);
      else
        nua_respond(nh, 481, "Call Does Not Exist", NUTAG_WITH_THIS(nua), TAG_END());
      break;
    case nua_i_ack:
      if (call && !call->established) {
        call->established = true;
        self->handler_.on_call_established(call->id);
      }
      break;
    case nua_i_cancel:
      if (call && !call->reason) call->reason = CallEndReason::kCancelled;
      break;
    case nua_i_bye:
      if (call && !call->reason) call->reason = CallEndReason::kRemoteHangup;
      break;
    case nua_i_state: {
      int state = nua_callstate_init;
      tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
      if (state == nua_callstate_terminated) self->on_terminated(nh, call);
      break;
    }
    case nua_r_shutdown:
      if (status >= 200) su_root_break(self->root_);
      break;
    case nua_i_error:
      spdlog::warn("sip: {} {}", status, phrase ? phrase : "");
      break;
    default:
      // Requests nua leaves to the application (nothing we accept): refuse them.
      if (status == 100 && nh && !call && event != nua_i_options && event != nua_i_state)
        nua_respond(nh, 405, "Method Not Allowed", NUTAG_WITH_THIS(nua), TAG_END());
      break;
  }
}

bool SofiaAdapter::trusted(const std::string& source) const {
  return std::find(options_.trusted_sources.begin(), options_.trusted_sources.end(), source) !=
         options_.trusted_sources.end();
}

void SofiaAdapter::on_invite(nua_t* nua, nua_handle_t* nh, sip_t const* sip) {
  ++invites_;
  std::string source = source_address(nua);
  if (shutting_down_) {
    nua_respond(nh, 503, "Shutting Down", TAG_END());
    return;
  }
  if (!trusted(source)) {
    ++untrusted_;
    nua_respond(nh, 403, "Forbidden", TAG_END());
    return;
  }
  if (live_.load() >= options_.max_calls) {
    ++overload_;
    std::string retry = std::to_string(options_.retry_after_s);
    nua_respond(nh, 503, "Service Unavailable", SIPTAG_RETRY_AFTER_STR(retry.c_str()), TAG_END());
    return;
  }
  auto offer = parse_offer(sip);
  if (!offer) {
    ++bad_sdp_;
    std::string warning = std::string("399 switchyard \"") + offer.error().message + "\"";
    nua_respond(nh, 488, "Not Acceptable Here", SIPTAG_WARNING_STR(warning.c_str()), TAG_END());
    return;
  }
  auto call = std::make_unique<Call>();
  call->id = next_id_.fetch_add(1);
  call->nh = nh;
  call->audio = offer->first;
  call->other_media = offer->second;
  call->local.session_id = session_ids_();
  call->local.version = 1;
  nua_handle_bind(nh, call.get());
  IncomingCall in;
  in.id = call->id;
  in.caller = sip && sip->sip_from ? user_of(sip->sip_from->a_url) : "";
  in.called = sip && sip->sip_request ? user_of(sip->sip_request->rq_url) : "";
  in.source_ip = source;
  in.audio = call->audio;
  calls_.emplace(call->id, std::move(call));
  ++live_;
  handler_.on_incoming_call(in);
}

// The SDP of a request, parsed and negotiated (audio, number of other m= lines).
Result<std::pair<NegotiatedAudio, int>> SofiaAdapter::parse_offer(sip_t const* sip) const {
  std::string body = payload_of(sip);
  if (body.empty())
    return make_error(ErrorKind::kInvalidInput, "sdp_missing", "an SDP offer is required");
  auto sd = parse_sdp(body);
  if (!sd) return sd.error();
  auto audio = negotiate(*sd);
  if (!audio) return audio.error();
  return std::make_pair(*audio, sd->other_media);
}

// re-INVITE or UPDATE in an existing dialog: hold/resume or a session refresh.
void SofiaAdapter::on_reoffer(Call& call, sip_t const* sip, bool is_update) {
  if (payload_of(sip).empty()) {  // session refresh without an offer
    if (is_update || !call.answered) {
      nua_respond(call.nh, 200, "OK", TAG_END());
    } else {
      std::string sdp = build_answer(call.audio, call.local, call.other_media);
      nua_respond(call.nh, 200, "OK", SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                  SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
    }
    return;
  }
  auto offer = parse_offer(sip);
  if (!offer) {  // the call keeps its current media
    ++bad_sdp_;
    std::string warning = std::string("399 switchyard \"") + offer.error().message + "\"";
    nua_respond(call.nh, 488, "Not Acceptable Here", SIPTAG_WARNING_STR(warning.c_str()),
                TAG_END());
    return;
  }
  bool changed = !(offer->first == call.audio);
  call.audio = offer->first;
  call.other_media = offer->second;
  ++call.local.version;
  std::string sdp = build_answer(call.audio, call.local, call.other_media);
  nua_respond(call.nh, 200, "OK", SIPTAG_CONTENT_TYPE_STR("application/sdp"),
              SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
  if (changed) handler_.on_media_changed(call.id, call.audio);
}

void SofiaAdapter::on_terminated(nua_handle_t* nh, Call* call) {
  if (call && call->outbound) {
    CallId id = call->id;
    bool answered = call->answered, finished = call->finished, cancelled = call->cancelled;
    CallEndReason reason = call->reason.value_or(CallEndReason::kSessionExpired);
    finish_talk(*call, false, 481);
    nua_handle_bind(nh, nullptr);
    calls_.erase(id);
    if (answered && !finished)
      handler_.on_call_ended(id, reason);
    else if (!finished)
      fail_outbound(id, cancelled ? 487 : 500);
  } else if (call) {
    CallEndReason reason = call->reason.value_or(call->established ? CallEndReason::kSessionExpired
                                                                   : CallEndReason::kFailed);
    CallId id = call->id;
    nua_handle_bind(nh, nullptr);
    calls_.erase(id);
    --live_;
    handler_.on_call_ended(id, reason);
  }
  nua_handle_destroy(nh);
}

}  // namespace detail

using detail::SofiaAdapter;

Result<std::unique_ptr<SipAdapter>> SipAdapter::start(const SipOptions& options,
                                                      CallHandler& handler, Registrar registrar) {
  auto adapter = std::make_unique<SofiaAdapter>(options, handler, std::move(registrar));
  if (Status st = adapter->launch(); !st) return st.error();
  return std::unique_ptr<SipAdapter>(std::move(adapter));
}

}  // namespace sy::sip
