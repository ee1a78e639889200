// Private state of routing::Engine: the data structures that keep a decision cheap with 10,000
// agents and thousands of waiting contacts.
//
// - Ready agents sit in ordered indexes per (skill, channel, strategy order); the first eligible
//   agent in an index is the strategy's choice, so a contact never scans all agents.
// - Waiting contacts sit in "classes": all contacts with the same queue, channel, requirement and
//   fired rules are interchangeable for eligibility, so each class is one ordered set (priority,
//   then arrival) and an agent only compares class heads.
// - Time-driven work (waiting-time rules, preferred-agent and reservation time-outs) is a heap of
//   timers with lazy cancellation.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "routing/engine.h"

namespace sy::routing {

inline constexpr int kMaxRequiredSkills = 4;
inline constexpr std::uint8_t kAnyLanguage = 0xFF;
inline constexpr std::uint16_t kNoRegion = 0xFFFF;
inline constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

// Strategy orders an index can keep.
enum class Order : std::uint8_t { kIdle, kOccupied, kLevel, kRoundRobin };
inline constexpr int kOrderCount = 4;

// Rule bits fired for a contact (stage).
enum StageBit : std::uint8_t {
  kStageRelaxed = 1,
  kStageBackup = 2,
  kStageOverflow = 4,
  kStageMaxWait = 8,
};
// Bits that change who may take the contact (and therefore its class).
inline constexpr std::uint8_t kEligibilityBits = kStageRelaxed | kStageBackup | kStageOverflow;

struct IndexKey {
  std::int64_t k1;
  std::int64_t k2;
  AgentId agent;
  bool operator<(const IndexKey& o) const {
    if (k1 != o.k1) return k1 < o.k1;
    if (k2 != o.k2) return k2 < o.k2;
    return agent < o.agent;
  }
};

struct AgentIndex {
  std::set<IndexKey> keys;
  AgentId rr_last = kNoAgent;  // round robin: the last agent offered from this index
};

// Order of waiting contacts: higher priority first, then earlier arrival, then arrival order.
struct WaitKey {
  std::int32_t neg_priority;
  std::int64_t arrival_us;
  std::uint64_t seq;
  std::uint32_t slot;
  bool operator<(const WaitKey& o) const {
    if (neg_priority != o.neg_priority) return neg_priority < o.neg_priority;
    if (arrival_us != o.arrival_us) return arrival_us < o.arrival_us;
    return seq < o.seq;
  }
};

// The waiting line of one class: one bucket per priority (0..9), each sorted by arrival. New
// arrivals append and offers take the front, so the common operations are O(1) without a tree
// node allocation; putting a contact back at its old place or removing an abandoned one from the
// middle is a binary search and a shift within its bucket.
class WaitList {
 public:
  static constexpr int kBuckets = 10;

