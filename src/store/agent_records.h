// The records of the contact-centre floor: skills, queues, agents (their phone, skills and
// presence), the state history, call records and recordings. The telephony and ACD parts write
// them; the API reads them. Pure rules on them (names, digit masking) live here too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/records.h"

namespace sy::store {

// ---- skills and queues --------------------------------------------------------------------

struct Skill {
  std::int64_t id = 0;
  std::string name;  // [a-z0-9_]{1,32}: the name IVR flows and queues use
  std::string display_name;
  std::string kind = "business";  // business | language
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewSkill {
  std::string name;
  std::string display_name;
  std::string kind = "business";
};

struct SkillUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> kind;
};

struct NamedLevel {
  std::string skill;  // skill name
  int level = 1;      // 1..10
  bool operator==(const NamedLevel&) const = default;
};

struct Queue {
  std::int64_t id = 0;
  std::string name;  // as IVR flows name it: queue: {name: repair}
  std::string display_name;
  std::string strategy = "longest_idle";  // routing::Strategy names
  int service_level_s = 20;
  std::vector<NamedLevel> skills;  // default requirement of contacts that name none
  std::string rules_json = "{}";   // routing rules (see acd rules codec), JSON object text
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewQueue {
  std::string name;
  std::string display_name;
  std::string strategy = "longest_idle";
  int service_level_s = 20;
  std::vector<NamedLevel> skills;
  std::string rules_json = "{}";
};

struct QueueUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> strategy;
  std::optional<int> service_level_s;
  std::optional<std::vector<NamedLevel>> skills;
  std::optional<std::string> rules_json;
};

// ---- agents -------------------------------------------------------------------------------

// Presence as stored; reserved and on_call are written by the ACD, the rest chosen by people.
enum class AgentPresence { kOffline, kReady, kReserved, kOnCall, kWrapUp, kBreak };
std::string_view to_string(AgentPresence s);
std::optional<AgentPresence> parse_agent_presence(std::string_view text);

struct Agent {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string username;      // of the user, for display
  std::string display_name;  // of the user
  std::optional<std::string> region_code;  // of the user: the region they are bound to
  std::string extension;
  std::string sip_ha1;  // md5(extension:realm:password) hex; "" = no phone password set
  std::string sip_realm;
  std::vector<NamedLevel> skills;  // sorted by skill name
  std::vector<std::string> languages;
  std::vector<std::string> regions;  // served; empty = all
  std::vector<std::string> groups;
  int chat_capacity = 0;
  AgentPresence state = AgentPresence::kOffline;
  std::string state_reason;
  TimePoint state_since;
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewAgent {
  std::int64_t user_id = 0;
  std::string extension;  // 2..16 digits; also set on the user
  std::string sip_ha1;
  std::string sip_realm;
  std::vector<NamedLevel> skills;
  std::vector<std::string> languages = {"zh"};
  std::vector<std::string> regions;
  std::vector<std::string> groups;
  int chat_capacity = 0;
};

struct AgentUpdate {
  std::optional<std::string> extension;
  std::optional<std::string> sip_ha1;  // with sip_realm
  std::optional<std::string> sip_realm;
  std::optional<std::vector<NamedLevel>> skills;  // replaces all
  std::optional<std::vector<std::string>> languages;
  std::optional<std::vector<std::string>> regions;
  std::optional<std::vector<std::string>> groups;
  std::optional<int> chat_capacity;
};

struct AgentFilter {
  std::string scope;  // caller's region: agents whose user is bound inside it; "" = all
  std::optional<AgentPresence> state;
  std::string skill;  // holds this skill (any level)
  std::string q;      // substring of username, display name or extension
};

struct AgentStateChange {
  std::int64_t id = 0;
  std::int64_t agent_id = 0;
  AgentPresence state = AgentPresence::kOffline;
  std::string reason;
  std::string source = "agent";  // agent | supervisor | system
  TimePoint at;
};

// ---- calls and recordings -----------------------------------------------------------------

struct CollectedDigits {
  std::string node;    // IVR node id that collected them
  std::string digits;  // as stored: masked when secret
  bool operator==(const CollectedDigits&) const = default;
};

// Digits as they go into a call record: a secret entry (PIN) keeps its length only ("******").
CollectedDigits collected_digits(std::string node, std::string_view digits, bool secret);

// A caller's answer to one question of an IVR survey (e.g. satisfaction: "1").
struct SurveyAnswer {
  std::string survey;    // the survey's name in the flow
  std::string question;  // the question id
  std::string answer;    // the key pressed; "" when no valid answer came
  bool operator==(const SurveyAnswer&) const = default;
};

struct CallRecord {
  std::string id;  // chosen by telephony: [A-Za-z0-9._@-]{1,64}
  std::string direction = "inbound";
  std::string from_number;
  std::string to_number;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> region_code;
  TimePoint started_at;
  std::optional<TimePoint> answered_at;
  std::optional<TimePoint> ended_at;
  std::optional<std::string> end_reason;
  std::vector<std::string> ivr_path;
  std::vector<CollectedDigits> digits;
  std::vector<SurveyAnswer> survey_answers;
  std::optional<std::string> queue;
  std::optional<int> wait_s;
  std::optional<std::int64_t> agent_id;
  std::optional<std::string> agent_username;  // read back with the record
  std::optional<std::string> recording_id;
  std::string routing_reason;
};

struct NewCall {
  std::string id;
  std::string direction = "inbound";
  std::string from_number;
  std::string to_number;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> region_code;
  TimePoint started_at;
};

struct CallAnswered {
  TimePoint answered_at;
  std::int64_t agent_id = 0;
  std::string queue;
  int wait_s = 0;
  std::string routing_reason;
  std::optional<std::string> recording_id;
};

struct CallFinished {
  TimePoint ended_at;
  std::string end_reason;  // caller_hangup | agent_hangup | abandoned | rejected | failed | ...
  std::vector<std::string> ivr_path;
  std::vector<CollectedDigits> digits;
  std::vector<SurveyAnswer> survey_answers;
  // Known at the end for calls that never reached an agent (abandoned in queue).
  std::optional<std::string> queue;
  std::optional<int> wait_s;
  std::optional<std::string> routing_reason;
  std::optional<std::string> recording_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> region_code;  // the caller's area (customer lookup in the IVR)
};

struct CallFilter {
  std::string scope;  // caller's region: calls from customers inside it; "" = all
  std::string from_number;
  std::string to_number;
  std::optional<std::int64_t> agent_id;
  std::string queue;
  std::optional<TimePoint> from;  // started_at >= from
  std::optional<TimePoint> to;    // started_at < to
};

enum class RecordingFormat { kWav, kMp3 };
std::string_view to_string(RecordingFormat f);
std::optional<RecordingFormat> parse_recording_format(std::string_view text);

struct Recording {
  std::string id;
  std::string call_id;
  std::string path;  // server-side file; never put in API output
  RecordingFormat format = RecordingFormat::kWav;
  std::int64_t duration_ms = 0;
  std::int64_t size_bytes = 0;
  TimePoint created_at;
};

// True for ids chosen outside the database (calls, recordings): [A-Za-z0-9._@-]{1,64}.
bool valid_external_id(std::string_view id);

}  // namespace sy::store
