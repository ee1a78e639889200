// Work orders in the store, on SQLite and PostgreSQL: numbering, the workflow rules applied on
// create (arrears, outage merge), transitions with their audit rows, search and region scoping,
// the deadline checker's sweep, the screen pop's open orders, and admin-edited types.
#include <regex>

#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

using std::chrono::minutes;
using workflow::Action;
using workflow::OrderState;

class WorkOrderRepoTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
    alice_ = make_customer("林小红", "350102-01", "13800000001", "0591000001");
    bob_ = make_customer("陈大明", "350203-01", "13900000002", "0592000002", 12345);
  }
  Result<WorkOrder> create(const std::string& type, const CustomerFile& who,
                           const std::string& subtype = "") {
    NewWorkOrder o;
    o.type_code = type;
    o.subtype = subtype;
    o.customer_id = who.customer.id;
    o.account_no = who.accounts.front().account_no;
    o.description = "家里没电了";
    o.phone = who.phones.front().phone;
    o.call_id = "call-1";
    return repos_->work_orders.create(o);
  }
  Result<WorkOrderDetail> act(std::int64_t id, Action a, std::string note = "") {
    TransitionRequest r;
    r.action = a;
    r.note = std::move(note);
    return repos_->work_orders.transition(id, r);
  }
  CustomerFile alice_, bob_;
};

TEST_P(WorkOrderRepoTest, CreateNumbersOrdersPerDayAndAuditsTheCreation) {
  auto first = create("repair", alice_);
  SY_ASSERT_OK(first);
  EXPECT_EQ(first->number, "GD20261118000001");
  EXPECT_EQ(first->progress.state, OrderState::kNew);
  EXPECT_EQ(first->region_code, "350102-01");
  EXPECT_EQ(first->account_no, "0591000001");
  EXPECT_EQ(first->customer_name, "林小红");
  EXPECT_EQ(first->progress.department, "repair_crew");
  EXPECT_EQ(first->progress.responsible_region, "350102");
  EXPECT_EQ(first->progress.step_due_at, clock_.now() + minutes(45));
  auto second = create("complaint", alice_);
  SY_ASSERT_OK(second);
  EXPECT_EQ(second->number, "GD20261118000002");
  clock_.advance(std::chrono::hours(24));
  auto next_day = create("inquiry", alice_);
  SY_ASSERT_OK(next_day);
  EXPECT_EQ(next_day->number, "GD20261119000001");

  auto detail = repos_->work_orders.get(first->id, RegionScope::all());
  SY_ASSERT_OK(detail);
  ASSERT_EQ(detail->transitions.size(), 1u);
  EXPECT_EQ(detail->transitions[0].action, "create");
  EXPECT_FALSE(detail->transitions[0].from_state);
  EXPECT_EQ(detail->transitions[0].to_state, "new");
}

TEST_P(WorkOrderRepoTest, BadReferencesAreNamedAndNothingIsWritten) {
  NewWorkOrder o;
  o.type_code = "teleport";
  o.region_code = "350102-01";
  o.description = "x";
  SY_EXPECT_CODE(repos_->work_orders.create(o), "work_order_type_not_found");
  o.type_code = "repair";
  o.customer_id = 987654;
  SY_EXPECT_CODE(repos_->work_orders.create(o), "customer_not_found");
  o.customer_id = alice_.customer.id;
  o.account_no = "0592000002";
  SY_EXPECT_CODE(repos_->work_orders.create(o), "account_not_of_customer");
  o.account_no.reset();
  o.region_code = "359999";
  SY_EXPECT_CODE(repos_->work_orders.create(o), "region_not_found");
  o.region_code = "350102-01";
  o.scope = RegionScope("350203");
  SY_EXPECT_CODE(repos_->work_orders.create(o), "region_out_of_scope");
  o.scope = RegionScope::all();
  o.phone = "12";
  SY_EXPECT_CODE(repos_->work_orders.create(o), "invalid_phone");
  EXPECT_EQ(repos_->work_orders.search({}, {})->total, 0);
}

TEST_P(WorkOrderRepoTest, BusinessChangeWithArrearsIsRefusedUntilSettled) {
  auto refused = create("business_change", bob_, "capacity_increase");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(refused.error().code, "arrears_outstanding");
  EXPECT_NE(refused.error().message.find("123.45"), std::string::npos);
  EXPECT_EQ(repos_->work_orders.search({}, {})->total, 0);

  NewPayment pay;
  pay.amount_fen = 12345;
  SY_ASSERT_OK(repos_->accounts.record_payment(bob_.accounts.front().id, pay));
  auto accepted = create("business_change", bob_, "capacity_increase");
  SY_ASSERT_OK(accepted);
  EXPECT_EQ(accepted->subtype, "capacity_increase");
}