  void insert(const WaitKey& k) {
    Bucket& b = buckets_[bucket_of(k)];
    if (b.head == b.keys.size() || b.keys.back() < k) {
      b.keys.push_back(k);
    } else {
      b.keys.insert(
          std::lower_bound(b.keys.begin() + static_cast<std::ptrdiff_t>(b.head), b.keys.end(), k),
          k);
    }
    mask_ |= static_cast<std::uint16_t>(1u << bucket_of(k));
    ++size_;
  }
  void erase(const WaitKey& k) {
    int i = bucket_of(k);
    Bucket& b = buckets_[i];
    auto first = b.keys.begin() + static_cast<std::ptrdiff_t>(b.head);
    if (first != b.keys.end() && !(*first < k) && !(k < *first)) {
      ++b.head;  // the front: the usual case (an offer)
    } else {
      auto it = std::lower_bound(first, b.keys.end(), k);
      if (it == b.keys.end() || k < *it) return;
      b.keys.erase(it);
    }
    --size_;
    if (b.head == b.keys.size()) {
      b.keys.clear();
      b.head = 0;
      mask_ &= static_cast<std::uint16_t>(~(1u << i));
    } else if (b.head >= 64 && 2 * b.head >= b.keys.size()) {
      b.keys.erase(b.keys.begin(), b.keys.begin() + static_cast<std::ptrdiff_t>(b.head));
      b.head = 0;
    }
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  // Forward iteration in waiting order (highest priority first, then arrival).
  class Iterator {
   public:
    Iterator(const WaitList* l, int bucket, std::size_t pos) : l_(l), bucket_(bucket), pos_(pos) {
      settle();
    }
    const WaitKey& operator*() const { return l_->buckets_[bucket_].keys[pos_]; }
    const WaitKey* operator->() const { return &**this; }
    Iterator& operator++() {
      ++pos_;
      settle();
      return *this;
    }
    bool operator!=(const Iterator& o) const { return bucket_ != o.bucket_ || pos_ != o.pos_; }
    bool operator==(const Iterator& o) const { return !(*this != o); }

   private:
    void settle() {
      while (bucket_ >= 0 && pos_ >= l_->buckets_[bucket_].keys.size()) {
        --bucket_;
        pos_ = bucket_ >= 0 ? l_->buckets_[bucket_].head : 0;
      }
    }
    const WaitList* l_;
    int bucket_;
    std::size_t pos_;
  };
  Iterator begin() const {
    if (mask_ == 0) return end();
    int top = 31 - __builtin_clz(mask_);  // highest priority with anyone waiting
    return Iterator(this, top, buckets_[top].head);
  }
  Iterator end() const { return Iterator(this, -1, 0); }

 private:
  struct Bucket {
    std::vector<WaitKey> keys;
    std::size_t head = 0;  // keys before it have left
  };
  static int bucket_of(const WaitKey& k) { return -k.neg_priority; }
  std::array<Bucket, kBuckets> buckets_;
  std::uint16_t mask_ = 0;
  std::size_t size_ = 0;
};

// One way a contact of a class may be served: these skills at these levels, by these groups.
struct Requirement {
  std::array<SkillLevel, kMaxRequiredSkills> skills{};
  std::uint8_t skill_count = 0;
  std::uint64_t group_mask = 0;  // 0 = any group
  bool match_region = false;
  QueueId queue = kNoQueue;  // whose strategy picks the agent
  Order order = Order::kIdle;
  std::uint16_t index_skill = 0;  // first required skill, or the "any skill" slot
};

// At most two ways (own queue, overflow queue), stored inline: eligibility checks stay in the
// class's own cache lines.
struct Alternatives {
  std::array<Requirement, 2> items{};
  std::uint8_t count = 0;
  void push_back(const Requirement& r) { items[count++] = r; }
  std::size_t size() const { return count; }
  Requirement& operator[](std::size_t i) { return items[i]; }
  const Requirement& operator[](std::size_t i) const { return items[i]; }
  const Requirement* begin() const { return items.data(); }
  const Requirement* end() const { return items.data() + count; }
};

using ClassKey = std::array<std::uint64_t, 3>;
struct ClassKeyHash {
  std::size_t operator()(const ClassKey& k) const {
    std::uint64_t h = 0x9E3779B97F4A7C15ull;
    for (auto w : k) h = (h ^ w) * 0x100000001B3ull + (h >> 29);
    return static_cast<std::size_t>(h);
  }
};

// Class ids by key: open addressing with linear probing in one flat array, so finding the class
// of an arriving contact costs one cache line instead of a hash-node chase.
class ClassIdTable {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t find(const ClassKey& key) const {
    if (slots_.empty()) return kNone;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.key == key) return s.id;
    }
  }
  void insert(const ClassKey& key, std::uint32_t id) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(key, id);
    ++size_;
  }

 private:
  struct Slot {
    ClassKey key{};
    std::uint32_t id = kNone;
  };
  // The key hash finished with a 64-bit mix, so the low bits used for the slot depend on every
  // field of the key.
  std::size_t home(const ClassKey& key) const {
    std::uint64_t h = ClassKeyHash{}(key);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return static_cast<std::size_t>(h) & mask_;
  }
  void place(const ClassKey& key, std::uint32_t id) {
    std::size_t i = home(key);
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = Slot{key, id};
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.id != kNone) place(s.key, s.id);
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

