#include "sip/sip_adapter.h"

#include <netinet/in.h>

#include <arpa/inet.h>
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
#include <sys/eventfd.h>
#include <unistd.h>

#include <strings.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <optional>
#include <thread>

#include "sip/registrar.h"

namespace sy::sip {

const char* unregister_reason_name(UnregisterReason reason) {
  switch (reason) {
    case UnregisterReason::kExpired: return "expired";
    case UnregisterReason::kRemoved: return "removed";
    case UnregisterReason::kReplaced: return "replaced";
  }
  return "removed";
}

const char* end_reason_name(CallEndReason reason) {
  switch (reason) {
    case CallEndReason::kCancelled: return "cancelled";
    case CallEndReason::kRemoteHangup: return "caller_hangup";
    case CallEndReason::kLocalHangup: return "local_hangup";
    case CallEndReason::kSessionExpired: return "session_expired";
    case CallEndReason::kFailed: return "failed";
  }
  return "failed";
}

namespace {

struct Call {
  CallId id = 0;
  nua_handle_t* nh = nullptr;
  NegotiatedAudio audio;
  int other_media = 0;
  LocalMedia local;
  bool answered = false;
  bool established = false;
  std::optional<CallEndReason> reason;
  // Outbound legs (dial): the phone's progress; `finished` once on_outbound_failed was sent.
  bool outbound = false;
  bool ringing = false;
  bool finished = false;
  bool cancelled = false;
  std::chrono::steady_clock::time_point dialed_at{};
};

struct Command {
  enum class Kind { kRing, kAnswer, kReject, kHangup, kStop, kDial } kind;
  CallId id = 0;
  int status = 0;
  LocalMedia local;
  std::shared_ptr<const OutboundCall> outbound;
};

Command command(Command::Kind kind, CallId id, int status = 0, LocalMedia local = {},
                std::shared_ptr<const OutboundCall> outbound = nullptr) {
  Command c{kind, id, status, std::move(local), std::move(outbound)};
  return c;
}

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

class SofiaAdapter final : public SipAdapter {
 public:
  SofiaAdapter(SipOptions options, CallHandler& handler, Registrar registrar)
      : options_(std::move(options)),
        handler_(handler),
        registrar_(std::move(registrar)),
        clock_(options_.clock ? *options_.clock : SystemClock::instance()),
        nonces_(std::chrono::seconds(options_.nonce_ttl_s)),
        auth_failures_(options_.register_failures_per_minute, std::chrono::seconds(60),
                       std::chrono::seconds(options_.register_block_s)) {}
  ~SofiaAdapter() override { stop(); }

  Status launch() {
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0)
      return make_error(ErrorKind::kInternal, "sip_start_failed", "eventfd failed");
    std::promise<Status> started;
    auto ready = started.get_future();
    thread_ = std::thread([this, &started] { run(started); });
    Status st = ready.get();
    if (!st) {
      thread_.join();
      ::close(wake_fd_);
      wake_fd_ = -1;
    }
    return st;
  }

  void ring(CallId id) override { push(command(Command::Kind::kRing, id, 180)); }
  void answer(CallId id, const LocalMedia& local) override {
    push(command(Command::Kind::kAnswer, id, 200, local));
  }
  void reject(CallId id, int status) override {
    push(command(Command::Kind::kReject, id, status));
  }
  void hangup(CallId id) override { push(command(Command::Kind::kHangup, id)); }
  CallId new_call_id() override { return next_id_.fetch_add(1); }
  CallId dial(const OutboundCall& call) override {
    CallId id = call.id ? call.id : new_call_id();
    ++outbound_;
    push(command(Command::Kind::kDial, id, 0, {}, std::make_shared<const OutboundCall>(call)));
    return id;
  }
  std::vector<PhoneBinding> registrations() const override {
    std::lock_guard lock(bindings_mu_);
    return bindings_.all();
  }

  SipCounters counters() const override {
    SipCounters c;
    c.invites = invites_.load();
    c.rejected_untrusted = untrusted_.load();
    c.rejected_overload = overload_.load();
    c.rejected_sdp = bad_sdp_.load();
    c.live_calls = live_.load();
    c.registers = registers_.load();
    c.registers_refused = registers_refused_.load();
    c.outbound_calls = outbound_.load();
    std::lock_guard lock(bindings_mu_);
    c.registered_phones = static_cast<int>(bindings_.size());
    return c;
  }

  void stop() override {
    if (!thread_.joinable()) return;
    push(command(Command::Kind::kStop, 0));
    thread_.join();
    ::close(wake_fd_);
    wake_fd_ = -1;
  }

 private:
  void push(Command c) {
    {
      std::lock_guard lock(mu_);
      commands_.push_back(std::move(c));
    }
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  }

