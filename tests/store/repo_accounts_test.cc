// Bills and payments: a payment lowers the arrears and pays the oldest bills first.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class AccountRepoTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
    file_ = make_customer("付款人", "350102-01", "13800000001", "A1");
    account_id_ = file_.accounts.at(0).id;
  }
  Bill bill(const std::string& period, std::int64_t amount_fen) {
    auto b = repos_->accounts.add_bill(
        account_id_, {period, 100, amount_fen, period + "-25", clock_.now(), true});
    EXPECT_TRUE(b.ok()) << b.error().code;
    return b.ok() ? *b : Bill{};
  }
  CustomerFile file_;
  std::int64_t account_id_ = 0;
};

TEST_P(AccountRepoTest, BillsListedNewestFirstWithPaging) {
  for (int m = 1; m <= 9; ++m) bill("2026-0" + std::to_string(m), 1000 * m);
  auto page1 = repos_->accounts.list_bills(account_id_, {1, 4});
  SY_ASSERT_OK(page1);
  EXPECT_EQ(page1->total, 9);
  ASSERT_EQ(page1->items.size(), 4u);
  EXPECT_EQ(page1->items[0].period, "2026-09");
  EXPECT_EQ(page1->items[3].period, "2026-06");
  EXPECT_EQ(repos_->accounts.list_bills(account_id_, {3, 4})->items[0].period, "2026-01");
  // Each unpaid bill raised the arrears.
  EXPECT_EQ(repos_->customers.get_account(account_id_)->arrears_fen, 45000);
  SY_EXPECT_CODE(repos_->accounts.list_bills(account_id_ + 50, {}), "account_not_found");
}

TEST_P(AccountRepoTest, AddBillRejectsBadInput) {
  bill("2026-10", 100);
  SY_EXPECT_CODE(
      repos_->accounts.add_bill(account_id_, {"2026-10", 1, 1, "2026-11-01", clock_.now(), true}),
      "bill_period_taken");
  SY_EXPECT_CODE(
      repos_->accounts.add_bill(account_id_, {"2026-13", 1, 1, "2026-11-01", clock_.now(), true}),
      "invalid_period");
  SY_EXPECT_CODE(
      repos_->accounts.add_bill(account_id_, {"2026-11", 1, 1, "2026/11/01", clock_.now(), true}),
      "invalid_due_date");
  SY_EXPECT_CODE(
      repos_->accounts.add_bill(account_id_, {"2026-11", 1, -5, "2026-11-01", clock_.now(), true}),
      "invalid_amount");
}

TEST_P(AccountRepoTest, PaymentPaysOldestBillsFirstAndLowersArrears) {
  bill("2026-08", 3000);
  bill("2026-09", 4000);
  bill("2026-10", 5000);  // arrears now 12000
  clock_.advance(std::chrono::hours(2));
  auto applied = repos_->accounts.record_payment(account_id_, {5000, "wechat", "wx-001"});
  SY_ASSERT_OK(applied);
  EXPECT_EQ(applied->account.arrears_fen, 7000);
  EXPECT_EQ(applied->account.balance_fen, 0);
  ASSERT_EQ(applied->bills_touched.size(), 2u);
  EXPECT_EQ(applied->bills_touched[0].period, "2026-08");
  EXPECT_EQ(applied->bills_touched[0].status, "paid");
  EXPECT_EQ(applied->bills_touched[1].period, "2026-09");
  EXPECT_EQ(applied->bills_touched[1].status, "partial");
  EXPECT_EQ(applied->bills_touched[1].paid_fen, 2000);
  EXPECT_EQ(applied->payment.paid_at, clock_.now());

  auto stored = repos_->accounts.list_bills(account_id_, {});
  ASSERT_EQ(stored->items.size(), 3u);
  EXPECT_EQ(stored->items[0].status, "unpaid");   // 2026-10
  EXPECT_EQ(stored->items[1].status, "partial");  // 2026-09
  EXPECT_EQ(stored->items[2].status, "paid");     // 2026-08
  EXPECT_EQ(repos_->customers.get_account(account_id_)->arrears_fen, 7000);

  // Paying more than is owed settles everything and puts the rest on the balance.
  auto rest = repos_->accounts.record_payment(account_id_, {10000, "counter", ""});
  SY_ASSERT_OK(rest);
  EXPECT_EQ(rest->account.arrears_fen, 0);
  EXPECT_EQ(rest->account.balance_fen, 3000);
  CustomerFilter arrears;
  arrears.has_arrears = true;
  EXPECT_EQ(repos_->customers.search(arrears, {})->total, 0);

  auto payments = repos_->accounts.list_payments(account_id_, {});
  SY_ASSERT_OK(payments);
  EXPECT_EQ(payments->total, 2);
  EXPECT_EQ(payments->items[0].amount_fen, 10000);  // newest first
  EXPECT_EQ(payments->items[1].reference, "wx-001");
}

TEST_P(AccountRepoTest, PaymentRejectsBadInputAndClosedAccounts) {
  SY_EXPECT_CODE(repos_->accounts.record_payment(account_id_, {0, "counter", ""}),
                 "invalid_amount");
  SY_EXPECT_CODE(repos_->accounts.record_payment(account_id_, {100, "cash", ""}),
                 "invalid_channel");
  SY_EXPECT_CODE(repos_->accounts.record_payment(account_id_ + 9, {100, "counter", ""}),
                 "account_not_found");
  AccountUpdate close;
  close.status = "closed";
  SY_ASSERT_OK(repos_->customers.update_account(account_id_, close));
  SY_EXPECT_CODE(repos_->accounts.record_payment(account_id_, {100, "counter", ""}),
                 "account_closed");
  EXPECT_EQ(repos_->accounts.list_payments(account_id_, {})->total, 0);
}

SY_STORE_TEST_BOTH_BACKENDS(AccountRepoTest);

}  // namespace
}  // namespace sy::store::testing
