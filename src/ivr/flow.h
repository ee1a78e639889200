// The IVR flow model (design §7): typed, already-checked structures the interpreter runs.
// Produced only by parse_flow() (parser.h), so the interpreter never re-validates anything.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sy::ivr {

// One piece of a prompt: text for TTS (may hold `{var}` / `{var|money}` substitutions) or a file.
struct PromptPiece {
  enum class Kind { kTts, kFile };
  Kind kind = Kind::kTts;
  std::string text;  // TTS template or file path
};
using Prompt = std::vector<PromptPiece>;

// Shared by menu, collect and survey: how digits are gathered and how often we ask again.
struct DigitInput {
  Prompt prompt;
  Prompt invalid_prompt;   // played before re-prompting after a wrong entry
  Prompt no_input_prompt;  // played before re-prompting after a timeout
  int timeout_s = 5;       // first digit, counted from the end of the prompt
  int inter_digit_timeout_s = 3;
  int attempts = 3;  // total tries: YAML `retries` counts the re-prompts after the first try
  bool barge_in = true;
};

struct PlayNode {
  Prompt prompt;
  bool barge_in = true;  // a key press stops the prompt and moves on
  std::string next;
};

struct MenuNode {
  DigitInput input;
  std::map<char, std::string> options;  // DTMF key -> node id
  std::string on_fail;
};

struct CollectNode {
  DigitInput input;
  std::string var;  // variable that receives the digits
  int min_digits = 1;
  int max_digits = 20;
  char terminator = '#';  // 0: none
  std::optional<std::regex> pattern;
  std::string pattern_text;
  bool masked = false;  // PINs: the call record gets '*' instead of the digits
  std::string next;
  std::string on_fail;
};

enum class LookupKind {
  kBill,
  kArrears,
  kOutageForCaller,
  kOutagePlans,
  kOrderProgress,
  kVip,
  kCustomerByCaller,
  kAccountPinCheck,
};
const char* lookup_kind_name(LookupKind kind);
std::optional<LookupKind> lookup_kind_from_name(const std::string& name);
// The result keys an adapter may answer for this kind ("error" is valid for every kind).
std::vector<std::string> lookup_result_keys(LookupKind kind);

struct LookupNode {
  LookupKind kind = LookupKind::kBill;
  std::map<std::string, std::string> args;      // name -> template
  std::map<std::string, std::string> branches;  // result key -> node id
  std::string next;                             // for result keys without a branch
};

struct Assignment {
  std::string var;
  std::string value_template;       // used when add is empty
  std::optional<std::int64_t> add;  // integer increment (missing/non-numeric counts as 0)
};
struct SetNode {
  std::vector<Assignment> assignments;
  std::string next;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
struct VarCondition {
  std::string var;
  CompareOp op = CompareOp::kEq;
  std::string value;  // compared as integers when both sides are integers, else as text
};
// Every condition present in a case must hold.
struct BranchCase {
  std::optional<std::pair<int, int>> time_minutes;  // [from, to) local minutes; may wrap midnight
  std::optional<std::array<bool, 7>> weekdays;      // index 0 = Monday
  std::string holiday_calendar;                     // true on a date in this calendar
  std::optional<std::regex> caller;
  std::string caller_text;
  std::vector<VarCondition> vars;
  std::string target;
};
struct BranchNode {
  std::vector<BranchCase> cases;
  std::string next;  // when no case matches
};

struct QueueSpec {
  std::string name;
  std::map<std::string, int> skills;  // skill -> minimum level 1..10
  int priority = 0;                   // 0..9
  int vip_boost = 0;                // added when the `vip` variable is "yes" (set by a vip lookup)
  std::vector<std::string> attach;  // variables handed to the agent with the contact
};
struct QueueNode {
  QueueSpec spec;
  std::map<std::string, std::string> branches;  // queue outcome -> node id
};
// Outcomes the adapter may report for a queued caller.
const std::vector<std::string>& queue_outcome_keys();

struct TransferNode {
  std::string target;  // template
};
struct CallbackRequestNode {
  std::string number;  // template; default "{caller}"
  std::string next;    // empty: hang up after the request
};
struct VoicemailNode {
  Prompt prompt;
  std::string mailbox;
  int max_s = 120;
  std::string next;
};
struct SurveyQuestion {
  std::string id;
  Prompt prompt;
  std::set<char> answers;
};
// Answers go to the call trace and to variables `survey_<question id>` for later branches.
struct SurveyNode {
  std::string name;
  std::vector<SurveyQuestion> questions;
  DigitInput input;  // timeout/retries shared by the questions
  std::string next;
};
struct HangupNode {
  std::string reason = "ivr_hangup";
  Prompt prompt;
};

using NodeBody =
    std::variant<PlayNode, MenuNode, CollectNode, LookupNode, SetNode, BranchNode, QueueNode,
                 TransferNode, CallbackRequestNode, VoicemailNode, SurveyNode, HangupNode>;

struct Node {
  std::string id;
  int line = 0;  // 1-based position of the node in its file
  int column = 0;
  NodeBody body;
};
const char* node_kind_name(const NodeBody& body);

// A civil date, for holiday calendars.
struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
};

// A node an agent may send a caller back to from the desktop (PIN entry, satisfaction survey),
// with the labels the desktop shows for it.
struct ReturnPoint {
  std::string node;
  std::string label;     // Simplified Chinese
  std::string label_en;  // English; the Chinese label when the file gives none
  int line = 0;
};

struct Flow {
  std::string id;
  std::string entry;
  std::string time_zone = "Asia/Shanghai";
  int utc_offset_min = 8 * 60;  // fixed offset: g++ 12 has no <chrono> tz database
  std::map<std::string, std::set<Date>> calendars;
  std::map<std::string, Node> nodes;
  std::vector<std::string> node_order;  // file order
  std::vector<ReturnPoint> agent_return;  // file order

  const Node* find(const std::string& id) const {
    auto it = nodes.find(id);
    return it == nodes.end() ? nullptr : &it->second;
  }
  const ReturnPoint* return_point(const std::string& node) const {
    for (const auto& p : agent_return)
      if (p.node == node) return &p;
    return nullptr;
  }
};

// Node ids a node can continue to, in a stable order (for reachability and checks).
std::vector<std::string> successors(const NodeBody& body);

}  // namespace sy::ivr