struct ContactClass {
  QueueId home = 0;
  std::uint8_t channel = 0;  // capacity channel (callbacks count as voice)
  std::uint8_t stage = 0;
  std::uint8_t language = kAnyLanguage;
  std::uint16_t region = kNoRegion;
  Alternatives alts;  // alt 0: own queue; alt 1: overflow queue
  WaitList waiting;
};

enum class ContactState : std::uint8_t { kFree, kHeld, kWaiting, kOffered, kConnected };

// Hot fields (touched by every event) first, so one cache line serves most events.
struct alignas(64) ContactRec {
  std::uint32_t gen = 0;
  ContactState st = ContactState::kFree;
  Channel channel = Channel::kVoice;
  QueueId queue = 0;
  AgentId agent = kNoAgent;  // offered to / connected with
  std::uint32_t cls = 0;
  int priority = 0;
  TimePoint arrival{};
  TimePoint answered{};
  std::uint64_t seq = 0;
  std::uint64_t external_id = 0;
  std::uint16_t region = kNoRegion;
  bool region_counted = false;
  bool in_class = false;
  bool dirty = false;
  std::uint8_t stage = 0;
  std::uint8_t language = kAnyLanguage;
  std::uint8_t skill_count = 0;
  AgentId skip_agent = kNoAgent;  // just refused it: do not offer straight back
  std::uint64_t offer_seq = 0;    // identifies the live reservation deadline
  // Colder fields.
  AgentId preferred = kNoAgent;
  std::array<SkillLevel, kMaxRequiredSkills> skills{};
  std::vector<Decision> trail;
  WaitKey key() const;
};

struct IndexedAt {  // the values an agent's index keys were computed from
  std::int64_t idle_since_us = 0;
  std::int64_t busy_us = 0;
  std::uint8_t load = 0;
};

// Hot fields first (state, load, times, skills), names and lists at the end.
struct alignas(64) AgentRec {
  // Skills sorted by id; up to eight inline, in the same cache line as the agent's state.
  std::array<SkillLevel, 8> skill_inline{};
  std::uint16_t skill_count = 0;
  AgentState presence = AgentState::kOffline;
  std::uint8_t indexed = 0;  // bit per channel: in the ready indexes for it
  bool dirty = false;
  std::array<std::uint8_t, kChannelCount> capacity{};
  std::array<std::uint8_t, kChannelCount> load{};  // by capacity channel
  int reserved = 0;
  int connected = 0;
  std::int64_t idle_since_us = 0;
  std::int64_t busy_us = 0;  // today
  std::int64_t busy_start_us = 0;
  std::uint64_t language_mask = 0;
  // Colder fields.
  std::vector<SkillLevel> skill_heap;  // all skills, when more than eight
  std::uint64_t group_mask = 0;
  std::int64_t busy_day = 0;
  std::vector<std::uint16_t> regions;  // sorted; empty = all
  std::vector<std::uint32_t> held;     // slots of contacts waiting for this preferred agent
  std::array<IndexedAt, kChannelCount> at{};
  std::string name;
  std::string break_reason;

  struct SkillSpan {
    const SkillLevel* first;
    const SkillLevel* last;
    const SkillLevel* begin() const { return first; }
    const SkillLevel* end() const { return last; }
  };
  SkillSpan skills() const {
    const SkillLevel* p =
        skill_count <= skill_inline.size() ? skill_inline.data() : skill_heap.data();
    return {p, p + skill_count};
  }
  void set_skills(const std::vector<SkillLevel>& sorted) {
    skill_count = static_cast<std::uint16_t>(sorted.size());
    if (sorted.size() <= skill_inline.size()) {
      std::copy(sorted.begin(), sorted.end(), skill_inline.begin());
    } else {
      skill_heap = sorted;
    }
  }
  int level(SkillId skill) const {
    for (const auto& s : skills())
      if (s.skill == skill) return s.level;
    return 0;
  }
  int total_load() const { return reserved + connected; }
};

