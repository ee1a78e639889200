// Drives the engine with millions of random mixed events (arrivals, agent state changes, abandons,
// accepts, refusals, no-answers, ends, time passing) and checks from the outside that no agent
// holds more than its capacity and no contact is offered to two agents, and from the inside that
// the engine's invariants hold (no stuck agents, no missed matches).
#include <random>
#include <unordered_map>

#include "helpers.h"

namespace sy::routing::testing {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSteps = 150'000;
#else
constexpr int kSteps = 2'000'000;
#endif

enum class Seen { kWaiting, kOffered, kConnected };
struct Known {
  Seen seen = Seen::kWaiting;
  AgentId agent = kNoAgent;
  int channel = 0;
};

EngineConfig random_centre() {
  EngineConfig cfg;
  cfg.skills = {"repair", "billing", "business", "chat"};
  cfg.queues = {queue("repair", Strategy::kLongestIdle, {{0, 3}}),
                queue("billing", Strategy::kBestSkill, {{1, 1}}),
                queue("business", Strategy::kRoundRobin, {{2, 2}}),
                queue("web", Strategy::kLeastOccupied, {{3, 1}})};
  cfg.queues[0].rules.relax_after_s = 20;
  cfg.queues[0].rules.overflow_after_s = 40;
  cfg.queues[0].rules.overflow_queue = "billing";
  cfg.queues[0].rules.max_wait_s = 200;
  cfg.queues[0].rules.max_wait_action = MaxWaitAction::kCallback;
  cfg.queues[1].groups = {"g1"};
  cfg.queues[1].rules.backup_after_s = 15;
  cfg.queues[1].rules.backup_groups = {"g2"};
  cfg.queues[2].preferred_timeout_s = 10;
  cfg.queues[2].rules.overflow_after_s = 300;
  cfg.queues[2].rules.overflow_centre = "xiamen";
  cfg.queues[3].match_region = true;
  cfg.queues[3].rules.max_wait_s = 250;
  cfg.queues[3].rules.max_wait_action = MaxWaitAction::kVoicemail;
  cfg.region_caps = {{"r1", 30}};
  cfg.reservation_timeout = std::chrono::seconds(12);
  cfg.after_refuse = AgentState::kReady;
  return cfg;
}

class RandomRun {
 public:
  explicit RandomRun(std::uint64_t seed) : rng_(seed), centre_(random_centre()) {
    for (int i = 0; i < 40; ++i) {
      AgentSpec a;
      a.name = "agent" + std::to_string(i);
      for (SkillId s = 0; s < 4; ++s)
        if (pick(3) != 0) a.skills.push_back({s, static_cast<std::uint8_t>(1 + pick(10))});
      a.languages =
          pick(2) ? std::vector<std::string>{"zh"} : std::vector<std::string>{"zh", "nan"};
      a.groups = {pick(2) ? "g1" : "g2"};
      if (pick(2)) a.regions = {pick(2) ? "r1" : "r2"};
      a.capacity = {1, static_cast<std::uint8_t>(pick(4)), 0, 0, 0, 0};
      capacity_.push_back(a.capacity);
      load_.push_back({});
      agents_.push_back(*centre_.engine->add_agent(a));
    }
  }

  void step() {
    int kind = pick(100);
    if (kind < 25) {
      arrive();
    } else if (kind < 35) {
      AgentState states[] = {AgentState::kReady, AgentState::kReady, AgentState::kBreak,
                             AgentState::kWrapUp, AgentState::kOffline};
      ASSERT_TRUE(
          centre_.engine->on_agent_state(agents_[pick(40)], states[pick(5)], centre_.now(), "lunch")
              .ok());
    } else if (kind < 42) {
      if (!ids_.empty()) forget(ids_[pick(static_cast<int>(ids_.size()))], true);
    } else if (kind < 70) {
      answer_an_offer();
    } else if (kind < 85) {
      end_a_call();
    } else {
      centre_.advance(pick(3000) / 1000.0);
      tick();
    }
  }

  void final_tick() { tick(); }
  void check_inside() { ASSERT_EQ(centre_.engine->check_invariants(), ""); }
  std::size_t offers() const { return offers_; }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }

  void arrive() {
    if (known_.size() > 400) return;
    ContactSpec spec;
    spec.queue = static_cast<QueueId>(pick(4));
    spec.channel = spec.queue == 3 ? Channel::kChat : Channel::kVoice;
    spec.priority = pick(10);
    spec.language = pick(4) == 0 ? "nan" : "";
    spec.region = pick(2) ? "r1" : "r2";
    spec.vip = pick(20) == 0;
    spec.customer_id = 1 + pick(500);
    spec.open_matter = pick(2);
    if (pick(5) == 0) spec.preferred_agent = agents_[pick(40)];
    auto r = centre_.engine->on_arrival(spec, centre_.now());
    ASSERT_TRUE(r.ok());
    if (r->contact == kNoContact) return;  // region cap
    known_[r->contact] = Known{Seen::kWaiting, kNoAgent, spec.queue == 3 ? 1 : 0};
    where_[r->contact] = ids_.size();
    ids_.push_back(r->contact);
  }

