// What the SIP adapter tells the core about calls, reSIProcate-DUM style: a few typed events on
// a small handler interface. The core never sees SIP text. The handler runs on the SIP thread and
// must not block: implementations post the event to the control loop and return.
//
// Two kinds of legs share one CallId space: inbound legs (a caller's INVITE from a trunk) and
// outbound legs (our INVITE to an agent's registered phone, SipAdapter::dial). Every leg ends
// with exactly one final event: on_call_ended, or, for an outbound leg that was never answered,
// on_outbound_failed.
#pragma once

#include <cstdint>
#include <string>

#include "sip/sdp.h"

namespace sy::sip {

using CallId = std::uint64_t;

struct IncomingCall {
  CallId id = 0;
  std::string caller;     // user part of From (the caller id)
  std::string called;     // user part of the Request-URI (the dialled service number)
  std::string source_ip;  // where the INVITE came from (a trusted trunk)
  NegotiatedAudio audio;  // the negotiated offer; our answer mirrors it
};

enum class CallEndReason {
  kCancelled,       // CANCEL before we answered
  kRemoteHangup,    // BYE from the far end
  kLocalHangup,     // we hung up or rejected
  kSessionExpired,  // RFC 4028 session timer ran out
  kFailed,          // transport error, ACK timeout, ...
};
const char* end_reason_name(CallEndReason reason);

class CallHandler {
 public:
  virtual ~CallHandler() = default;
  // A new call passed the edge checks (trusted source, capacity, SDP). The core answers with
  // SipAdapter::answer(), or rejects it. Nothing else happens until it does.
  virtual void on_incoming_call(const IncomingCall& call) = 0;
  // The ACK for our 200 arrived: media may flow both ways.
  virtual void on_call_established(CallId id) = 0;
  // A re-INVITE or UPDATE changed the far end's media (hold, resume, new address); the adapter
  // already answered it with the same local port.
  virtual void on_media_changed(CallId id, const NegotiatedAudio& audio) = 0;
  // The call is over; the id is never used again.
  virtual void on_call_ended(CallId id, CallEndReason reason) = 0;

  // --- outbound legs (SipAdapter::dial) ---
  // The phone is ringing (180/183). May come more than once, or not at all.
  virtual void on_outbound_ringing(CallId /*id*/) {}
  // The phone answered (200 with its SDP answer; we sent the ACK): connect the media leg to
  // `audio` (MediaHost::connect) and bridge it. Ends later with on_call_ended (BYE from the
  // phone: kRemoteHangup; our hangup(): kLocalHangup).
  virtual void on_outbound_answered(CallId /*id*/, const NegotiatedAudio& /*audio*/) {}
  // The leg never got answered; the id is never used again. `sip_status` is the final response
  // (486 busy, 480 not registered/unavailable, 603 declined, 487 after our own hangup() before
  // the answer, 408 no final response in time, 488 the phone refused our SDP or answered without
  // usable SDP (we then BYE it), 400 an invalid extra header, 503 while shutting down).
  virtual void on_outbound_failed(CallId /*id*/, int /*sip_status*/) {}
};

}  // namespace sy::sip