  void run(std::promise<Status>& started) {
    su_init();
    root_ = su_root_create(this);
    std::string url = std::string("sip:") + options_.host + std::string(":") + std::to_string(options_.port);
    if (root_)
      nua_ = nua_create(root_, &SofiaAdapter::on_event, this, NUTAG_URL(url.c_str()),
                        NUTAG_MEDIA_ENABLE(0), SIPTAG_USER_AGENT_STR(options_.user_agent.c_str()),
                        NUTAG_ALLOW("INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, REGISTER"),
                        NUTAG_SESSION_TIMER(options_.session_expires_s),
                        NUTAG_MIN_SE(options_.min_se_s), NUTAG_UPDATE_REFRESH(1),
                        NUTAG_REFRESH_WITHOUT_SDP(1), NUTAG_APPL_METHOD("UPDATE"),
                        NUTAG_APPL_METHOD("REGISTER"), TAG_END());
    if (!nua_) {
      if (root_) su_root_destroy(root_);
      su_deinit();
      started.set_value(make_error(ErrorKind::kUnavailable, "sip_bind_failed",
                                   std::string("cannot listen for SIP on ") + options_.host + std::string(":") +
                                       std::to_string(options_.port) + " (UDP and TCP)"));
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
    for (auto& [id, call] : calls_) nua_handle_destroy(call->nh);
    calls_.clear();
    nua_destroy(nua_);
    su_root_destroy(root_);
    su_deinit();
  }

  static int on_wake(void*, su_wait_t*, void* arg) {
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

  void execute(const Command& c) {
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
        break;
    }
  }

  // --- outbound legs ---

  void fail_outbound(CallId id, int status) { handler_.on_outbound_failed(id, status); }

  void start_dial(CallId id, const OutboundCall& out) {
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
    std::string domain = options_.host + ":" + std::to_string(options_.port);
    std::string from = (out.caller_display.empty() ? std::string() : quote_display(out.caller_display))
                           .append("<sip:")
                           .append(out.caller_number.empty() ? "switchyard" : out.caller_number)
                           .append("@")
                           .append(domain)
                           .append(">");
    std::string to = std::string("<sip:").append(out.extension).append("@").append(domain).append(">");
    nua_handle_t* nh = nua_handle(nua_, call.get(), SIPTAG_TO_STR(to.c_str()),
                                  SIPTAG_FROM_STR(from.c_str()), TAG_END());
    if (!nh) return fail_outbound(id, 500);
    call->nh = nh;
    std::string sdp = build_offer(call->local);
    nua_invite(nh, NUTAG_URL(binding->contact.c_str()), SIPTAG_CONTENT_TYPE_STR("application/sdp"),
               SIPTAG_PAYLOAD_STR(sdp.c_str()),
               TAG_IF(!extra.empty(), SIPTAG_HEADER_STR(extra.c_str())), TAG_END());
    calls_.emplace(id, std::move(call));
  }

  void on_invite_response(Call& call, int status, sip_t const* sip) {
    if (!call.outbound || call.finished || call.answered) return;
    if (status == 180 || status == 183) {
      if (!call.ringing) {
        call.ringing = true;
        handler_.on_outbound_ringing(call.id);
      }
      return;
    }
    if (status < 200) return;
    if (status >= 300) {
      call.finished = true;
      fail_outbound(call.id, status);
      return;
    }
    auto answer = parse_answer(sip);
    if (!answer || call.cancelled) {  // answered without usable SDP, or after our CANCEL
      call.finished = true;
      call.reason = CallEndReason::kLocalHangup;
      nua_bye(call.nh, TAG_END());
      fail_outbound(call.id, call.cancelled ? 487 : 488);
      return;
    }
    call.answered = true;
    call.established = true;
    call.audio = *answer;
    handler_.on_outbound_answered(call.id, call.audio);
  }

  Result<NegotiatedAudio> parse_answer(sip_t const* sip) const {
    std::string body = payload_of(sip);
    if (body.empty())
      return make_error(ErrorKind::kInvalidInput, "sdp_missing", "the answer has no SDP");
    auto sd = parse_sdp(body);
    if (!sd) return sd.error();
    return negotiate_answer(*sd);
  }

  // --- registrar ---

  static void on_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    static_cast<SofiaAdapter*>(arg)->check_timers();
  }

  void check_timers() {
    TimePoint now = clock_.now();
    std::vector<std::string> expired;
    {
      std::lock_guard lock(bindings_mu_);
      expired = bindings_.expire(now);
    }
    nonces_.prune(now);
    for (const auto& ext : expired) {
      spdlog::info("sip: phone {} unregistered (expired)", ext);
      if (registrar_.events) registrar_.events->on_phone_unregistered(ext, UnregisterReason::kExpired);
    }
    auto deadline = std::chrono::steady_clock::now() - std::chrono::seconds(options_.outbound_timeout_s);
    for (auto& [id, call] : calls_) {
      if (call->outbound && !call->answered && !call->finished && !call->cancelled &&
          call->dialed_at < deadline) {
        call->cancelled = true;
        call->finished = true;
        nua_cancel(call->nh, TAG_END());
        fail_outbound(id, 408);
      }
    }
  }

