// The sofia-sip NUA implementation of SipAdapter, shared by its three source files:
// sip_adapter.cc (thread, commands, trunk calls), sofia_outbound.cc (calls to registered
// phones) and sofia_registrar.cc (REGISTER, digest, binding expiry). Private to src/sip.
#pragma once

#include <netinet/in.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/url.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sip/registrar.h"
#include "sip/sip_adapter.h"

namespace sy::sip::detail {

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
  // The early dialog a 180/183 with a To tag opened. nua keeps early dialogs only for reliable
  // provisional responses (100rel), so a request inside it is addressed by hand from these.
  struct EarlyDialog {
    std::string to, target;  // the phone's To with its tag; its Contact
  };
  std::optional<EarlyDialog> early;
  bool finished = false;
  bool cancelled = false;
  std::chrono::steady_clock::time_point dialed_at{};
  // Remote answer (NOTIFY Event: talk) awaiting the phone's reply: who waits, until when.
  std::vector<std::function<void(bool, int)>> talk_waiters;
  std::chrono::steady_clock::time_point talk_deadline{};
  // What the INVITE to the phone carries, kept to send it again to the registered Contact when
  // the NAT address (`next_hop`) does not answer at all.
  struct Invite {
    std::string to, from, uri, sdp, headers, next_hop;
  } invite;
};

struct Command {
  enum class Kind { kRing, kAnswer, kReject, kHangup, kStop, kDial, kRemoteAnswer } kind;
  CallId id = 0;
  int status = 0;
  LocalMedia local;
  std::shared_ptr<const OutboundCall> outbound;
  std::function<void(bool, int)> done;  // kRemoteAnswer
};

inline Command command(Command::Kind kind, CallId id, int status = 0, LocalMedia local = {},
                       std::shared_ptr<const OutboundCall> outbound = nullptr) {
  Command c{kind, id, status, std::move(local), std::move(outbound), {}};
  return c;
}

// "udp:1.2.3.4:5060" for the current request's source.
std::string source_transport(nua_t* nua);
std::string url_string(const url_t* url);
bool header_token(const std::string& name);
bool header_value(const std::string& value);
std::string quote_display(const std::string& display);
std::string user_of(const url_t* url);
std::string source_address(nua_t* nua);
const char* static_phrase(int status);
std::string payload_of(const sip_t* sip);

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
    if (wake_fd_ < 0) return make_error(ErrorKind::kInternal, "sip_start_failed", "eventfd failed");
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
  void reject(CallId id, int status) override { push(command(Command::Kind::kReject, id, status)); }
  void hangup(CallId id) override { push(command(Command::Kind::kHangup, id)); }
  CallId new_call_id() override { return next_id_.fetch_add(1); }
  void remote_answer(CallId leg, std::function<void(bool, int)> done) override {
    Command c = command(Command::Kind::kRemoteAnswer, leg);
    c.done = std::move(done);
    push(std::move(c));
  }
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
  // --- thread, commands, trunk calls (sip_adapter.cc) ---
  void push(Command c);
  void run(std::promise<Status>& started);
  static int on_wake(void*, su_wait_t*, void* arg);
  void execute(const Command& c);
  static void on_event(nua_event_t event, int status, char const* phrase, nua_t* nua, void* magic,
                       nua_handle_t* nh, void* hmagic, sip_t const* sip, tagi_t tags[]);
  bool trusted(const std::string& source) const;
  void on_invite(nua_t* nua, nua_handle_t* nh, sip_t const* sip);
  // The SDP of a request, parsed and negotiated (audio, number of other m= lines).
  Result<std::pair<NegotiatedAudio, int>> parse_offer(sip_t const* sip) const;
  // re-INVITE or UPDATE in an existing dialog: hold/resume or a session refresh.
  void on_reoffer(Call& call, sip_t const* sip, bool is_update);
  void on_terminated(nua_handle_t* nh, Call* call);

  // --- outbound legs (sofia_outbound.cc) ---
  void fail_outbound(CallId id, int status);
  void start_dial(CallId id, const OutboundCall& out);
  void on_invite_response(Call& call, int status, sip_t const* sip);
  Result<NegotiatedAudio> parse_answer(sip_t const* sip) const;
  void start_remote_answer(CallId id, std::function<void(bool, int)> done);
  void send_talk(Call& call);
  void on_talk_response(Call& call, int status);
  // Tells everyone waiting on the call's remote answer how it went (no-op when nobody waits).
  void finish_talk(Call& call, bool accepted, int status);

  // --- registrar (sofia_registrar.cc) ---
  static void on_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);
  void check_timers();
  void challenge(nua_handle_t* nh, nua_t* nua, const std::string& realm, bool stale);
  void refuse_register(nua_handle_t* nh, nua_t* nua, int status);
  void on_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip);
  void handle_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip);
  bool send_invite(Call& call);
  static bool registered_behind_nat(nua_t* nua, sip_t const* sip, const url_t* contact);
  void apply_register(nua_t* nua, nua_handle_t* nh, sip_t const* sip, const std::string& extension);
  std::string binding_contact(const PhoneBinding& b) const;

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

}  // namespace sy::sip::detail
