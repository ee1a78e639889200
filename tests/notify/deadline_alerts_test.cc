// The server's work-order deadline sweep on SQLite and PostgreSQL with a manual clock: the 80 %
// warning and the breach (escalation one level up the region tree) each happen once, survive a
// restart without repeating, reach the assignee's and the region supervisors' desktops as
// work_order.warning / work_order.overdue, and queue one SMS each to the assignee's mobile in the
// durable outbox (with the assignment and urging ones).
#include "notify/deadline_alerts.h"

#include <nlohmann/json.hpp>

#include "events/hub.h"
#include "store/repo_test_support.h"

namespace sy::notify {
namespace {

using std::chrono::minutes;
using store::testing::RepoTest;
using workflow::Action;

std::vector<nlohmann::json> drain(events::Subscription& s) {
  std::vector<nlohmann::json> out;
  while (auto m = s.pop()) {
    if (!m->text) break;
    auto j = nlohmann::json::parse(*m->text);
    if (j["type"] == "hello") continue;
    out.push_back(std::move(j));
  }
  return out;
}

class DeadlineAlertsTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
    alice_ = make_customer("林小红", "350102-01", "13800000001", "0591000001");
    store::NewUser crew;
    crew.username = "crew1";
    crew.display_name = "抢修一班";
    crew.role = auth::Role::kField;
    crew.region_code = "350102";
    crew.mobile = "+86 139-0000-1234";
    crew.password_hash = "$argon2id$x";
    auto c = repos_->users.create(crew);
    SY_ASSERT_OK(c);
    crew_ = c->id;
    EXPECT_EQ(c->mobile, "13900001234");
    repos_->work_orders.set_sms_enabled(true);
    hub_ = std::make_unique<events::EventHub>(clock_);
    crew_events_ = subscribe(crew_, auth::Role::kField, "");
    city_supervisor_ = subscribe(900, auth::Role::kSupervisor, "3501");
    xiamen_supervisor_ = subscribe(901, auth::Role::kSupervisor, "3502");
  }
  void TearDown() override {
    crew_events_.reset();
    city_supervisor_.reset();
    xiamen_supervisor_.reset();
    hub_.reset();
    RepoTest::TearDown();
  }
  std::shared_ptr<events::Subscription> subscribe(std::int64_t user, auth::Role role,
                                                  std::string prefix) {
    events::EventHub::SubscribeRequest r;
    r.interest = events::interest_for(user, role, std::move(prefix));
    r.wake = [] {};
    return hub_->subscribe(std::move(r));
  }
  // What a restart does: a new database handle and new repositories over the same data.
  void restart() {
    repos_.reset();
    db_.reset();
    db_ = open_db();
    ASSERT_NE(db_, nullptr);
    repos_ = std::make_unique<store::Repositories>(*db_, clock_);
    repos_->work_orders.set_sms_enabled(true);
  }
  std::size_t sweep() {
    auto n = sweep_deadlines(repos_->work_orders, *hub_, clock_.now());
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? *n : 0;
  }
  // A work order of `type` filed for Alice and dispatched to the crew member: `order_`.
  void file_and_dispatch(const std::string& type, const std::string& description,
                         const std::string& account_no = "") {
    store::NewWorkOrder o;
    o.type_code = type;
    o.customer_id = alice_.customer.id;
    if (!account_no.empty()) o.account_no = account_no;
    o.description = description;
    auto order = repos_->work_orders.create(o);
    SY_ASSERT_OK(order);
    order_ = *order;
    store::TransitionRequest dispatch;
    dispatch.action = Action::kDispatch;
    dispatch.assignee_user_id = crew_;
    SY_ASSERT_OK(repos_->work_orders.transition(order_.id, dispatch));
  }
  std::vector<store::SmsMessage> outbox() {
    auto m = repos_->sms_outbox.recent();
    EXPECT_TRUE(m.ok());
    std::vector<store::SmsMessage> oldest_first(m->rbegin(), m->rend());
    return oldest_first;
  }

  store::CustomerFile alice_;
  std::int64_t crew_ = 0;
  store::WorkOrder order_;
  std::unique_ptr<events::EventHub> hub_;
  std::shared_ptr<events::Subscription> crew_events_, city_supervisor_, xiamen_supervisor_;
};

