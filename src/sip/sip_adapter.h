// The SIP adapter: sofia-sip NUA on its own thread (one su_root), listening on UDP and TCP.
// It answers at the edge what needs no business decision: OPTIONS 200, malformed requests 400
// (sofia's parser), malformed or codec-less SDP 488, untrusted sources 403, more than max_calls
// live calls 503 with Retry-After, hold re-INVITE/UPDATE, session timers (RFC 4028). Everything
// else becomes CallHandler events; the core answers through the thread-safe commands below.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "sip/call_handler.h"

namespace sy::sip {

struct SipOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5060;
  std::vector<std::string> trusted_sources = {"127.0.0.1"};  // trunk source addresses
  int max_calls = 2000;
  int retry_after_s = 5;       // in 503 responses
  int session_expires_s = 1800;
  int min_se_s = 90;
  std::string user_agent = "Switchyard";
};

struct SipCounters {
  std::uint64_t invites = 0;
  std::uint64_t rejected_untrusted = 0;
  std::uint64_t rejected_overload = 0;
  std::uint64_t rejected_sdp = 0;
  int live_calls = 0;
};

class SipAdapter {
 public:
  // Binds host:port on UDP and TCP and starts the SIP thread. The handler must outlive stop().
  static Result<std::unique_ptr<SipAdapter>> start(const SipOptions& options, CallHandler& handler);
  virtual ~SipAdapter() = default;

  // Commands, callable from any thread; they run on the SIP thread in order.
  virtual void ring(CallId id) = 0;                                // 180 Ringing
  virtual void answer(CallId id, const LocalMedia& local) = 0;     // 200 OK with our SDP
  virtual void reject(CallId id, int status) = 0;  // before answer, with the standard phrase
  virtual void hangup(CallId id) = 0;  // BYE once answered, else 480

  virtual SipCounters counters() const = 0;
  // Shuts NUA down (BYE to live calls) and joins the thread; idempotent.
  virtual void stop() = 0;
};

}  // namespace sy::sip
