// Report summaries on SQLite and PostgreSQL: a generated day of calls, agent state changes and
// work orders (written through the repositories, fixed seed) is folded, and every summed figure
// equals the same figure recomputed here from what was generated. Rows arriving after a fold are
// folded exactly once, also by a fresh repository (the watermarks are durable).
#include <map>
#include <random>
#include <tuple>

#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using workflow::Action;

constexpr std::int64_t k15 = 15 * 60 * 1000;

struct Expected {
  std::map<std::int64_t, CallSums> calls_by_15m;
  std::map<std::string, CallSums> calls_by_region;
  std::map<std::string, CallSums> calls_by_queue;
  std::map<std::string, CallSums> calls_by_agent;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> nodes;  // visits, exits
  std::map<std::string, AgentTimeSums> agent_time;
  std::map<std::string, WorkOrderSums> orders_by_type;
  std::map<std::string, WorkOrderSums> orders_by_region;
  std::map<std::string, std::int64_t> states;
};

class ReportRepoTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
    customers_ = {make_customer("林小红", "350102-01", "13800000001", "0591000001"),
                  make_customer("陈大明", "350102-02", "13800000002", "0591000002"),
                  make_customer("王芳", "350203-01", "13900000003", "0592000003")};
    NewQueue q;
    q.name = "repair";
    q.display_name = "故障报修";
    q.service_level_s = 30;  // the queue's own threshold; "general" has none on record
    ASSERT_TRUE(repos_->queues.create(q).ok());
    for (int i = 0; i < 3; ++i) agents_.push_back(add_agent(i));
    day_ = local_day_start(to_unix_ms(clock_.now()), 480);
  }

  std::int64_t add_agent(int i) {
    NewUser u;
    u.username = "agent" + std::to_string(i);
    u.display_name = "坐席" + std::to_string(i);
    u.role = auth::Role::kAgent;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    auto user = repos_->users.create(u);
    EXPECT_TRUE(user.ok());
    NewAgent a;
    a.user_id = user.ok() ? user->id : 0;
    a.extension = std::to_string(8001 + i);
    auto agent = repos_->agents.create(a);
    EXPECT_TRUE(agent.ok());
    return agent.ok() ? agent->id : 0;
  }

  // `n` calls starting in [start, start + span), recorded through the call repository.
  void generate_calls(const std::string& prefix, int n, std::int64_t start, std::int64_t span) {
    static const std::vector<std::string> kRegions = {"350102-01", "350102-02", "350203-01", ""};
    static const std::vector<std::string> kNodes = {"menu", "bill", "outage_notice", "repair",
                                                    "agent"};
    for (int i = 0; i < n; ++i) {
      std::int64_t started = start + static_cast<std::int64_t>(rng_() % span);
      std::string region = kRegions[rng_() % kRegions.size()];
      NewCall c;
      c.id = prefix + std::to_string(i);
      c.from_number = "1380000" + std::to_string(1000 + i);
      c.to_number = "95598";
      if (!region.empty()) c.region_code = region;
      c.started_at = from_unix_ms(started);
      ASSERT_TRUE(repos_->calls.create(c).ok());
      CallFinished f;
      f.ivr_path = {"welcome"};
      for (unsigned k = rng_() % 4; k > 0; --k) f.ivr_path.push_back(kNodes[rng_() % kNodes.size()]);
      int kind = static_cast<int>(rng_() % 100);
      std::int64_t ivr_ms = 5000 + static_cast<std::int64_t>(rng_() % 60000);
      CallSums s;
      s.offered = 1;
      std::string queue, agent_key;
      std::int64_t agent = 0;
      int wait = static_cast<int>(rng_() % 60);
      std::int64_t ended = started + ivr_ms;
      if (kind < 30) {  // served by the IVR alone
        s.ivr_contained = 1;
        f.end_reason = "caller_hangup";
      } else {
        queue = kind % 2 ? "repair" : "general";
        s.queued = 1;
        if (kind < 45) {  // hung up in queue
          s.abandoned = 1;
          s.wait_abandon_s = wait;
          s.short_abandoned = wait < 5 ? 1 : 0;
          ended += wait * 1000;
          f.end_reason = "abandoned";
          f.queue = queue;
          f.wait_s = wait;
        } else {
          agent = agents_[rng_() % agents_.size()];
          std::int64_t answered = started + ivr_ms + wait * 1000;
          std::int64_t talk = 30 + static_cast<std::int64_t>(rng_() % 600);
          ended = answered + talk * 1000 + static_cast<std::int64_t>(rng_() % 1000);
          CallAnswered a{from_unix_ms(answered), agent, queue, wait, "longest_idle", std::nullopt};
          ASSERT_TRUE(repos_->calls.update_on_answer(c.id, a).ok());
          s.answered = 1;
          s.wait_answer_s = wait;
          s.answered_in_sl = wait <= (queue == "repair" ? 30 : 20) ? 1 : 0;
          s.talk_s = (ended - answered) / 1000;
          if (kind > 95) {
            f.end_reason = "transferred";
            s.transfers = 1;
          } else {
            f.end_reason = "agent_hangup";
          }
        }
      }
      f.ended_at = from_unix_ms(ended);
      max_ended_ = std::max(max_ended_, ended);
      ASSERT_TRUE(repos_->calls.finish(c.id, f).ok());
      expected_.calls_by_15m[(started / k15) * k15].add(s);
      expected_.calls_by_region[region].add(s);
      expected_.calls_by_queue[queue].add(s);
      expected_.calls_by_agent[std::to_string(agent)].add(s);
      for (std::size_t k = 0; k < f.ivr_path.size(); ++k) {
        auto& node = expected_.nodes[f.ivr_path[k]];
        ++node.first;
        if (k + 1 == f.ivr_path.size()) ++node.second;
      }
    }
  }

  // Each agent walks through states from `start` for about `span`.
  void generate_states(std::int64_t start, std::int64_t span) {
    static const AgentPresence kStates[] = {AgentPresence::kReady, AgentPresence::kOnCall,
                                            AgentPresence::kWrapUp, AgentPresence::kBreak,
                                            AgentPresence::kReserved};
    for (std::int64_t agent : agents_) {
      std::int64_t t = start;
      // The state an earlier walk left the agent in lasts until this walk's first change.
      std::optional<AgentPresence>& prev = last_state_[agent];
      std::int64_t& prev_at = last_state_at_[agent];
      while (t < start + span) {
        AgentPresence s = kStates[rng_() % 5];
        AgentStateChange ch;
        ch.agent_id = agent;
        ch.state = s;
        ch.at = from_unix_ms(t);
        ASSERT_TRUE(repos_->agents.record_state(ch).ok());
        if (prev) {
          // Whole seconds per 15-minute piece, as the report keeps them.
          AgentTimeSums add;
          for (std::int64_t x = prev_at; x < t;) {
            std::int64_t end = std::min(t, (x / k15 + 1) * k15);
            std::int64_t secs = (end - prev_at) / 1000 - (x - prev_at) / 1000;
            switch (*prev) {
              case AgentPresence::kReady: add.ready_s += secs; break;
              case AgentPresence::kOnCall: add.on_call_s += secs; break;
              case AgentPresence::kWrapUp: add.wrap_up_s += secs; break;
              case AgentPresence::kBreak: add.break_s += secs; break;
              case AgentPresence::kReserved: add.reserved_s += secs; break;
              default: break;
            }
            x = end;
          }
          expected_.agent_time[std::to_string(agent)].add(add);
        }
        prev = s;
        prev_at = t;
        t += 1000 + static_cast<std::int64_t>(rng_() % (40 * 60 * 1000));
      }
    }
  }

  Result<WorkOrderDetail> act(std::int64_t id, Action a, std::string note = "") {
    TransitionRequest r;
    r.action = a;
    r.note = std::move(note);
    return repos_->work_orders.transition(id, r);
  }

  // `n` orders created from `start` on, each walked through its workflow with the clock.
  void generate_orders(int n, std::int64_t start) {
    for (int i = 0; i < n; ++i) {
      clock_.set(from_unix_ms(start + i * 20 * 60 * 1000));
      const CustomerFile& who = customers_[rng_() % customers_.size()];
      std::string type = i % 2 ? "repair" : "complaint";
      NewWorkOrder o;
      o.type_code = type;
      o.subtype = type == "repair" ? "no_power" : "billing";
      o.customer_id = who.customer.id;
      o.account_no = who.accounts.front().account_no;
      o.description = "报告单 " + std::to_string(i);
      o.phone = who.phones.front().phone;
      auto created = repos_->work_orders.create(o);
      ASSERT_TRUE(created.ok()) << created.error().message;
      std::string region = created->region_code;
      auto& by_type = expected_.orders_by_type[type];
      auto& by_region = expected_.orders_by_region[region];
      WorkOrderSums s;
      s.created = 1;
      ++expected_.states["new"];
      std::int64_t created_at = to_unix_ms(clock_.now());
      int depth = static_cast<int>(rng_() % 7);
      struct Step {
        Action a;
        const char* to;
        const char* note;
      };
      std::vector<Step> steps = {{Action::kDispatch, "dispatched", ""},
                                 {Action::kAccept, "accepted", ""},
                                 {Action::kStart, "in_progress", ""},
                                 {Action::kResolve, "resolved", ""},
                                 {Action::kVisit, "return_visit", ""}};
      int outcome = depth >= 5 ? static_cast<int>(rng_() % 3) : -1;
      for (int k = 0; k < depth && k < 5; ++k) {
        clock_.advance(milliseconds(60'000 + static_cast<std::int64_t>(rng_() % (90 * 60'000))));
        auto r = act(created->id, steps[k].a, steps[k].note);
        ASSERT_TRUE(r.ok()) << type << " " << steps[k].to << ": " << r.error().message;
        ++expected_.states[steps[k].to];
      }
      if (outcome >= 0) {
        clock_.advance(milliseconds(60'000 + static_cast<std::int64_t>(rng_() % (6 * 3600'000))));
        std::int64_t at = to_unix_ms(clock_.now());
        if (outcome == 0) {
          ASSERT_TRUE(act(created->id, Action::kReopen, "客户不满意").ok());
          s.visits_unsatisfied = 1;
          ++expected_.states["reopened"];
        } else {
          auto detail = repos_->work_orders.get(created->id, RegionScope::all());
          ASSERT_TRUE(detail.ok());
          auto due = detail->order.progress.due_at;
          ASSERT_TRUE(act(created->id, Action::kClose,
                          outcome == 1 ? "客户满意" : "回访电话无法联系，按满意处理")
                          .ok());
          (outcome == 1 ? s.visits_satisfied : s.visits_unreachable) = 1;
          s.closed = 1;
          s.handling_s = (at - created_at) / 1000;
          if (!due || at <= to_unix_ms(*due))
            s.closed_on_time = 1;
          else
            s.closed_overdue = 1;
          ++expected_.states["closed"];
        }
      }
      by_type.add(s);
      by_region.add(s);
    }
  }

  SummaryQuery query(ReportKey key, ReportGrain grain = ReportGrain::kDay, int days = 2) {
    SummaryQuery q;
    q.from = from_unix_ms(day_);
    q.to = from_unix_ms(day_ + days * 24LL * 3600 * 1000);
    q.grain = grain;
    q.key = key;
    return q;
  }

  template <class Sums>
  static std::map<std::string, Sums> by_key(const std::vector<SummaryRow<Sums>>& rows) {
    std::map<std::string, Sums> out;
    for (const auto& r : rows) out[r.key].add(r.sums);
    return out;
  }

  void expect_everything(ReportRepository& reports) {
    auto q15 = reports.call_sums(query(ReportKey::kBucket, ReportGrain::k15Min));
    ASSERT_TRUE(q15.ok()) << q15.error().message;
    std::map<std::int64_t, CallSums> got15;
    for (const auto& r : *q15) got15[r.bucket].add(r.sums);
    EXPECT_EQ(got15, expected_.calls_by_15m);

    auto by_region = reports.call_sums(query(ReportKey::kRegion));
    ASSERT_TRUE(by_region.ok());
    EXPECT_EQ(by_key(*by_region), expected_.calls_by_region);
    auto by_queue = reports.call_sums(query(ReportKey::kQueue));
    ASSERT_TRUE(by_queue.ok());
    EXPECT_EQ(by_key(*by_queue), expected_.calls_by_queue);
    auto by_agent = reports.call_sums(query(ReportKey::kAgent));
    ASSERT_TRUE(by_agent.ok());
    EXPECT_EQ(by_key(*by_agent), expected_.calls_by_agent);

    // A city: only its counties' calls.
    SummaryQuery city = query(ReportKey::kRegion);
    city.region = RegionScope("350100");
    auto fuzhou = reports.call_sums(city);
    ASSERT_TRUE(fuzhou.ok());
    std::map<std::string, CallSums> want;
    for (const auto& [code, s] : expected_.calls_by_region)
      if (code.rfind("3501", 0) == 0) want[code] = s;
    EXPECT_EQ(by_key(*fuzhou), want);

    auto nodes = reports.ivr_nodes(query(ReportKey::kNode));
    ASSERT_TRUE(nodes.ok());
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> got_nodes;
    for (const auto& n : *nodes) got_nodes[n.node] = {n.visits, n.exits};
    EXPECT_EQ(got_nodes, expected_.nodes);

    auto time = reports.agent_time_sums(query(ReportKey::kAgent, ReportGrain::kDay, 3));
    ASSERT_TRUE(time.ok());
    EXPECT_EQ(by_key(*time), expected_.agent_time);
    auto time15 = reports.agent_time_sums(query(ReportKey::kAgent, ReportGrain::k15Min, 3));
    ASSERT_TRUE(time15.ok());
    EXPECT_EQ(by_key(*time15), expected_.agent_time);

    auto types = reports.work_order_sums(query(ReportKey::kType, ReportGrain::kDay, 3));
    ASSERT_TRUE(types.ok());
    EXPECT_EQ(by_key(*types), expected_.orders_by_type);
    auto types15 = reports.work_order_sums(query(ReportKey::kType, ReportGrain::k15Min, 3));
    ASSERT_TRUE(types15.ok());
    EXPECT_EQ(by_key(*types15), expected_.orders_by_type);
    auto regions = reports.work_order_sums(query(ReportKey::kRegion, ReportGrain::kDay, 3));
    ASSERT_TRUE(regions.ok());
    EXPECT_EQ(by_key(*regions), expected_.orders_by_region);
    auto states = reports.work_order_states(query(ReportKey::kState, ReportGrain::kDay, 3));
    ASSERT_TRUE(states.ok());
    EXPECT_EQ(*states, expected_.states);
  }

  std::mt19937_64 rng_{20261118};
  std::vector<CustomerFile> customers_;
  std::vector<std::int64_t> agents_;
  std::int64_t day_ = 0;
  std::int64_t max_ended_ = 0;
  std::map<std::int64_t, std::optional<AgentPresence>> last_state_;
  std::map<std::int64_t, std::int64_t> last_state_at_;
  Expected expected_;
};