  void challenge(nua_handle_t* nh, nua_t* nua, const std::string& realm, bool stale) {
    std::string header = std::string("Digest realm=\"").append(realm).append("\", nonce=\"")
                             .append(nonces_.issue(clock_.now()))
                             .append("\", algorithm=MD5, qop=\"auth\"");
    if (stale) header.append(", stale=true");
    nua_respond(nh, 401, "Unauthorized", NUTAG_WITH_THIS(nua),
                SIPTAG_WWW_AUTHENTICATE_STR(header.c_str()), TAG_END());
  }

  void refuse_register(nua_handle_t* nh, nua_t* nua, int status) {
    ++registers_refused_;
    nua_respond(nh, status, static_phrase(status), NUTAG_WITH_THIS(nua), TAG_END());
  }

  void on_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip) {
    handle_register(nua, nh, sip);
    nua_handle_destroy(nh);
  }

  void handle_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip) {
    ++registers_;
    std::string extension = sip && sip->sip_to ? user_of(sip->sip_to->a_url) : "";
    if (extension.empty()) {
      nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
      return;
    }
    // Keyed by address and extension: guessing one phone's password is stopped without locking
    // out the other phones behind the same NAT or proxy.
    std::string source = source_address(nua).append(" ").append(extension);
    if (auth_failures_.blocked(source, clock_.now())) return refuse_register(nh, nua, 403);
    std::optional<PhoneCredential> credential;
    if (registrar_.credentials) credential = registrar_.credentials(extension);
    std::string realm = credential && !credential->realm.empty() ? credential->realm : options_.realm;
    // The Authorization for our realm (a phone may carry others, e.g. for an outbound proxy).
    std::optional<DigestCredentials> digest;
    for (auto* au = sip->sip_authorization; au; au = au->au_next) {
      if (!au->au_scheme || strcasecmp(au->au_scheme, "Digest") != 0) continue;
      std::vector<std::string> params;
      for (auto* p = au->au_params; p && *p; ++p) params.emplace_back(*p);
      auto c = parse_digest_params(params);
      if (c.realm == realm) {
        digest = std::move(c);
        break;
      }
    }
    if (!digest) return challenge(nh, nua, realm, false);
    switch (nonces_.check(digest->nonce, clock_.now())) {
      case NonceStore::Check::kUnknown: return challenge(nh, nua, realm, false);
      case NonceStore::Check::kStale: return challenge(nh, nua, realm, true);
      case NonceStore::Check::kValid: break;
    }
    if (!credential) {
      auth_failures_.failed(source, clock_.now());
      return refuse_register(nh, nua, 404);
    }
    if (digest->username != extension || !digest_matches(*digest, credential->ha1, "REGISTER")) {
      spdlog::info("sip: REGISTER for {} from {} refused: wrong credentials", extension,
                   source_transport(nua));
      auth_failures_.failed(source, clock_.now());
      return refuse_register(nh, nua, 403);
    }
    auth_failures_.succeeded(source);
    apply_register(nua, nh, sip, extension);
  }

  void apply_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip, const std::string& extension) {
    const sip_contact_t* contact = sip->sip_contact;
    if (!contact) {  // a query: answer with the current binding
      std::optional<PhoneBinding> b;
      {
        std::lock_guard lock(bindings_mu_);
        if (const PhoneBinding* found = bindings_.find(extension)) b = *found;
      }
      std::string c;
      if (b) c = binding_contact(*b);
      nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), TAG_IF(b, SIPTAG_CONTACT_STR(c.c_str())),
                  TAG_END());
      return;
    }
    bool wildcard = contact->m_url->url_type == url_any;
    long expires = options_.default_expires_s;
    if (sip->sip_expires) expires = static_cast<long>(sip->sip_expires->ex_delta);
    if (!wildcard && contact->m_expires) expires = std::strtol(contact->m_expires, nullptr, 10);
    if (wildcard && expires != 0) {
      nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
      return;
    }
    if (expires <= 0) {
      bool removed;
      {
        std::lock_guard lock(bindings_mu_);
        removed = bindings_.remove(extension);
      }
      nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), TAG_END());
      if (removed) {
        spdlog::info("sip: phone {} unregistered (removed)", extension);
        if (registrar_.events)
          registrar_.events->on_phone_unregistered(extension, UnregisterReason::kRemoved);
      }
      return;
    }
    if (expires < options_.min_expires_s) {
      std::string min = std::to_string(options_.min_expires_s);
      nua_respond(nh, 423, "Interval Too Brief", NUTAG_WITH_THIS(nua),
                  SIPTAG_MIN_EXPIRES_STR(min.c_str()), TAG_END());
      return;
    }
    expires = std::min<long>(expires, options_.max_expires_s);
    std::string uri = url_string(contact->m_url);
    if (uri.empty()) {
      nua_respond(nh, 400, "Bad Request", NUTAG_WITH_THIS(nua), TAG_END());
      return;
    }
    PhoneBinding binding{extension, uri, source_transport(nua),
                         clock_.now() + std::chrono::seconds(expires)};
    BindingTable::Change change;
    {
      std::lock_guard lock(bindings_mu_);
      change = bindings_.bind(extension, binding.contact, binding.source, binding.expires_at);
    }
    std::string c = binding_contact(binding);
    nua_respond(nh, 200, "OK", NUTAG_WITH_THIS(nua), SIPTAG_CONTACT_STR(c.c_str()), TAG_END());
    if (change.unregistered) {
      spdlog::info("sip: phone {} unregistered (replaced)", extension);
      if (registrar_.events) registrar_.events->on_phone_unregistered(extension, *change.unregistered);
    }
    if (change.registered) {
      spdlog::info("sip: phone {} registered at {} from {}", extension, uri, binding.source);
      if (registrar_.events) registrar_.events->on_phone_registered(extension, *change.registered);
    }
  }

  std::string binding_contact(const PhoneBinding& b) const {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(b.expires_at - clock_.now()).count();
    return std::string("<").append(b.contact).append(">;expires=").append(
        std::to_string(std::max<long long>(left, 0)));
  }

  static void on_event(nua_event_t event, int status, char const* phrase, nua_t* nua, void* magic,
                       nua_handle_t* nh, void* hmagic, sip_t const* sip, tagi_t tags[]) {
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
      case nua_i_update:
        if (call) self->on_reoffer(*call, sip, /*is_update=*/true);
        else nua_respond(nh, 481, "Call Does Not Exist", NUTAG_WITH_THIS(nua), TAG_END());
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

  bool trusted(const std::string& source) const {
    return std::find(options_.trusted_sources.begin(), options_.trusted_sources.end(), source) !=
           options_.trusted_sources.end();
  }

  void on_invite(nua_t* nua, nua_handle_t* nh, sip_t const* sip) {
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
  Result<std::pair<NegotiatedAudio, int>> parse_offer(sip_t const* sip) const {
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
  void on_reoffer(Call& call, sip_t const* sip, bool is_update) {
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

  void on_terminated(nua_handle_t* nh, Call* call) {
    if (call && call->outbound) {
      CallId id = call->id;
      bool answered = call->answered, finished = call->finished, cancelled = call->cancelled;
      CallEndReason reason = call->reason.value_or(CallEndReason::kSessionExpired);
      nua_handle_bind(nh, nullptr);
      calls_.erase(id);
      if (answered && !finished) handler_.on_call_ended(id, reason);
      else if (!finished) fail_outbound(id, cancelled ? 487 : 500);
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

  SipOptions options_;
  CallHandler& handler_;
  Registrar registrar_;
  const Clock& clock_;
  std::thread thread_;
  int wake_fd_ = -1;
  std::mutex mu_;
  std::deque<Command> commands_;
  // SIP thread only.
  su_root_t* root_ = nullptr;
  nua_t* nua_ = nullptr;
  bool shutting_down_ = false;
  std::map<CallId, std::unique_ptr<Call>> calls_;
  su_timer_t* timer_ = nullptr;
  NonceStore nonces_;
  AuthFailureLimiter auth_failures_;
  mutable std::mutex bindings_mu_;
  BindingTable bindings_;  // written on the SIP thread, read by registrations()/counters()
  std::atomic<CallId> next_id_{1};
  std::mt19937_64 session_ids_{std::random_device{}()};
  // Read from any thread.
  std::atomic<uint64_t> invites_{0}, untrusted_{0}, overload_{0}, bad_sdp_{0};
  std::atomic<uint64_t> registers_{0}, registers_refused_{0}, outbound_{0};
  std::atomic<int> live_{0};
};

}  // namespace

Result<std::unique_ptr<SipAdapter>> SipAdapter::start(const SipOptions& options,
                                                      CallHandler& handler, Registrar registrar) {
  auto adapter = std::make_unique<SofiaAdapter>(options, handler, std::move(registrar));
  if (Status st = adapter->launch(); !st) return st.error();
  return std::unique_ptr<SipAdapter>(std::move(adapter));
}

}  // namespace sy::sip
