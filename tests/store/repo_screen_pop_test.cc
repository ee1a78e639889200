// The screen pop: the whole file of every customer behind a number, within the agent's region.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

using std::chrono::hours;

class ScreenPopTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
  }
};

TEST_P(ScreenPopTest, WholeFileByPhone) {
  CustomerFile f = make_customer("林秀英", "350102-01", "138 0013 8000", "0100000001", 12000);
  std::int64_t account_id = f.accounts[0].id;
  for (int m = 1; m <= 8; ++m) {
    std::string period = "2026-0" + std::to_string(m);
    SY_ASSERT_OK(repos_->accounts.add_bill(
        account_id, {period, 100 + m, 1000 * m, period + "-25", clock_.now(), false}));
  }
  for (int i = 0; i < 12; ++i) {
    Contact k;
    k.customer_id = f.customer.id;
    k.phone = "13800138000";
    k.summary = "来电 " + std::to_string(i);
    k.started_at = clock_.now() + std::chrono::minutes(i);
    SY_ASSERT_OK(repos_->contacts.create(k));
  }
  TimePoint now = clock_.now() + hours(1);
  auto pops = repos_->screen_pop.lookup_by_phone("+86 138-0013-8000", {}, now);
  SY_ASSERT_OK(pops);
  ASSERT_EQ(pops->size(), 1u);
  const ScreenPop& pop = pops->front();
  EXPECT_EQ(pop.customer.name, "林秀英");
  EXPECT_EQ(pop.customer.id_number_masked, "350***********1234");
  ASSERT_EQ(pop.phones.size(), 1u);
  ASSERT_EQ(pop.accounts.size(), 1u);
  EXPECT_EQ(pop.accounts[0].account.arrears_fen, 12000);
  ASSERT_EQ(pop.accounts[0].recent_bills.size(), 6u);  // last 6, newest first
  EXPECT_EQ(pop.accounts[0].recent_bills[0].period, "2026-08");
  EXPECT_EQ(pop.accounts[0].recent_bills[5].period, "2026-03");
  ASSERT_EQ(pop.recent_contacts.size(), 10u);  // last 10, newest first
  EXPECT_EQ(pop.recent_contacts[0].summary, "来电 11");
  EXPECT_EQ(pop.recent_contacts[9].summary, "来电 2");
  EXPECT_TRUE(pop.outages.empty());
  EXPECT_TRUE(pop.open_work_orders.empty());
}

TEST_P(ScreenPopTest, SharedNumberReturnsEveryCustomerInScope) {
  CustomerFile a = make_customer("父", "350102-01", "059187654321", "A1");
  CustomerFile b = make_customer("子", "350102-02", "0591-8765-4321", "A2");
  CustomerFile c = make_customer("厦门亲戚", "350203-01", "0591 87654321", "A3");
  auto all = repos_->screen_pop.lookup_by_phone("0591-87654321", {}, clock_.now());
  SY_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].customer.id, a.customer.id);
  EXPECT_EQ((*all)[1].customer.id, b.customer.id);
  EXPECT_EQ((*all)[2].customer.id, c.customer.id);

  auto fuzhou =
      repos_->screen_pop.lookup_by_phone("059187654321", RegionScope("350100"), clock_.now());
  SY_ASSERT_OK(fuzhou);
  ASSERT_EQ(fuzhou->size(), 2u);  // the Xiamen customer stays hidden
  auto area =
      repos_->screen_pop.lookup_by_phone("059187654321", RegionScope("350102-02"), clock_.now());
  ASSERT_EQ(area->size(), 1u);
  EXPECT_EQ(area->front().customer.id, b.customer.id);
  SY_EXPECT_CODE(
      repos_->screen_pop.lookup_by_phone("059187654321", RegionScope("350102-03"), clock_.now()),
      "customer_not_found");
}

TEST_P(ScreenPopTest, UnknownOrBadNumber) {
  make_customer("某", "350102-01", "13800000001", "A1");
  SY_EXPECT_CODE(repos_->screen_pop.lookup_by_phone("13900000000", {}, clock_.now()),
                 "customer_not_found");
  SY_EXPECT_CODE(repos_->screen_pop.lookup_by_phone("abc", {}, clock_.now()), "invalid_phone");
  SY_EXPECT_CODE(repos_->screen_pop.lookup_by_account("NOPE", {}, clock_.now()),
                 "customer_not_found");
  SY_EXPECT_CODE(repos_->screen_pop.lookup_by_account("", {}, clock_.now()), "invalid_account_no");
}

TEST_P(ScreenPopTest, ByAccountNumberWithOutagesOnAncestorAreas) {
  CustomerFile f = make_customer("王", "350102-01", "13800000001", "0100000009");
  NewAccount second;
  second.account_no = "0100000010";
  SY_ASSERT_OK(repos_->customers.add_account(f.customer.id, second));
  TimePoint now = clock_.now();
  auto make = [&](std::vector<std::string> codes, OutageStatus status, TimePoint start,
                  std::optional<TimePoint> end) {
    NewOutage o;
    o.starts_at = start;
    o.ends_at = end;
    o.status = status;
    o.region_codes = std::move(codes);
    auto r = repos_->outages.create(o);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : 0;
  };
  std::int64_t city = make({"350100"}, OutageStatus::kActive, now - hours(1), now + hours(2));
  std::int64_t planned =
      make({"350102-01"}, OutageStatus::kScheduled, now + hours(20), now + hours(24));
  make({"350102-02"}, OutageStatus::kActive, now - hours(1), now + hours(2));  // neighbour
  make({"350200"}, OutageStatus::kActive, now - hours(1), now + hours(2));     // other city
  make({"350000"}, OutageStatus::kActive, now - hours(9), now - hours(1));     // over already

  auto pops = repos_->screen_pop.lookup_by_account(" 0100000009 ", {}, now);
  SY_ASSERT_OK(pops);
  ASSERT_EQ(pops->size(), 1u);
  const ScreenPop& pop = pops->front();
  EXPECT_EQ(pop.customer.id, f.customer.id);
  EXPECT_EQ(pop.accounts.size(), 2u);  // the whole file, not just the account asked for
  ASSERT_EQ(pop.outages.size(), 2u);
  EXPECT_EQ(pop.outages[0].id, city);
  EXPECT_EQ(pop.outages[1].id, planned);
  SY_EXPECT_CODE(repos_->screen_pop.lookup_by_account("0100000009", RegionScope("350200"), now),
                 "customer_not_found");
}

SY_STORE_TEST_BOTH_BACKENDS(ScreenPopTest);

}  // namespace
}  // namespace sy::store::testing
