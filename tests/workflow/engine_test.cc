// The work-order rules driven by a manual clock: the transition table, State Grid deadlines by
// service area, the 80 % warning, escalation up the region tree, working days and holidays,
// the arrears and outage-merge rules, multi-step orders and return visits.
#include <gtest/gtest.h>

#include "workflow/engine.h"

namespace sy::workflow {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint at(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(parse_rfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

const OrderType& type(const std::string& code) {
  for (const OrderType& t : shipped_order_types())
    if (t.code == code) return t;
  throw std::runtime_error("no shipped type " + code);
}

NewOrderFacts rural() {
  NewOrderFacts f;
  f.area_class = "rural";
  return f;
}
NewOrderFacts with_subtype(std::string subtype) {
  NewOrderFacts f;
  f.subtype = std::move(subtype);
  return f;
}

class EngineTest : public ::testing::Test {
 protected:
  // Monday 2026-11-23 10:00 in Fuzhou.
  ManualClock clock{at("2026-11-23T10:00:00+08:00")};
  BusinessCalendar cal;

  OrderProgress create(const std::string& code, NewOrderFacts f = {}) {
    if (f.region_code.empty()) f.region_code = "350102-01";
    if (f.description.empty()) f.description = "整栋楼停电";
    f.has_customer = true;
    auto plan = plan_new_order(type(code), f, cal, clock.now());
    EXPECT_TRUE(plan.ok()) << plan.error().code << ": " << plan.error().message;
    return plan->progress;
  }
  OrderProgress act(const std::string& code, const OrderProgress& p, Action a,
                    const std::string& area_class = "urban") {
    auto r = apply_action(type(code), p, a, area_class, cal, clock.now());
    EXPECT_TRUE(r.ok()) << to_string(a) << " from " << to_string(p.state) << ": "
                        << r.error().code;
    return r.ok() ? r->progress : p;
  }
};

TEST(Transitions, TableCoversTheClosedLoopAndRefusesTheRest) {
  EXPECT_EQ(*next_state(OrderState::kNew, Action::kDispatch), OrderState::kDispatched);
  EXPECT_EQ(*next_state(OrderState::kDispatched, Action::kAccept), OrderState::kAccepted);
  EXPECT_EQ(*next_state(OrderState::kAccepted, Action::kStart), OrderState::kInProgress);
  EXPECT_EQ(*next_state(OrderState::kInProgress, Action::kResolve), OrderState::kResolved);
  EXPECT_EQ(*next_state(OrderState::kResolved, Action::kVisit), OrderState::kReturnVisit);
  EXPECT_EQ(*next_state(OrderState::kReturnVisit, Action::kClose), OrderState::kClosed);
  EXPECT_EQ(*next_state(OrderState::kReturnVisit, Action::kReopen), OrderState::kReopened);
  EXPECT_EQ(*next_state(OrderState::kDispatched, Action::kReturn), OrderState::kReturned);
  EXPECT_EQ(*next_state(OrderState::kAccepted, Action::kUrge), OrderState::kAccepted);

  auto bad = next_state(OrderState::kClosed, Action::kAccept);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(bad.error().code, "invalid_transition");
  EXPECT_EQ(bad.error().message, "cannot accept an order that is closed");
  // Nothing leaves merged except closing with the parent; nobody urges a closed order.
  for (Action a : all_actions()) {
    if (a != Action::kClose) {
      EXPECT_FALSE(next_state(OrderState::kMerged, a).ok());
    }
  }
  EXPECT_FALSE(next_state(OrderState::kClosed, Action::kUrge).ok());
}

TEST(Transitions, NamesRoundTrip) {
  for (OrderState s : all_states()) EXPECT_EQ(parse_state(to_string(s)), s);
  for (Action a : all_actions()) EXPECT_EQ(parse_action(to_string(a)), a);
  EXPECT_FALSE(parse_state("done"));
  EXPECT_FALSE(parse_action("finish"));
  EXPECT_EQ(all_states().size(), 11u);
}

TEST_F(EngineTest, RepairArrivalDeadlineFollowsTheServiceArea) {
  NewOrderFacts f;
  f.area_class = "urban";
  EXPECT_EQ(*create("repair", f).step_due_at, clock.now() + minutes(45));
  f.area_class = "rural";
  EXPECT_EQ(*create("repair", f).step_due_at, clock.now() + minutes(90));
  f.area_class = "remote";
  EXPECT_EQ(*create("repair", f).step_due_at, clock.now() + minutes(120));
}

TEST_F(EngineTest, RepairWarnsAt80PercentAndEscalatesOnBreach) {
  OrderProgress p = act("repair", create("repair"), Action::kDispatch);
  EXPECT_EQ(p.department, "repair_crew");
  EXPECT_EQ(p.responsible_region, "350102");
  EXPECT_EQ(next_check_at(p), clock.now() + minutes(36));

  clock.advance(minutes(35));
  EXPECT_TRUE(check_deadlines(p, clock.now()).events.empty());
  clock.advance(minutes(1));  // 36 of 45 minutes: 80 %
  DeadlineCheck warn = check_deadlines(p, clock.now());
  ASSERT_EQ(warn.events.size(), 1u);
  EXPECT_EQ(warn.events[0].kind, DeadlineEventKind::kWarning);
  EXPECT_FALSE(warn.escalated);
  EXPECT_EQ(warn.next_check_at, *p.step_due_at);
  p = warn.progress;
  EXPECT_TRUE(check_deadlines(p, clock.now()).events.empty());  // warned once only

  clock.advance(minutes(9));  // 45 minutes: breached
  DeadlineCheck breach = check_deadlines(p, clock.now());
  ASSERT_EQ(breach.events.size(), 1u);
  EXPECT_EQ(breach.events[0].kind, DeadlineEventKind::kBreach);
  EXPECT_TRUE(breach.escalated);
  p = breach.progress;
  EXPECT_EQ(p.state, OrderState::kEscalated);
  EXPECT_EQ(p.responsible_region, "350100");  // county → city
  EXPECT_EQ(p.escalation_level, 1);
  EXPECT_TRUE(p.overdue);
  EXPECT_EQ(*p.step_due_at, clock.now() + minutes(45));  // the city gets the same allowance

  clock.advance(minutes(45));  // the city misses it too → province
  p = check_deadlines(p, clock.now()).progress;
  EXPECT_EQ(p.responsible_region, "350000");
  EXPECT_EQ(p.escalation_level, 2);
}

TEST_F(EngineTest, RepairRestoreDeadlineCountsFromArrival) {
  OrderProgress p = act("repair", create("repair", rural()), Action::kDispatch,
                        "rural");
  p = act("repair", p, Action::kAccept, "rural");
  clock.advance(minutes(70));
  p = act("repair", p, Action::kStart, "rural");  // on site after 70 of 90 minutes
  EXPECT_EQ(p.arrived_at, clock.now());
  EXPECT_EQ(*p.step_due_at, clock.now() + hours(4));  // rural: restored within 4 h of arrival
  clock.advance(hours(3));
  p = act("repair", p, Action::kResolve, "rural");
  EXPECT_EQ(p.state, OrderState::kResolved);
  EXPECT_FALSE(p.overdue);
  EXPECT_FALSE(next_check_at(p));  // nothing runs once resolved
  EXPECT_TRUE(check_deadlines(p, clock.now() + hours(100)).events.empty());
}

TEST_F(EngineTest, UrbanRestoreIsThreeHours) {
  OrderProgress p = act("repair", create("repair"), Action::kDispatch);
  p = act("repair", act("repair", p, Action::kAccept), Action::kStart);
  EXPECT_EQ(*p.step_due_at, clock.now() + hours(3));
}

TEST_F(EngineTest, ComplaintContactWithinOneWorkingDayAcrossTheWeekend) {
  clock.set(at("2026-11-27T16:00:00+08:00"));  // Friday afternoon
  OrderProgress p = create("complaint");
  EXPECT_EQ(*p.step_due_at, at("2026-11-30T16:00:00+08:00"));  // Monday
  EXPECT_EQ(*p.due_at, at("2026-12-08T16:00:00+08:00"));       // 7 working days
  // 80 % of the contact window (72 h) is Monday 01:36 local.
  EXPECT_EQ(next_check_at(p), at("2026-11-30T01:36:00+08:00"));
  clock.set(at("2026-11-29T12:00:00+08:00"));  // Sunday: nothing yet
  EXPECT_TRUE(check_deadlines(p, clock.now()).events.empty());
  clock.set(at("2026-11-30T01:36:00+08:00"));
  EXPECT_EQ(check_deadlines(p, clock.now()).events.size(), 1u);
}

TEST_F(EngineTest, ComplaintDeadlinesRespectHolidays) {
  for (const char* d : {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"})
    ASSERT_TRUE(cal.add_holiday(d).ok());
  ASSERT_TRUE(cal.add_make_up_workday("2026-10-10").ok());
  clock.set(at("2026-09-30T11:00:00+08:00"));
  OrderProgress p = act("complaint", create("complaint"), Action::kDispatch);
  EXPECT_EQ(*p.step_due_at, at("2026-10-08T11:00:00+08:00"));
  p = act("complaint", act("complaint", p, Action::kAccept), Action::kStart);
  // Reply: 7 working days from the step start: 10-08, 09, 10 (make-up), 12, 13, 14, 15.
  EXPECT_EQ(*p.step_due_at, at("2026-10-15T11:00:00+08:00"));
  clock.set(at("2026-10-04T11:00:00+08:00"));  // in the holiday, far from 80 %
  EXPECT_TRUE(check_deadlines(p, clock.now()).events.empty());
}

TEST_F(EngineTest, ComplaintOverallBreachEscalatesOnce) {
  OrderProgress p = act("complaint", create("complaint"), Action::kDispatch);
  p = act("complaint", act("complaint", p, Action::kAccept), Action::kStart);
  clock.set(*p.due_at);
  DeadlineCheck c = check_deadlines(p, clock.now());
  EXPECT_TRUE(c.escalated);
  bool overall_breach = false;
  for (const auto& e : c.events)
    if (e.overall && e.kind == DeadlineEventKind::kBreach) overall_breach = true;
  EXPECT_TRUE(overall_breach);
  EXPECT_EQ(c.progress.state, OrderState::kEscalated);
  // The escalated level can still finish the work.
  p = act("complaint", c.progress, Action::kResolve);
  EXPECT_EQ(p.state, OrderState::kResolved);
  EXPECT_TRUE(p.overdue);
}

TEST_F(EngineTest, ReturnVisitComesBeforeCloseAndUnsatisfiedReopens) {
  OrderProgress p = act("complaint", create("complaint"), Action::kDispatch);
  p = act("complaint", act("complaint", p, Action::kAccept), Action::kStart);
  p = act("complaint", p, Action::kResolve);
  auto early = apply_action(type("complaint"), p, Action::kClose, "urban", cal, clock.now());
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "return_visit_required");
  p = act("complaint", p, Action::kVisit);
  EXPECT_EQ(p.state, OrderState::kReturnVisit);
  clock.advance(hours(30));
  p = act("complaint", p, Action::kReopen);  // unsatisfied
  EXPECT_EQ(p.state, OrderState::kReopened);
  EXPECT_FALSE(p.resolved_at);
  EXPECT_EQ(*p.step_due_at, cal.deadline(clock.now(), {1, DeadlineUnit::kWorkingDays}));
  p = act("complaint", p, Action::kDispatch);
  p = act("complaint", act("complaint", p, Action::kAccept), Action::kStart);
  p = act("complaint", act("complaint", p, Action::kResolve), Action::kVisit);
  p = act("complaint", p, Action::kClose);
  EXPECT_EQ(p.state, OrderState::kClosed);
  EXPECT_EQ(p.closed_at, clock.now());
}

TEST_F(EngineTest, TypesWithoutReturnVisitCloseAfterResolving) {
  OrderProgress p = create("inquiry");
  p = act("inquiry", p, Action::kResolve);  // answered on the call
  auto visit = apply_action(type("inquiry"), p, Action::kVisit, "urban", cal, clock.now());
  ASSERT_FALSE(visit.ok());
  EXPECT_EQ(visit.error().code, "no_return_visit");
  EXPECT_EQ(act("inquiry", p, Action::kClose).state, OrderState::kClosed);
  auto repair_now = apply_action(type("repair"), create("repair"), Action::kResolve, "urban",
                                 cal, clock.now());
  ASSERT_FALSE(repair_now.ok());
  EXPECT_EQ(repair_now.error().code, "dispatch_required");
}

TEST_F(EngineTest, ReturnedThenRedispatchedAndUrged) {
  OrderProgress p = act("report", create("report"), Action::kDispatch);
  p = act("report", p, Action::kReturn);
  EXPECT_EQ(p.state, OrderState::kReturned);
  p = act("report", p, Action::kUrge);
  p = act("report", p, Action::kUrge);
  EXPECT_EQ(p.urge_count, 2);
  EXPECT_EQ(p.state, OrderState::kReturned);
  EXPECT_EQ(act("report", p, Action::kDispatch).state, OrderState::kDispatched);
}

TEST_F(EngineTest, NewInstallationWalksEveryStep) {
  const OrderType& t = type("new_installation");
  ASSERT_EQ(t.steps.size(), 8u);
  OrderProgress p = create("new_installation", with_subtype("residential"));
  std::vector<std::string> takers;
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    EXPECT_EQ(p.step, static_cast<int>(i));
    takers.push_back(p.department);
    // The first step is dispatched by hand; each later one goes to its taker by itself.
    if (i == 0) p = act("new_installation", p, Action::kDispatch);
    EXPECT_EQ(p.state, OrderState::kDispatched);
    p = act("new_installation", act("new_installation", p, Action::kAccept), Action::kStart);
    clock.advance(hours(20));
    auto r = apply_action(t, p, Action::kResolve, "urban", cal, clock.now());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->step_advanced, i + 1 < t.steps.size());
    p = r->progress;
  }
  EXPECT_EQ(p.state, OrderState::kResolved);
  EXPECT_EQ(takers.front(), "marketing");
  EXPECT_EQ(takers[4], "construction");
  EXPECT_EQ(takers.back(), "metering");
  p = act("new_installation", act("new_installation", p, Action::kVisit), Action::kClose);
  EXPECT_EQ(p.state, OrderState::kClosed);
}

TEST_F(EngineTest, BusinessChangeRefusedWithArrearsNamingTheAmount) {
  NewOrderFacts f;
  f.has_customer = true;
  f.subtype = "capacity_increase";
  f.account_no = "0591000123";
  f.account_arrears_fen = 12345;
  f.region_code = "350102-01";
  auto refused = plan_new_order(type("business_change"), f, cal, clock.now());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(refused.error().code, "arrears_outstanding");
  EXPECT_NE(refused.error().message.find("123.45"), std::string::npos);
  EXPECT_NE(refused.error().message.find("12345 fen"), std::string::npos);
  EXPECT_NE(refused.error().message.find("0591000123"), std::string::npos);
  f.account_arrears_fen = 0;  // settled
  auto accepted = plan_new_order(type("business_change"), f, cal, clock.now());
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->progress.state, OrderState::kNew);
}

TEST_F(EngineTest, RequiredFieldsAndSubtypes) {
  NewOrderFacts f;
  f.region_code = "350102-01";
  f.has_customer = true;
  f.subtype = "name_transfer";
  auto no_account = plan_new_order(type("business_change"), f, cal, clock.now());
  ASSERT_FALSE(no_account.ok());
  EXPECT_EQ(no_account.error().code, "missing_field");
  EXPECT_EQ(no_account.error().field, "account_no");
  f.account_no = "1";
  f.subtype = "teleport";
  auto bad = plan_new_order(type("business_change"), f, cal, clock.now());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_subtype");
  EXPECT_NE(bad.error().message.find("name_transfer"), std::string::npos);
  NewOrderFacts repair;
  repair.region_code = "350102-01";
  auto no_description = plan_new_order(type("repair"), repair, cal, clock.now());
  ASSERT_FALSE(no_description.ok());
  EXPECT_EQ(no_description.error().field, "description");
}

TEST_F(EngineTest, RepairDuplicateInAnOutageAreaIsMerged) {
  NewOrderFacts f;
  f.description = "停电了";
  f.region_code = "350102-01";
  f.active_outage_id = 7;
  auto first = plan_new_order(type("repair"), f, cal, clock.now());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->progress.state, OrderState::kNew);  // the first report becomes the parent
  EXPECT_EQ(first->outage_id, 7);
  EXPECT_FALSE(first->parent_id);