  void forget(ContactId id, bool abandon) {
    auto it = known_.find(id);
    if (abandon) {
      if (it->second.seen == Seen::kConnected) {
        ASSERT_TRUE(centre_.engine->on_contact_end(id, centre_.now()).ok());
      } else {
        ASSERT_TRUE(centre_.engine->on_abandon(id, centre_.now()).ok());
      }
    }
    if (it->second.seen != Seen::kWaiting) --load_[it->second.agent][it->second.channel];
    known_.erase(it);
    std::size_t pos = where_[id];
    where_[ids_.back()] = pos;
    ids_[pos] = ids_.back();
    ids_.pop_back();
    where_.erase(id);
  }

  void answer_an_offer() {
    if (ringing_.empty()) return;
    std::size_t i = static_cast<std::size_t>(pick(static_cast<int>(ringing_.size())));
    ContactId id = ringing_[i];
    ringing_[i] = ringing_.back();
    ringing_.pop_back();
    auto it = known_.find(id);
    if (it == known_.end() || it->second.seen != Seen::kOffered) return;  // already gone
    int how = pick(10);
    if (how < 7) {
      ASSERT_TRUE(centre_.engine->on_offer_accepted(id, centre_.now()).ok());
      it->second.seen = Seen::kConnected;
      connected_.push_back(id);
    } else {
      auto st = how < 9 ? centre_.engine->on_offer_refused(id, centre_.now())
                        : centre_.engine->on_ring_no_answer(id, centre_.now());
      ASSERT_TRUE(st.ok());
      --load_[it->second.agent][it->second.channel];
      it->second.seen = Seen::kWaiting;
    }
  }

  void end_a_call() {
    if (connected_.empty()) return;
    std::size_t i = static_cast<std::size_t>(pick(static_cast<int>(connected_.size())));
    ContactId id = connected_[i];
    connected_[i] = connected_.back();
    connected_.pop_back();
    auto it = known_.find(id);
    if (it == known_.end() || it->second.seen != Seen::kConnected) return;
    ASSERT_TRUE(centre_.engine->on_contact_end(id, centre_.now()).ok());
    forget(id, false);
  }

  void tick() {
    std::vector<Offer> offers = centre_.engine->on_tick(centre_.now());
    // Notices come from timers, which fire before matching: take them first.
    for (const Notice& n : centre_.engine->take_notices()) {
      auto it = known_.find(n.contact);
      ASSERT_NE(it, known_.end());
      if (n.kind == Notice::Kind::kReservationTimeout) {
        --load_[it->second.agent][it->second.channel];
        it->second.seen = Seen::kWaiting;
      } else if (n.kind != Notice::Kind::kCallbackOffered) {
        forget(n.contact, false);
      }
    }
    for (const Offer& o : offers) {
      auto it = known_.find(o.contact);
      ASSERT_NE(it, known_.end()) << "offer for an unknown contact";
      ASSERT_EQ(it->second.seen, Seen::kWaiting) << "contact offered twice";
      int ch = it->second.channel;
      ASSERT_LT(load_[o.agent][ch], std::max<int>(capacity_[o.agent][ch], 1))
          << "agent over capacity";
      ASSERT_EQ(load_[o.agent][1 - ch], 0) << "voice and chat mixed on one agent";
      ++load_[o.agent][ch];
      it->second = Known{Seen::kOffered, o.agent, ch};
      ringing_.push_back(o.contact);
      ++offers_;
    }
    if (++ticks_ % 500 == 0) check_inside();
  }

  std::mt19937_64 rng_;
  Centre centre_;
  std::vector<AgentId> agents_;
  std::vector<std::array<std::uint8_t, kChannelCount>> capacity_;
  std::vector<std::array<int, kChannelCount>> load_;
  std::unordered_map<ContactId, Known> known_;
  std::unordered_map<ContactId, std::size_t> where_;
  std::vector<ContactId> ids_, ringing_, connected_;
  std::size_t offers_ = 0;
  std::size_t ticks_ = 0;
};

TEST(RandomizedInvariants, MillionsOfMixedEventsKeepTheEngineConsistent) {
  RandomRun run(20261123);
  for (int i = 0; i < kSteps; ++i) {
    run.step();
    if (::testing::Test::HasFatalFailure()) return;
  }
  run.final_tick();
  run.check_inside();
  EXPECT_GT(run.offers(), static_cast<std::size_t>(kSteps / 20)) << "the run must route a lot";
}

}  // namespace
}  // namespace sy::routing::testing
