// Public value types of the ACD routing engine: configuration, agents, contacts, offers, notices
// and the decision records that explain every routing choice. No behaviour lives here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace sy::routing {

// Dense handles handed out by the engine. Ids are never reused while the object exists; a
// ContactId also carries a generation so a stale id is rejected instead of hitting a new contact.
using AgentId = std::uint32_t;
using ContactId = std::uint64_t;
using QueueId = std::uint16_t;
using SkillId = std::uint16_t;
inline constexpr AgentId kNoAgent = 0xFFFFFFFFu;
inline constexpr ContactId kNoContact = 0;
inline constexpr QueueId kNoQueue = 0xFFFF;

enum class Channel : std::uint8_t { kVoice, kChat, kEmail, kSms, kCallback, kTask };
inline constexpr int kChannelCount = 6;

// offline/ready/wrap_up/break are presence states the agent (or supervisor) chooses; reserved and
// on_call are derived from the work the engine has handed out. on_call may also be set from outside
// for work the ACD did not route (an outbound call): it blocks new offers like a routed call.
enum class AgentState : std::uint8_t { kOffline, kReady, kReserved, kOnCall, kWrapUp, kBreak };

enum class Strategy : std::uint8_t {
  kLongestIdle,     // the agent idle the longest since their last contact or since becoming ready
  kLeastOccupied,   // the agent with the least busy time today (ties: longest idle)
  kBestSkill,       // the highest level in the contact's first required skill (ties: longest idle)
  kRoundRobin,      // agents in a fixed circle by id, starting after the last one offered
  kPreferredAgent,  // the contact's preferred (last) agent while the time-out runs, then longest
                    // idle
};

// A required or held skill: skill id and level 1..10.
struct SkillLevel {
  SkillId skill = 0;
  std::uint8_t level = 1;
};

// What to do when a contact has waited `max_wait_s`.
enum class MaxWaitAction : std::uint8_t { kNone, kCallback, kVoicemail };

// Rules over waiting time (seconds since arrival). 0 = rule off.
struct QueueRules {
  int relax_after_s = 0;  // then every required level drops to relax_to_level
  std::uint8_t relax_to_level = 1;
  int backup_after_s = 0;  // then agents of backup_groups may take the contact too
  std::vector<std::string> backup_groups;
  int overflow_after_s = 0;     // then agents of overflow_queue (its skills) may take it too,
  std::string overflow_queue;   //   or, with overflow_centre set, the contact leaves for that
  std::string overflow_centre;  //   centre (Notice::kOverflowCentre)
  int max_wait_s = 0;           // then callback offer keeping the place, or voicemail
  MaxWaitAction max_wait_action = MaxWaitAction::kNone;
};

struct QueueConfig {
  std::string name;
  Strategy strategy = Strategy::kLongestIdle;
  std::vector<SkillLevel> skills;   // default requirement of contacts that name none
  std::vector<std::string> groups;  // only agents of these groups (empty = any group)
  bool match_region = false;        // agent must serve the contact's region
  int preferred_timeout_s = 0;      // wait this long for the preferred agent (any strategy)
  int service_level_s = 20;         // reporting only
  double expected_handle_s = 180;   // starting point for estimated wait; learnt as contacts end
  QueueRules rules;
};

struct EngineConfig {
  std::vector<std::string> skills;                          // skill names; SkillId = index
  std::vector<QueueConfig> queues;                          // QueueId = index
  Duration reservation_timeout = std::chrono::seconds(15);  // offer not answered: released
  AgentState after_no_answer = AgentState::kBreak;          // where ring-no-answer leaves the agent
  std::string no_answer_reason = "no_answer";
  // A refusing agent is taken off (not ready) by default so the call is not offered straight back.
  AgentState after_refuse = AgentState::kBreak;
  // Priority boosts (added, capped at 9).
  int vip_boost = 3;
  int repeat_boost = 2;
  int vulnerable_boost = 4;
  int repeat_window_days = 7;  // same customer again within this, about an open matter
  // Storm protection: at most N simultaneous voice contacts from a region (0 = no cap).
  std::vector<std::pair<std::string, int>> region_caps;
  int utc_offset_minutes = 480;  // where "today" starts for least-occupied (China: UTC+8)
};