TEST_P(WorkOrderRepoTest, RepairDuplicatesInAnOutageAreaMergeAndCloseWithTheParent) {
  NewOutage outage;
  outage.kind = OutageKind::kUnplanned;
  outage.status = OutageStatus::kActive;
  outage.starts_at = clock_.now() - minutes(5);
  outage.region_codes = {"350102"};
  auto out = repos_->outages.create(outage);
  SY_ASSERT_OK(out);
  auto parent = create("repair", alice_);
  SY_ASSERT_OK(parent);
  EXPECT_EQ(parent->outage_id, out->id);
  EXPECT_EQ(parent->progress.state, OrderState::kNew);
  CustomerFile neighbour = make_customer("王五", "350102-02", "13700000003", "0591000003");
  auto dup = create("repair", neighbour);
  SY_ASSERT_OK(dup);
  EXPECT_EQ(dup->progress.state, OrderState::kMerged);
  EXPECT_EQ(dup->parent_id, parent->id);
  EXPECT_FALSE(dup->next_check_at);
  // Xiamen is outside the outage: a crew is dispatched there as usual.
  auto elsewhere = create("repair", bob_);
  SY_ASSERT_OK(elsewhere);
  EXPECT_EQ(elsewhere->progress.state, OrderState::kNew);

  for (Action a : {Action::kDispatch, Action::kAccept, Action::kStart, Action::kResolve,
                   Action::kVisit, Action::kClose})
    SY_ASSERT_OK(act(parent->id, a));
  auto child = repos_->work_orders.get(dup->id, RegionScope::all());
  SY_ASSERT_OK(child);
  EXPECT_EQ(child->order.progress.state, OrderState::kClosed);
  EXPECT_EQ(child->transitions.back().note, "closed with " + parent->number);
  auto p = repos_->work_orders.get(parent->id, RegionScope::all());
  EXPECT_EQ(p->merged_numbers, std::vector<std::string>{dup->number});
}

TEST_P(WorkOrderRepoTest, TransitionsAreAuditedAndIllegalOnesRefused) {
  auto o = create("complaint", alice_);
  SY_ASSERT_OK(o);
  auto bad = act(o->id, Action::kVisit);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_transition");
  EXPECT_EQ(bad.error().message, "cannot visit an order that is new");
  SY_EXPECT_CODE(act(o->id, Action::kResolve), "dispatch_required");
  NewUser crew_user;
  crew_user.username = "crew1";
  crew_user.role = auth::Role::kBackoffice;
  crew_user.region_code = "350102";
  crew_user.password_hash = "x";
  auto created_crew = repos_->users.create(crew_user);
  SY_ASSERT_OK(created_crew);
  std::int64_t crew = created_crew->id;
  SY_ASSERT_OK(act(o->id, Action::kDispatch, "请尽快联系"));
  TransitionRequest accept;
  accept.action = Action::kAccept;
  accept.actor_user_id = crew;
  auto accepted = repos_->work_orders.transition(o->id, accept);
  SY_ASSERT_OK(accepted);
  EXPECT_EQ(accepted->order.assignee_user_id, crew);
  auto d = act(o->id, Action::kUrge, "客户再次来电");
  SY_ASSERT_OK(d);
  EXPECT_EQ(d->order.progress.urge_count, 1);
  ASSERT_EQ(d->transitions.size(), 4u);
  EXPECT_EQ(d->transitions[1].note, "请尽快联系");
  EXPECT_EQ(d->transitions[2].user_id, crew);
  EXPECT_EQ(*d->transitions[2].from_state, "dispatched");
  EXPECT_EQ(d->transitions[2].to_state, "accepted");
  EXPECT_EQ(d->transitions[3].action, "urge");
  SY_EXPECT_CODE(act(o->id + 100, Action::kUrge), "work_order_not_found");
}

TEST_P(WorkOrderRepoTest, SearchFiltersAndRegionScope) {
  auto a = create("repair", alice_);
  auto b = create("complaint", bob_);
  SY_ASSERT_OK(a);
  SY_ASSERT_OK(b);
  SY_ASSERT_OK(act(a->id, Action::kDispatch));
  auto count = [&](auto set) {
    WorkOrderFilter f;
    set(f);
    return repos_->work_orders.search(f, {})->total;
  };
  EXPECT_EQ(count([](WorkOrderFilter&) {}), 2);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.scope = RegionScope("350102"); }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.scope = RegionScope("350200"); }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.number = a->number; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.phone = "139 0000 0002"; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.account_no = "0591000001"; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.type_code = "complaint"; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.states = {"dispatched"}; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.open = true; }), 2);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.department = "repair_crew"; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.overdue = true; }), 0);
  clock_.advance(minutes(46));  // the repair crew is late
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.overdue = true; }), 1);
  EXPECT_EQ(count([&](WorkOrderFilter& f) { f.from = clock_.now(); }), 0);
  SY_EXPECT_CODE(repos_->work_orders.get(b->id, RegionScope("350102")), "work_order_not_found");
  SY_ASSERT_OK(repos_->work_orders.get(b->id, RegionScope("350203")));
  WorkOrderFilter due_first;
  due_first.due_first = true;
  auto inbox = repos_->work_orders.search(due_first, {});
  EXPECT_EQ(inbox->items.front().id, a->id);  // running late comes first
}