enum class TimerKind : std::uint8_t { kRule, kPreferred, kReservation };
struct Timer {
  std::int64_t at_us;
  std::uint64_t seq;
  std::uint32_t slot;
  TimerKind kind;
  bool before(const Timer& o) const { return at_us != o.at_us ? at_us < o.at_us : seq < o.seq; }
};

// Pending timers, at most one per contact, in a binary heap that can also remove: a cancelled
// timer (the call was answered) leaves at once, so the heap is only as big as the live timers.
class TimerHeap {
 public:
  bool empty() const { return heap_.empty(); }
  const Timer& top() const { return heap_.front(); }
  void set(const Timer& t) {
    if (t.slot >= pos_.size()) pos_.resize(t.slot + 1, -1);
    if (pos_[t.slot] >= 0) {
      auto i = static_cast<std::size_t>(pos_[t.slot]);
      heap_[i] = t;
      sift_down(sift_up(i));
      return;
    }
    heap_.push_back(t);
    pos_[t.slot] = static_cast<std::int32_t>(heap_.size() - 1);
    sift_up(heap_.size() - 1);
  }
  void cancel(std::uint32_t slot) {
    if (slot >= pos_.size() || pos_[slot] < 0) return;
    auto i = static_cast<std::size_t>(pos_[slot]);
    pos_[slot] = -1;
    if (i + 1 == heap_.size()) {
      heap_.pop_back();
      return;
    }
    heap_[i] = heap_.back();
    heap_.pop_back();
    pos_[heap_[i].slot] = static_cast<std::int32_t>(i);
    sift_down(sift_up(i));
  }
  void pop() { cancel(heap_.front().slot); }
  bool has(std::uint32_t slot) const { return slot < pos_.size() && pos_[slot] >= 0; }

 private:
  void place(std::size_t i, const Timer& t) {
    heap_[i] = t;
    pos_[t.slot] = static_cast<std::int32_t>(i);
  }
  std::size_t sift_up(std::size_t i) {
    Timer t = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!t.before(heap_[parent])) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, t);
    return i;
  }
  void sift_down(std::size_t i) {
    Timer t = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].before(heap_[child])) ++child;
      if (!heap_[child].before(t)) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, t);
  }
  std::vector<Timer> heap_;
  std::vector<std::int32_t> pos_;  // per contact slot: index in heap_, -1 = no timer
};

struct QueueRuntime {
  std::vector<SkillLevel> skills;
  std::uint64_t group_mask = 0;
  std::uint64_t backup_mask = 0;
  QueueId overflow_queue = kNoQueue;
  double aht_s = 180;
  std::size_t waiting = 0;
  std::vector<std::uint32_t> classes;  // classes whose home is this queue
};

struct ClassRef {
  std::uint32_t cls;
  std::uint8_t alt;
};

struct Engine::State {
  EngineConfig cfg;
  std::unordered_map<std::string, SkillId> skill_names;
  std::unordered_map<std::string, QueueId> queue_names;
  std::unordered_map<std::string, int> language_names, group_names;
  std::unordered_map<std::string, std::uint16_t> region_names;
  std::vector<std::string> region_list;
  std::vector<int> region_cap, region_count;
  std::vector<QueueRuntime> queues;

  std::vector<AgentRec> agents;
  std::vector<std::vector<AgentId>> skill_agents;  // per skill (+ the "any" slot)
  // Ready indexes, by (skill slot, channel, order); created when a class needs one.
  std::vector<std::unique_ptr<AgentIndex>> indexes;
  std::vector<std::uint8_t> order_mask;  // per (skill slot, channel): which orders exist
  // Classes of waiting contacts and, per (skill slot, channel), the classes an agent with that
  // skill might serve.
  std::vector<ContactClass> classes;
  // Head (best waiting contact) of every class, kept contiguous so an agent scanning the classes
  // it may serve touches one small array instead of every class's tree. Empty = kNoHead.
  std::vector<WaitKey> class_head;
  ClassIdTable class_ids;
  std::vector<std::vector<ClassRef>> skill_classes;

