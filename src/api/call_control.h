// What the API needs from the telephony side to act on a live call from the desktop: answer,
// hang up, hold, mute, DTMF, transfers, consultation and conference, back to the IVR, and a
// supervisor's listen / whisper / barge. The HTTP thread never touches SIP or media: it checks
// who may act (agents on their own calls, supervisors on calls of their queues and regions)
// and hands the request to the implementation, which works on the real call (on the control
// thread) and answers when the request was carried out or refused.
//
// Every method may be called from any HTTP thread and blocks until the answer (the
// implementation bounds the wait and answers telephony_unavailable when it does not get one).
//
// Error codes the implementation answers with (ErrorKind → HTTP status):
//   call_not_found (kNotFound)            no live call with this id (ended, or never existed)
//   not_your_call (kForbidden)            the call is not with the acting agent
//   invalid_call_state (kConflict)        e.g. hold before the call is answered, complete a
//                                         transfer without a consultation
//   not_supported_by_phone (kConflict)    the agent's phone cannot do this from the network
//                                         (e.g. answer on a phone without auto-answer)
//   target_not_found (kNotFound)          no such extension, queue or IVR node
//   target_unavailable (kConflict)        the extension is not registered or busy
//   no_supervisor_phone (kConflict)       the supervisor has no registered phone to join with
//   telephony_unavailable (kUnavailable)  telephony is not running or did not answer in time
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::api {

// A live call as the telephony side knows it, for the API's permission check.
struct LiveCall {
  std::string call_id;
  // The agent the call is offered to or connected with; nullopt while in the IVR or queue.
  std::optional<std::int64_t> agent_id;
  std::string queue;                       // "" when the call never queued
  std::optional<std::string> region_code;  // the caller's region, when the IVR found it
  // ivr, queued, ringing, talking, held, consulting, conference
  std::string state;
};

// Who asks: the signed-in user, their agent row and their phone's extension ("" when none).
struct CallActor {
  std::int64_t user_id = 0;
  std::optional<std::int64_t> agent_id;
  std::string extension;
};

// Where a transfer or consultation goes.
struct CallTarget {
  enum class Kind { kExtension, kQueue };
  Kind kind = Kind::kExtension;
  std::string name;  // the extension digits or the queue name
};

// A node of the call's IVR flow an agent may send the caller back to (flow file agent_return),
// with the labels the desktop shows.
struct ReturnPoint {
  std::string node;
  std::string label;     // Simplified Chinese
  std::string label_en;  // English
};

enum class MonitorMode { kListen, kWhisper, kBarge };

inline std::string_view to_string(MonitorMode m) {
  switch (m) {
    case MonitorMode::kListen: return "listen";
    case MonitorMode::kWhisper: return "whisper";
    case MonitorMode::kBarge: return "barge";
  }
  return "listen";
}

class CallControlPort {
 public:
  virtual ~CallControlPort() = default;

  // The live call, for the permission check. call_not_found when there is none.
  virtual Result<LiveCall> find(const std::string& call_id) = 0;

  // The agent's own call. `by` is the agent the call is with (checked again by the
  // implementation: the call may have moved since find).
  virtual Status answer(const std::string& call_id, const CallActor& by) = 0;
  virtual Status hangup(const std::string& call_id, const CallActor& by) = 0;
  virtual Status hold(const std::string& call_id, const CallActor& by) = 0;
  virtual Status resume(const std::string& call_id, const CallActor& by) = 0;
  // The caller no longer hears the agent (the agent still hears the caller).
  virtual Status mute(const std::string& call_id, const CallActor& by) = 0;
  virtual Status unmute(const std::string& call_id, const CallActor& by) = 0;
  // Digits 0-9 * # A-D sent to the far end as RFC 4733 events.
  virtual Status send_dtmf(const std::string& call_id, const CallActor& by,
                           const std::string& digits) = 0;
  // The caller goes to the target; the agent leaves the call at once.
  virtual Status blind_transfer(const std::string& call_id, const CallActor& by,
                                const CallTarget& to) = 0;
  // The caller is held while the agent talks to the target.
  virtual Status consult(const std::string& call_id, const CallActor& by, const CallTarget& to) = 0;
  // After consult: the caller and the target are joined, the agent leaves.
  virtual Status complete_transfer(const std::string& call_id, const CallActor& by) = 0;
  // After consult: caller, agent and target in one three-way conference.
  virtual Status conference(const std::string& call_id, const CallActor& by) = 0;
  // During a consultation or conference: the consulted party is hung up (or no longer rung)
  // and the caller and the agent talk again, off hold.
  virtual Status cancel_consult(const std::string& call_id, const CallActor& by) = 0;
  // The caller goes back to the IVR at `node` of the call's flow (PIN entry, survey); the agent
  // leaves the call. Only nodes of return_points (else target_not_found); the call must be
  // talking or held (else invalid_call_state).
  virtual Status transfer_to_ivr(const std::string& call_id, const CallActor& by,
                                 const std::string& node) = 0;
  // Where transfer_to_ivr may send the caller of this call (the flow's agent_return, in file
  // order; empty when the flow has none).
  virtual Result<std::vector<ReturnPoint>> return_points(const std::string& call_id,
                                                         const CallActor& by) = 0;

  // A supervisor's phone joins the call: listen (hears both, nobody hears them), whisper
  // (speaks to the agent only) or barge (all three talk). Called again with another mode on a
  // call already monitored by the same supervisor, it switches the mode.
  virtual Status monitor(const std::string& call_id, const CallActor& supervisor,
                         MonitorMode mode) = 0;
};

}  // namespace sy::api
