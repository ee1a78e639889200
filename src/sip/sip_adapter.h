// The SIP adapter: sofia-sip NUA on its own thread (one su_root), listening on UDP and TCP.
// It answers at the edge what needs no business decision: OPTIONS 200, malformed requests 400
// (sofia's parser), malformed or codec-less SDP 488, untrusted sources 403, more than max_calls
// live calls 503 with Retry-After, hold re-INVITE/UPDATE, session timers (RFC 4028). Everything
// else becomes CallHandler events; the core answers through the thread-safe commands below.
//
// It is also the registrar of agent phones (REGISTER with digest auth, bindings in memory that
// expire on a timer; phones re-register) and the UAC that calls a registered phone (dial) so the
// core can bridge a queued caller to the agent: caller ⇄ Switchyard ⇄ agent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "sip/call_handler.h"

namespace sy::sip {

// An agent phone's digest credentials as stored (agents.sip_ha1 / agents.sip_realm):
// HA1 = md5(extension:realm:password) in lower-case hex, see auth/sip_digest.h.
struct PhoneCredential {
  std::string ha1;
  std::string realm;
};

// Looks up the credentials of `extension` (the user part of the REGISTER's To). nullopt: no such
// phone (the REGISTER gets 404 after the challenge). Called on the SIP thread, once per REGISTER
// with credentials: keep it fast (an indexed query or an in-memory map), never block on the
// control loop.
using CredentialLookup =
    std::function<std::optional<PhoneCredential>(const std::string& extension)>;

enum class UnregisterReason {
  kExpired,   // the binding's Expires ran out without a refresh
  kRemoved,   // REGISTER with Expires: 0 (or Contact: *)
  kReplaced,  // a REGISTER from another contact took the extension over
};
const char* unregister_reason_name(UnregisterReason reason);

// Registrar events, on the SIP thread (post and return, as for CallHandler).
class RegistrationEvents {
 public:
  virtual ~RegistrationEvents() = default;
  // A new binding (first registration, or a new contact after kReplaced). Refreshes of the same
  // contact are not reported.
  virtual void on_phone_registered(const std::string& extension, const std::string& contact) = 0;
  // The extension has no reachable phone any more: the agent must not be offered calls.
  virtual void on_phone_unregistered(const std::string& extension, UnregisterReason reason) = 0;
};

struct PhoneBinding {
  std::string extension;
  std::string contact;  // the Contact URI the phone registered, e.g. sip:1001@10.0.0.7:5062
  std::string source;   // where the REGISTER came from, "udp:10.0.0.7:5062" / "tcp:..."
  TimePoint expires_at{};
  // The phone is behind NAT (the REGISTER came from elsewhere than its Via said, RFC 3581, or
  // its Contact names a private address it did not send from): calls to it go to `source`
  // (over the same TCP connection when it is still open), the Contact stays the Request-URI.
  bool via_source = false;
};

// What the registrar needs from the application. Without `credentials` every REGISTER is
// challenged and then refused (404): no phone can register.
struct Registrar {
  CredentialLookup credentials;
  RegistrationEvents* events = nullptr;  // optional; must outlive stop()
};

// An INVITE to an agent's registered phone.
struct OutboundCall {
  // The leg's id from SipAdapter::new_call_id(), so the media port can be reserved under it
  // before dialling (MediaHost::reserve); 0: dial() allocates one.
  CallId id = 0;
  std::string extension;       // registered extension to call
  std::string caller_number;   // user part of our From (what the phone displays)
  std::string caller_display;  // display name of our From; may be empty
  LocalMedia local;            // our RTP address for the offer (MediaHost::reserve)
  // Extra headers, e.g. {"X-Call-Id", "c-123"} so the phone/desktop can correlate the call.
  // Names must be tokens and values single-line, else the leg fails at once (400).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct SipOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5060;
  std::vector<std::string> trusted_sources = {"127.0.0.1"};  // trunk source addresses
  int max_calls = 2000;
  int retry_after_s = 5;       // in 503 responses
  int session_expires_s = 1800;
  int min_se_s = 90;
  std::string user_agent = "Switchyard";
  // Registrar of agent phones.
  std::string realm = "switchyard";  // digest realm when the credential names none
  int min_expires_s = 60;       // shorter requested Expires: 423 Interval Too Brief
  int max_expires_s = 3600;     // longer requested Expires are shortened to this
  int default_expires_s = 600;  // when the REGISTER names none
  int nonce_ttl_s = 300;        // a challenge's nonce is accepted this long (then stale=true)
  // Password guessing: after this many failed REGISTERs (403/404 after the challenge) for one
  // extension from one address within a minute, further REGISTERs for it from there get 403
  // without a challenge for `register_block_s` (other phones behind that address are not
  // affected).
  int register_failures_per_minute = 10;
  int register_block_s = 60;
  // Binding expiry is judged by this clock (default: the system clock), checked every
  // `registration_check_ms`; tests inject a ManualClock and advance it.
  const Clock* clock = nullptr;
  int registration_check_ms = 500;
  // Outbound legs: give up (408) when the phone sends no final response within this time.
  int outbound_timeout_s = 60;
  // remote_answer(): a phone that does not reply to the NOTIFY within this time cannot be
  // answered from the network (408). Checked every `registration_check_ms`.
  int remote_answer_timeout_ms = 3000;
  // Host part of From/To in calls to phones (what they show as the centre's domain); empty:
  // host:port, or localhost:port when listening on a wildcard address.
  std::string domain;
};

struct SipCounters {
  std::uint64_t invites = 0;
  std::uint64_t rejected_untrusted = 0;
  std::uint64_t rejected_overload = 0;
  std::uint64_t rejected_sdp = 0;
  std::uint64_t registers = 0;
  std::uint64_t registers_refused = 0;  // 403/404 after a challenge, or from a blocked address
  std::uint64_t outbound_calls = 0;     // dial()
  int live_calls = 0;
  int registered_phones = 0;
};

class SipAdapter {
 public:
  // Binds host:port on UDP and TCP and starts the SIP thread. The handler must outlive stop().
  static Result<std::unique_ptr<SipAdapter>> start(const SipOptions& options, CallHandler& handler,
                                                   Registrar registrar = {});
  virtual ~SipAdapter() = default;