  std::vector<ContactRec> contacts;
  std::vector<std::uint32_t> free_slots;
  std::size_t waiting_total = 0;
  std::uint64_t next_seq = 1;
  TimerHeap timers;
  std::deque<Timer> reservations;  // offer deadlines, in order
  std::uint64_t timer_seq = 0;
  std::unordered_map<std::uint64_t, std::int64_t> last_seen_us;  // customer -> last arrival

  std::vector<AgentId> dirty_agents;
  std::vector<std::uint32_t> dirty_contacts;
  // Contacts just turned down by an agent: not offered straight back to that agent in the next
  // tick; the tick after, the skip is lifted.
  std::vector<std::uint32_t> skipped, skip_expiring;
  std::vector<Offer> offers;
  std::vector<Notice> notices;
  std::vector<Decision> empty_trail;

  // --- helpers shared by the engine's files ---
  int any_skill() const { return static_cast<int>(cfg.skills.size()); }
  std::size_t slot_channel(int skill_slot, int ch) const {
    return static_cast<std::size_t>(skill_slot) * kChannelCount + static_cast<std::size_t>(ch);
  }
  AgentIndex* index(int skill_slot, int ch, Order order) {
    return indexes[slot_channel(skill_slot, ch) * kOrderCount + static_cast<int>(order)].get();
  }
  ContactRec* find(ContactId id);
  const ContactRec* find(ContactId id) const;
  ContactId id_of(std::uint32_t slot) const {
    return (static_cast<ContactId>(contacts[slot].gen) << 32) | (slot + 1);
  }

  // engine_agents.cc
  bool available(const AgentRec& a, int ch) const;
  bool available_any(const AgentRec& a) const;
  IndexKey key_for(const AgentRec& a, AgentId id, int ch, int skill_slot, Order order) const;
  void index_agent(AgentId id);
  void unindex_agent(AgentId id);
  void mark_agent(AgentId id);
  void ensure_index(int skill_slot, int ch, Order order);
  bool eligible(const AgentRec& a, const ContactClass& c, const Requirement& r) const;
  void add_load(AgentId id, int ch, std::int64_t now_us, bool reserve);
  void drop_load(AgentId id, int ch, std::int64_t now_us, bool was_reserved);

  // engine_contacts.cc
  std::uint32_t class_for(const ContactRec& c);
  void enqueue(std::uint32_t slot);
  void dequeue(std::uint32_t slot);
  void mark_contact(std::uint32_t slot);
  void free_contact(std::uint32_t slot);
  void schedule(std::uint32_t slot, std::int64_t at_us, TimerKind kind);
  void schedule_next_rule(std::uint32_t slot);
  void fire_timer(const Timer& t, TimePoint now);
  void fire_rules(std::uint32_t slot, TimePoint now);
  void release_held(AgentId id, TimePoint now);
  void remove_contact(std::uint32_t slot);
  void requeue(std::uint32_t slot, TimePoint now, Rule why);

  // engine_match.cc
  AgentId best_agent_for(std::uint32_t slot, std::uint32_t* candidates, Strategy* strategy);
  std::uint32_t best_contact_for(AgentId id, std::uint32_t* candidates);
  void offer(std::uint32_t slot, AgentId id, TimePoint now, Strategy strategy,
             std::uint32_t candidates, Rule rule);
  bool try_preferred(std::uint32_t slot, TimePoint now);
  void serve_agent(AgentId id, TimePoint now, bool via_index);
  void serve_contact(std::uint32_t slot, TimePoint now);
  void match(TimePoint now);
};

inline std::int64_t us(TimePoint t) { return t.time_since_epoch().count(); }
inline int capacity_channel(Channel ch) {
  return ch == Channel::kCallback ? 0 : static_cast<int>(ch);
}
Order order_of(Strategy s);

}  // namespace sy::routing