  f.outage_parent_order_id = 41;
  auto dup = plan_new_order(type("repair"), f, cal, clock.now());
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->progress.state, OrderState::kMerged);
  EXPECT_EQ(dup->parent_id, 41);
  EXPECT_FALSE(next_check_at(dup->progress));  // no crew, no deadline
  // Complaints in the same area are not merged.
  f.has_customer = true;
  auto complaint = plan_new_order(type("complaint"), f, cal, clock.now());
  ASSERT_TRUE(complaint.ok());
  EXPECT_EQ(complaint->progress.state, OrderState::kNew);
}

TEST_F(EngineTest, RegionTreeParents) {
  EXPECT_EQ(parent_region_code("350102-01"), "350102");
  EXPECT_EQ(parent_region_code("350102"), "350100");
  EXPECT_EQ(parent_region_code("350100"), "350000");
  EXPECT_EQ(parent_region_code("350000"), "350000");
}

TEST_F(EngineTest, OutageNoticeLeadTimes) {
  const OrderType& t = type("outage_notice");
  TimePoint now = clock.now();
  EXPECT_TRUE(check_notice_lead(t, "planned", now + hours(24 * 8), now).ok());
  auto late = check_notice_lead(t, "planned", now + hours(24 * 6), now);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "notice_too_late");
  EXPECT_TRUE(check_notice_lead(t, "temporary", now + hours(25), now).ok());
  EXPECT_FALSE(check_notice_lead(t, "temporary", now + hours(23), now).ok());
}

}  // namespace
}  // namespace sy::workflow