  // Commands, callable from any thread; they run on the SIP thread in order.
  virtual void ring(CallId id) = 0;                                // 180 Ringing
  virtual void answer(CallId id, const LocalMedia& local) = 0;     // 200 OK with our SDP
  virtual void reject(CallId id, int status) = 0;  // before answer, with the standard phrase
  // Inbound leg: BYE once answered, else 480. Outbound leg: CANCEL before the answer (the leg
  // ends with on_outbound_failed(id, 487)), BYE after it (on_call_ended(id, kLocalHangup)).
  virtual void hangup(CallId id) = 0;

  // Calls the phone registered for `call.extension` (UDP or TCP, as it registered), offering
  // PCMU, PCMA and telephone-event at call.local. Returns the new leg's id at once; the outcome
  // arrives as on_outbound_ringing / on_outbound_answered / on_outbound_failed (480 when the
  // extension has no binding).
  // Usual order: id = new_call_id(); port = media.reserve(id); dial({id, ext, ..., {ip, port}}).
  virtual CallId dial(const OutboundCall& call) = 0;
  // Asks the ringing phone of outbound leg `leg` to answer (NOTIFY with Event: talk inside
  // the early dialog, as BroadSoft-compatible desk phones accept it). `done` runs once, on the
  // SIP thread (post and return): accepted=true when the phone agreed (2xx) or answered
  // meanwhile; the answer itself arrives as on_outbound_answered. accepted=false with the
  // phone's status (489 Bad Event, 405, 481, 501, ...), 408 when it did not reply within
  // remote_answer_timeout_ms (counted from the request; asked before the phone's 180, the
  // NOTIFY goes when the 180 opens the early dialog), 481 when the leg is unknown or ended.
  virtual void remote_answer(CallId leg, std::function<void(bool accepted, int status)> done) = 0;
  // A fresh id for an outbound leg (never used by any other leg, inbound or outbound).
  virtual CallId new_call_id() = 0;
  // A snapshot of the current bindings (one per extension).
  virtual std::vector<PhoneBinding> registrations() const = 0;

  virtual SipCounters counters() const = 0;
  // Shuts NUA down (BYE to live calls) and joins the thread; idempotent.
  virtual void stop() = 0;
};

}  // namespace sy::sip