TEST_P(DeadlineAlertsTest, WarningAndOverdueArePushedAndTextedOnceEvenAcrossRestarts) {
  ASSERT_NO_FATAL_FAILURE(file_and_dispatch("repair", "家里没电了，邻居也停电"));
  ASSERT_EQ(outbox().size(), 1u);
  EXPECT_EQ(outbox()[0].kind, "work_order.assigned");
  EXPECT_EQ(outbox()[0].recipient, "13900001234");
  EXPECT_EQ(outbox()[0].message,
            "工单" + order_.number + "（故障报修）已派给您，请及时处理：家里没电了，邻居也停电");
  EXPECT_EQ(outbox()[0].state, "queued");

  // Urban repair: on site within 45 min; 80 % of it is 36 min.
  clock_.advance(minutes(35));
  EXPECT_EQ(sweep(), 0u);
  EXPECT_TRUE(drain(*crew_events_).empty());
  clock_.advance(minutes(1));
  EXPECT_EQ(sweep(), 1u);
  auto crew_seen = drain(*crew_events_);
  ASSERT_EQ(crew_seen.size(), 1u);
  EXPECT_EQ(crew_seen[0]["type"], "work_order.warning");
  EXPECT_EQ(crew_seen[0]["data"]["work_order"]["number"], order_.number);
  EXPECT_EQ(crew_seen[0]["data"]["events"][0]["kind"], "warning");
  EXPECT_EQ(crew_seen[0]["data"]["escalated"], false);
  auto sup_seen = drain(*city_supervisor_);
  ASSERT_EQ(sup_seen.size(), 1u);
  EXPECT_EQ(sup_seen[0]["type"], "work_order.warning");
  EXPECT_TRUE(drain(*xiamen_supervisor_).empty());  // another city's supervisor hears nothing
  ASSERT_EQ(outbox().size(), 2u);
  EXPECT_EQ(outbox()[1].kind, "work_order.warning");
  EXPECT_NE(outbox()[1].message.find("时限将到，请于11月18日"), std::string::npos)
      << outbox()[1].message;

  // Nothing new at the same instant, nor after a restart.
  EXPECT_EQ(sweep(), 0u);
  restart();
  EXPECT_EQ(sweep(), 0u);
  EXPECT_TRUE(drain(*crew_events_).empty());

  clock_.advance(minutes(9));  // 45 min gone: breached
  EXPECT_EQ(sweep(), 1u);
  crew_seen = drain(*crew_events_);
  ASSERT_EQ(crew_seen.size(), 1u);
  EXPECT_EQ(crew_seen[0]["type"], "work_order.overdue");
  EXPECT_EQ(crew_seen[0]["data"]["escalated"], true);
  EXPECT_EQ(crew_seen[0]["data"]["responsible_region"], "350100");
  EXPECT_EQ(crew_seen[0]["data"]["work_order"]["state"], "escalated");
  sup_seen = drain(*city_supervisor_);
  ASSERT_EQ(sup_seen.size(), 1u);
  EXPECT_EQ(sup_seen[0]["type"], "work_order.overdue");
  ASSERT_EQ(outbox().size(), 3u);
  EXPECT_EQ(outbox()[2].kind, "work_order.overdue");
  EXPECT_EQ(outbox()[2].message,
            "工单" + order_.number + "（故障报修）已超时，已升级至福州市督办，请尽快处理。");

  restart();
  EXPECT_EQ(sweep(), 0u);
  clock_.advance(minutes(1));
  EXPECT_EQ(sweep(), 0u);
  EXPECT_TRUE(drain(*crew_events_).empty());
  EXPECT_EQ(outbox().size(), 3u);

  // One audit row per warning and per escalation.
  auto d = repos_->work_orders.get(order_.id, store::RegionScope::all());
  SY_ASSERT_OK(d);
  int warns = 0, escalations = 0;
  for (const auto& t : d->transitions) {
    warns += t.action == "warn";
    escalations += t.action == "escalate";
  }
  EXPECT_EQ(warns, 1);
  EXPECT_EQ(escalations, 1);

  // The city level gets the same 45 min again: its own warning and breach follow (to 350000).
  clock_.advance(minutes(36));
  EXPECT_EQ(sweep(), 1u);
  clock_.advance(minutes(9));
  EXPECT_EQ(sweep(), 1u);
  auto d2 = repos_->work_orders.get(order_.id, store::RegionScope::all());
  EXPECT_EQ(d2->order.progress.responsible_region, "350000");
}

TEST_P(DeadlineAlertsTest, UrgingTextsTheAssigneeAndNobodyWithoutAMobile) {
  ASSERT_NO_FATAL_FAILURE(file_and_dispatch("complaint", "抄表员态度不好", "0591000001"));
  store::TransitionRequest urge;
  urge.action = Action::kUrge;
  urge.note = "客户第三次来电";
  SY_ASSERT_OK(repos_->work_orders.transition(order_.id, urge));
  auto sms = outbox();
  ASSERT_EQ(sms.size(), 2u);
  EXPECT_EQ(sms[1].kind, "work_order.urged");
  EXPECT_EQ(sms[1].message, "工单" + order_.number + "（投诉）被催办，请尽快处理：客户第三次来电");

  // The assignee drops their mobile number: the desktop still hears of it, no SMS is queued.
  store::UserUpdate u;
  u.mobile = std::optional<std::string>{};
  SY_ASSERT_OK(repos_->users.update(crew_, u));
  SY_ASSERT_OK(repos_->work_orders.transition(order_.id, urge));
  EXPECT_EQ(outbox().size(), 2u);

  store::UserUpdate bad;
  bad.mobile = std::optional<std::string>{"0591-8765432"};
  SY_EXPECT_CODE(repos_->users.update(crew_, bad), "invalid_mobile");
}

TEST_P(DeadlineAlertsTest, NoSmsIsQueuedWhileSmsIsOff) {
  repos_->work_orders.set_sms_enabled(false);
  ASSERT_NO_FATAL_FAILURE(file_and_dispatch("repair", "停电"));
  clock_.advance(minutes(50));
  EXPECT_EQ(sweep(), 1u);
  EXPECT_EQ(drain(*crew_events_).size(), 1u);  // warning and breach at once: one overdue push
  EXPECT_TRUE(outbox().empty());
}

SY_STORE_TEST_BOTH_BACKENDS(DeadlineAlertsTest);

}  // namespace
}  // namespace sy::notify
