// Outages: areas, status rules, filters, and which outages concern a given area.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

using std::chrono::hours;

class OutageRepoTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
  }
  Outage add(std::vector<std::string> codes, OutageStatus status, TimePoint start,
             std::optional<TimePoint> end, OutageKind kind = OutageKind::kPlanned) {
    NewOutage o;
    o.kind = kind;
    o.reason = "线路检修";
    o.starts_at = start;
    o.ends_at = end;
    o.status = status;
    o.region_codes = std::move(codes);
    auto created = repos_->outages.create(o);
    EXPECT_TRUE(created.ok()) << created.error().code;
    return created.ok() ? *created : Outage{};
  }
};

TEST_P(OutageRepoTest, CreateGetWithAreas) {
  TimePoint now = clock_.now();
  Outage o =
      add({"350102-02", "350102-01"}, OutageStatus::kScheduled, now + hours(24), now + hours(28));
  auto got = repos_->outages.get(o.id);
  SY_ASSERT_OK(got);
  EXPECT_EQ(got->region_codes, (std::vector<std::string>{"350102-01", "350102-02"}));
  EXPECT_EQ(got->kind, OutageKind::kPlanned);
  EXPECT_EQ(got->status, OutageStatus::kScheduled);
  EXPECT_EQ(got->ends_at, now + hours(28));
  EXPECT_EQ(got->reason, "线路检修");
  SY_EXPECT_CODE(repos_->outages.get(o.id + 5), "outage_not_found");
}

TEST_P(OutageRepoTest, CreateRejectsBadInput) {
  TimePoint now = clock_.now();
  NewOutage o;
  o.starts_at = now;
  SY_EXPECT_CODE(repos_->outages.create(o), "invalid_region_codes");
  o.region_codes = {"350102-01", "359999"};
  auto missing = repos_->outages.create(o);
  SY_EXPECT_CODE(missing, "region_not_found");
  EXPECT_EQ(missing.error().field, "region_codes[1]");
  o.region_codes = {"350102-01"};
  o.ends_at = now - hours(1);
  SY_EXPECT_CODE(repos_->outages.create(o), "invalid_time_range");
  o.ends_at.reset();
  o.status = OutageStatus::kRestored;
  SY_EXPECT_CODE(repos_->outages.create(o), "invalid_status");
  EXPECT_EQ(repos_->outages.list({}, {})->total, 0);  // nothing half-written
}

TEST_P(OutageRepoTest, StatusFollowsTheTransitionRules) {
  TimePoint now = clock_.now();
  Outage o = add({"350102"}, OutageStatus::kScheduled, now, now + hours(4));
  OutageUpdate start;
  start.status = OutageStatus::kActive;
  start.description = "已停电";
  auto active = repos_->outages.update(o.id, start);
  SY_ASSERT_OK(active);
  EXPECT_EQ(active->status, OutageStatus::kActive);
  EXPECT_EQ(active->description, "已停电");

  clock_.advance(hours(3));
  OutageUpdate restore;
  restore.status = OutageStatus::kRestored;
  auto restored = repos_->outages.update(o.id, restore);
  SY_ASSERT_OK(restored);
  EXPECT_EQ(restored->restored_at, clock_.now());

  OutageUpdate back;
  back.status = OutageStatus::kActive;
  SY_EXPECT_CODE(repos_->outages.update(o.id, back), "invalid_transition");
  SY_EXPECT_CODE(repos_->outages.cancel(o.id), "invalid_transition");

  Outage other = add({"350102"}, OutageStatus::kScheduled, now + hours(5), std::nullopt);
  auto cancelled = repos_->outages.cancel(other.id);
  SY_ASSERT_OK(cancelled);
  EXPECT_EQ(cancelled->status, OutageStatus::kCancelled);
  OutageUpdate areas;
  areas.region_codes = std::vector<std::string>{"350203-01"};
  EXPECT_EQ(repos_->outages.update(other.id, areas)->region_codes,
            (std::vector<std::string>{"350203-01"}));
  SY_ASSERT_OK(repos_->outages.remove(other.id));
  SY_EXPECT_CODE(repos_->outages.get(other.id), "outage_not_found");
  SY_EXPECT_CODE(repos_->outages.remove(other.id), "outage_not_found");
}

TEST_P(OutageRepoTest, ListFiltersByStatusKindTimeAndScope) {
  TimePoint now = clock_.now();
  add({"350102-01"}, OutageStatus::kScheduled, now + hours(10), now + hours(12));
  add({"350203-01"}, OutageStatus::kActive, now - hours(1), std::nullopt, OutageKind::kUnplanned);
  add({"350000"}, OutageStatus::kScheduled, now + hours(48), now + hours(50));  // province-wide
  Outage old = add({"350102-02"}, OutageStatus::kActive, now - hours(30), now - hours(20));

  EXPECT_EQ(repos_->outages.list({}, {})->total, 4);
  OutageFilter active;
  active.status = OutageStatus::kActive;
  EXPECT_EQ(repos_->outages.list(active, {})->total, 2);
  OutageFilter unplanned;
  unplanned.kind = OutageKind::kUnplanned;
  EXPECT_EQ(repos_->outages.list(unplanned, {})->total, 1);

  OutageFilter fuzhou;
  fuzhou.scope = "350100";  // its own areas, plus the province-wide one
  auto fz = repos_->outages.list(fuzhou, {});
  EXPECT_EQ(fz->total, 3);
  OutageFilter xiamen;
  xiamen.scope = "350200";
  EXPECT_EQ(repos_->outages.list(xiamen, {})->total, 2);

  OutageFilter window;
  window.from = now;
  window.to = now + hours(24);
  auto in_window = repos_->outages.list(window, {});
  EXPECT_EQ(in_window->total, 2);
  for (const Outage& o : in_window->items) EXPECT_NE(o.id, old.id);
  auto paged = repos_->outages.list({}, {1, 1});
  ASSERT_EQ(paged->items.size(), 1u);
  EXPECT_EQ(paged->items[0].starts_at, now + hours(48));  // newest start first
}

TEST_P(OutageRepoTest, ActiveOrPlannedForAreaMatchesAncestors) {
  TimePoint now = clock_.now();
  Outage county = add({"350102"}, OutageStatus::kActive, now - hours(1), now + hours(3),
                      OutageKind::kUnplanned);
  Outage planned = add({"350102-01"}, OutageStatus::kScheduled, now + hours(24), now + hours(30));
  add({"350102-02"}, OutageStatus::kActive, now - hours(1), now + hours(3));     // sibling area
  add({"350203"}, OutageStatus::kActive, now - hours(1), now + hours(3));        // other city
  add({"350102-01"}, OutageStatus::kScheduled, now - hours(5), now - hours(1));  // ended
  Outage cancelled = add({"350100"}, OutageStatus::kScheduled, now + hours(2), std::nullopt);
  SY_ASSERT_OK(repos_->outages.cancel(cancelled.id));

  auto found = repos_->outages.active_or_planned_for_region("350102-01", now);
  SY_ASSERT_OK(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].id, county.id);  // soonest start first
  EXPECT_EQ((*found)[1].id, planned.id);
  EXPECT_EQ((*found)[0].region_codes, (std::vector<std::string>{"350102"}));
  EXPECT_EQ(repos_->outages.active_or_planned_for_region("350203-01", now)->size(), 1u);
  EXPECT_TRUE(repos_->outages.active_or_planned_for_region("350203-01", now + hours(4))->empty());
}

SY_STORE_TEST_BOTH_BACKENDS(OutageRepoTest);

}  // namespace
}  // namespace sy::store::testing
