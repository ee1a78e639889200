// The IVR interpreter: one Session per call, a pure state machine over a parsed Flow.
// No I/O, threads or clocks: the telephony adapter feeds events with the current time and
// carries out the returned actions (play, collect digits, look up, enqueue, hang up, ...).
// It calls tick(now) at next_deadline() so digit timeouts fire without the engine sleeping.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "ivr/flow.h"

namespace sy::ivr {

// A prompt piece with its substitutions resolved: TTS text to speak, or an audio file path.
struct SpokenPiece {
  PromptPiece::Kind kind = PromptPiece::Kind::kTts;
  std::string text;
  bool operator==(const SpokenPiece&) const = default;
};

struct PlayAction {
  std::vector<SpokenPiece> pieces;
  bool barge_in = true;  // the adapter forwards DTMF during this prompt
};
// Listen for DTMF; the engine itself enforces the timeouts through tick().
struct StartDigitCollectionAction {
  int max_digits = 1;
  char terminator = 0;  // 0: none
  int first_digit_timeout_s = 5;
  int inter_digit_timeout_s = 3;
};
struct StopPlaybackAction {};
struct LookupAction {
  LookupKind kind = LookupKind::kBill;
  std::map<std::string, std::string> args;
};
struct EnqueueAction {
  QueueSpec spec;
  int effective_priority = 0;                   // spec.priority plus the VIP boost, at most 9
  std::map<std::string, std::string> attached;  // spec.attach variables, for the agent
};
struct TransferAction {
  std::string target;
};
struct RecordVoicemailAction {
  std::string mailbox;
  int max_s = 120;
};
struct RequestCallbackAction {
  std::string number;
};
struct HangupAction {
  std::string reason;
};

using Action = std::variant<PlayAction, StartDigitCollectionAction, StopPlaybackAction,
                            LookupAction, EnqueueAction, TransferAction, RecordVoicemailAction,
                            RequestCallbackAction, HangupAction>;
using Actions = std::vector<Action>;

// What the call record keeps from the IVR.
// Digits of a collect node, and the key chosen at a menu (menu node id, one key).
struct CollectedDigits {
  std::string node;
  std::string digits;  // '*' per digit when the node is masked (PINs)
  bool masked = false;
};
struct SurveyAnswer {
  std::string survey;
  std::string question;
  char answer = 0;  // 0: no valid answer within the retries
};
struct CallTrace {
  std::vector<std::string> path;  // node ids in the order entered
  std::vector<CollectedDigits> digits;
  std::vector<SurveyAnswer> survey_answers;
  std::string end_reason;  // set once the IVR is done with the call
};

enum class SessionState {
  kNotStarted,
  kPlaying,        // a prompt is playing; continue on prompt_finished
  kPrompting,      // an input prompt is playing; DTMF may barge in
  kCollecting,     // waiting for digits; a deadline is armed
  kWaitingLookup,  // waiting for lookup_result
  kQueued,         // handed to the ACD; waiting for the call to leave or a queue outcome
  kRecording,      // voicemail being recorded; waiting for voicemail_finished
  kEnded,
};

bool is_valid_dtmf(char key);  // 0-9 * # A-D

class Session {
 public:
  // The session keeps its flow alive, so a hot reload never changes a call in progress.
  explicit Session(std::shared_ptr<const Flow> flow);

  Result<Actions> start(const std::string& caller, const std::string& called, TimePoint now);
  // A DTMF key (RFC 4733 or in-band); anything but 0-9 * # A-D is an invalid_dtmf error.
  Result<Actions> digit(char key, TimePoint now);
  Result<Actions> prompt_finished(TimePoint now);
  Result<Actions> tick(TimePoint now);
  // The answer to a LookupAction: a result key (see lookup_result_keys) and variables.
  Result<Actions> lookup_result(const std::string& key,
                                const std::map<std::string, std::string>& variables, TimePoint now);
  // A queued caller's outcome (callback, timeout, full, closed); unbranched outcomes hang up.
  Result<Actions> queue_outcome(const std::string& key, TimePoint now);
  Result<Actions> voicemail_finished(TimePoint now);
  // The call left the IVR (caller hung up, agent answered): records the reason, no actions.
  Result<Actions> call_ended(const std::string& reason, TimePoint now);
  // An agent sends the caller back into the flow at one of its agent_return points (PIN entry,
  // satisfaction survey). Only for a caller the IVR handed over (queued, or ended when an agent
  // answered); variables and trace are kept, so the path goes on from `node`. `context` sets
  // variables first (the telephony passes `queue`, the queue the call was last in).
  // Errors: not_a_return_point (kNotFound), session_not_started / in_ivr (kConflict).
  Result<Actions> return_to(const std::string& node, TimePoint now,
                            const std::map<std::string, std::string>& context = {});

  std::optional<TimePoint> next_deadline() const;
  SessionState state() const { return state_; }
  const CallTrace& trace() const { return trace_; }
  const std::map<std::string, std::string>& variables() const { return vars_; }
  const std::string& current_node() const { return node_id_; }
  const Flow& flow() const { return *flow_; }

 private:
  enum class AfterPlay { kNext, kHangup, kRecord };

  Status check_active() const;
  const Node& node() const { return flow_->nodes.at(node_id_); }
  void go(const std::string& id, TimePoint now, Actions& out);
  void enter(const Node& n, TimePoint now, Actions& out);
  bool enter_input_or_ending(const Node& n, TimePoint now, Actions& out);
  void end(const std::string& reason, Actions& out, bool hangup);
  PlayAction render(const Prompt& prompt, bool barge_in) const;
  std::string render_text(const std::string& text) const;
  const std::string* choose_branch(const BranchNode& b, TimePoint now) const;
  bool case_matches(const BranchCase& c, TimePoint now) const;
  EnqueueAction make_enqueue(const QueueSpec& spec) const;

  // Digit input (menu, collect, survey).
  const DigitInput& input() const;
  void prompt_input(const Prompt* before, TimePoint now, Actions& out);
  void input_digit(char key, TimePoint now, Actions& out);
  void collect_done(TimePoint now, Actions& out);
  void survey_answer(char key, TimePoint now, Actions& out);
  void attempt_failed(bool no_input, TimePoint now, Actions& out);

  std::shared_ptr<const Flow> flow_;
  SessionState state_ = SessionState::kNotStarted;
  std::string node_id_;
  std::map<std::string, std::string> vars_;
  CallTrace trace_;
  AfterPlay after_play_ = AfterPlay::kNext;
  std::string buffer_;  // digits of the current attempt
  int attempts_used_ = 0;
  std::size_t question_ = 0;  // survey question in progress
  std::optional<TimePoint> deadline_;
  int steps_ = 0;  // nodes entered during the current event, to stop loops without input
};

}  // namespace sy::ivr