struct AgentSpec {
  std::string name;  // for explanations ("agent 1007 张三")
  std::vector<SkillLevel> skills;
  std::vector<std::string> languages;  // e.g. "zh", "nan" (闽南语), "yue", "en"
  std::vector<std::string> regions;    // regions served; empty = all
  std::vector<std::string> groups;
  // Per channel: voice 1 call (callbacks use the voice slot), chats N at once. Voice work excludes
  // any other work; other channels share the agent with each other up to their capacities.
  std::array<std::uint8_t, kChannelCount> capacity{1, 0, 0, 0, 0, 0};
};

struct ContactSpec {
  QueueId queue = 0;
  Channel channel = Channel::kVoice;
  std::vector<SkillLevel> skills;  // empty = the queue's skills
  std::string language;            // empty = any
  std::string region;              // caller's region code, for caps and region matching
  int priority = 0;                // 0..9 before boosts
  bool vip = false;
  bool vulnerable = false;             // life-support equipment, elderly: a customer flag
  bool repeat_caller = false;          // known repeat (else detected from customer_id)
  bool open_matter = false;            // the customer has an open matter (repeat detection)
  std::uint64_t customer_id = 0;       // 0 = unknown
  AgentId preferred_agent = kNoAgent;  // last agent
  std::uint64_t external_id = 0;       // the caller's own id (call id), echoed in offers
};

// Why something happened. Stored as numbers on the hot path; Engine::explain renders text.
enum class DecisionKind : std::uint8_t {
  kQueued,          // entered the queue (priority after boosts in `value`)
  kOffered,         // offered to `agent` by `strategy` after `candidates` were considered
  kRuleFired,       // `rule` fired after `value` seconds
  kRequeued,        // back at its old place after no answer / refusal / time-out (`rule`)
  kRejectedRegion,  // region at its cap (`value`)
  kLeft,            // left the engine (`rule` says why: overflow to centre, voicemail)
};
enum class Rule : std::uint8_t {
  kNone,
  kRelaxSkills,
  kBackupGroups,
  kOverflowQueue,
  kOverflowCentre,
  kCallbackOffer,
  kVoicemail,
  kPreferredTimeout,
  kPreferredAgent,
  kNoAnswer,
  kRefused,
  kReservationTimeout,
  kRepeatBoost,
  kVulnerableBoost,
  kVipBoost,
};

struct Decision {
  TimePoint at{};
  DecisionKind kind = DecisionKind::kQueued;
  Rule rule = Rule::kNone;
  Strategy strategy = Strategy::kLongestIdle;
  QueueId queue = kNoQueue;
  AgentId agent = kNoAgent;
  std::uint32_t candidates = 0;  // agents (or waiting-contact classes) examined
  std::int32_t value = 0;        // seconds, priority or cap, depending on kind/rule
};

struct Offer {
  ContactId contact = kNoContact;
  AgentId agent = kNoAgent;
  QueueId queue = kNoQueue;
  std::uint64_t external_id = 0;
  TimePoint deadline{};  // released (agent to after_no_answer) if not answered by then
  Decision reason;
};

// Things the telephony layer must act on besides offers.
struct Notice {
  enum class Kind : std::uint8_t {
    kCallbackOffered,     // max wait reached: offer the caller a callback; place is kept
    kVoicemail,           // max wait reached: send to voicemail; the contact has left
    kOverflowCentre,      // send to `centre`; the contact has left
    kReservationTimeout,  // offer not answered in time: agent released, contact re-queued
  };
  Kind kind;
  ContactId contact = kNoContact;
  AgentId agent = kNoAgent;
  std::uint64_t external_id = 0;
  std::string centre;
};

struct ArrivalResult {
  ContactId contact = kNoContact;  // kNoContact when rejected
  bool region_capped = false;      // rejected: tell the caller and offer a callback
  Decision reason;
};

struct WaitEstimate {
  int position = 0;  // 1 = next in line
  double estimated_wait_s = 0;
};

}  // namespace sy::routing