TEST_P(ReportRepoTest, ADayOfRecordsFoldsIntoSumsThatMatchTheRawRecords) {
  generate_calls("d1-", 400, day_, 24LL * 3600 * 1000 - 3600 * 1000);
  generate_states(day_, 20LL * 3600 * 1000);
  generate_orders(30, day_ + 3600 * 1000);
  auto folded = repos_->reports.fold();
  ASSERT_TRUE(folded.ok()) << folded.error().message;
  EXPECT_EQ(folded->calls, 400);
  expect_everything(repos_->reports);

  // Service level uses each queue's threshold: 30 s for "repair", the default 20 s otherwise.
  EXPECT_GT(expected_.calls_by_queue["repair"].answered_in_sl, 0);
}

TEST_P(ReportRepoTest, RowsArrivingAfterAFoldAreFoldedExactlyOnceAlsoAfterARestart) {
  generate_calls("a-", 150, day_, 12LL * 3600 * 1000);
  generate_states(day_, 6LL * 3600 * 1000);
  generate_orders(10, day_ + 3600 * 1000);
  ASSERT_TRUE(repos_->reports.fold().ok());
  expect_everything(repos_->reports);

  // More of everything, and a call that ended a little before the newest folded one (its
  // write was acknowledged late): all of it is folded by the next fold, once.
  std::int64_t watermark = max_ended_;
  generate_calls("b-", 120, day_ + 12LL * 3600 * 1000, 10LL * 3600 * 1000);
  generate_calls("late-", 1, watermark - 25 * 60 * 1000, 1);
  generate_states(day_ + 7LL * 3600 * 1000, 6LL * 3600 * 1000);
  generate_orders(10, day_ + 14LL * 3600 * 1000);
  auto again = repos_->reports.fold();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->calls, 121);
  expect_everything(repos_->reports);

  // A fresh repository (as after a restart) finds nothing new: the watermarks are durable.
  ReportRepository restarted(*db_);
  auto none = restarted.fold();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->calls, 0);
  EXPECT_EQ(none->agent_states, 0);
  EXPECT_EQ(none->work_order_rows, 0);
  expect_everything(restarted);
}

TEST(ReportBuckets, FifteenMinutesAndLocalDays) {
  EXPECT_EQ(bucket_15m(1'795'000'000'000), 1'795'000'000'000 - (1'795'000'000'000 % k15));
  // 16:00Z is midnight in Shanghai: 1'795'449'600'000 is such an instant.
  std::int64_t local_midnight = 1'795'449'600'000;
  EXPECT_EQ(local_day_start(local_midnight + 5, 480), local_midnight);
  EXPECT_EQ(local_day_start(local_midnight - 1, 480), local_midnight - 24 * 3600'000LL);
  EXPECT_EQ(visit_outcome("reopen", "客户满意"), VisitOutcome::kUnsatisfied);
  EXPECT_EQ(visit_outcome("close", "无法联系客户"), VisitOutcome::kUnreachable);
  EXPECT_EQ(visit_outcome("close", "满意"), VisitOutcome::kSatisfied);
}

SY_STORE_TEST_BOTH_BACKENDS(ReportRepoTest);

}  // namespace
}  // namespace sy::store::testing