TEST_P(WorkOrderRepoTest, DeadlineSweepWarnsThenEscalates) {
  auto o = create("repair", alice_);
  SY_ASSERT_OK(o);
  SY_ASSERT_OK(act(o->id, Action::kDispatch));
  clock_.advance(minutes(35));
  EXPECT_TRUE(repos_->work_orders.check_deadlines(clock_.now())->empty());
  clock_.advance(minutes(1));
  auto warned = repos_->work_orders.check_deadlines(clock_.now());
  SY_ASSERT_OK(warned);
  ASSERT_EQ(warned->size(), 1u);
  EXPECT_EQ(warned->front().events.front().kind, workflow::DeadlineEventKind::kWarning);
  EXPECT_TRUE(repos_->work_orders.check_deadlines(clock_.now())->empty());
  clock_.advance(minutes(9));
  auto escalated = repos_->work_orders.check_deadlines(clock_.now());
  SY_ASSERT_OK(escalated);
  ASSERT_EQ(escalated->size(), 1u);
  EXPECT_TRUE(escalated->front().escalated);
  EXPECT_EQ(escalated->front().responsible_region, "350100");
  auto d = repos_->work_orders.get(o->id, RegionScope::all());
  EXPECT_EQ(d->order.progress.state, OrderState::kEscalated);
  EXPECT_TRUE(d->order.progress.overdue);
  EXPECT_EQ(d->transitions[d->transitions.size() - 2].action, "warn");
  EXPECT_EQ(d->transitions.back().action, "escalate");
  EXPECT_EQ(d->transitions.back().to_state, "escalated");
}

TEST_P(WorkOrderRepoTest, ScreenPopListsOpenOrders) {
  auto o = create("complaint", alice_);
  SY_ASSERT_OK(o);
  auto pop = repos_->screen_pop.lookup_by_phone("13800000001", RegionScope::all(), clock_.now());
  SY_ASSERT_OK(pop);
  ASSERT_EQ(pop->front().open_work_orders.size(), 1u);
  EXPECT_EQ(pop->front().open_work_orders[0].number, o->number);
  EXPECT_EQ(pop->front().open_work_orders[0].status, "new");
  auto inquiry = create("inquiry", alice_);
  SY_ASSERT_OK(act(inquiry->id, Action::kResolve));
  SY_ASSERT_OK(act(inquiry->id, Action::kClose));
  pop = repos_->screen_pop.lookup_by_phone("13800000001", RegionScope::all(), clock_.now());
  EXPECT_EQ(pop->front().open_work_orders.size(), 1u);  // the closed inquiry is not listed
}

TEST_P(WorkOrderRepoTest, TypesAreShippedEditableAndDisableable) {
  auto types = repos_->work_order_types.list(false);
  SY_ASSERT_OK(types);
  EXPECT_EQ(types->size(), 10u);
  auto repair = repos_->work_order_types.get("repair");
  SY_ASSERT_OK(repair);
  EXPECT_TRUE(repair->shipped);
  workflow::OrderType edited = repair->type;
  edited.steps[0].arrive_within->base.amount = 30;
  auto updated = repos_->work_order_types.update("repair", edited);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->type.steps[0].arrive_within->base.amount, 30);
  auto o = create("repair", alice_);
  SY_ASSERT_OK(o);
  EXPECT_EQ(o->progress.step_due_at, clock_.now() + minutes(30));
  SY_EXPECT_CODE(repos_->work_order_types.create(edited), "work_order_type_exists");
  SY_ASSERT_OK(repos_->work_order_types.disable("repair"));
  SY_EXPECT_CODE(create("repair", alice_), "work_order_type_not_found");
  EXPECT_EQ(repos_->work_order_types.list(false)->size(), 9u);
  EXPECT_EQ(repos_->work_order_types.list(true)->size(), 10u);
  SY_EXPECT_CODE(repos_->work_order_types.update("complaint", edited), "code_mismatch");
}

TEST_P(WorkOrderRepoTest, CalendarHolidaysMoveWorkingDayDeadlines) {
  // 2026-11-18 is a Wednesday; make Thursday a holiday: 1 working day → Friday.
  SY_ASSERT_OK(repos_->work_order_types.set_calendar({"2026-11-19"}, {}));
  auto o = create("complaint", alice_);
  SY_ASSERT_OK(o);
  EXPECT_EQ(o->progress.step_due_at, clock_.now() + std::chrono::hours(48));
  SY_EXPECT_CODE(repos_->work_order_types.set_calendar({"2026-13-01"}, {}), "invalid_date");
}

SY_STORE_TEST_BOTH_BACKENDS(WorkOrderRepoTest);

}  // namespace
}  // namespace sy::store::testing
