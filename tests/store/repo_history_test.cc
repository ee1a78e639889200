// Contact history and the audit log.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class HistoryRepoTest : public RepoTest {};

TEST_P(HistoryRepoTest, ContactsNewestFirstWithPaging) {
  seed_regions();
  CustomerFile f = make_customer("客户", "350102-01", "13800000001", "A1");
  for (int i = 0; i < 5; ++i) {
    Contact k;
    k.customer_id = f.customer.id;
    k.channel = i % 2 ? "sms" : "voice";
    k.phone = "+86 138 0000 0001";
    k.category = "inquiry";
    k.summary = "第" + std::to_string(i) + "次";
    k.started_at = clock_.now() + std::chrono::minutes(i);
    k.ended_at = k.started_at + std::chrono::seconds(90);
    auto created = repos_->contacts.create(k);
    SY_ASSERT_OK(created);
    EXPECT_GT(created->id, 0);
    EXPECT_EQ(created->phone, "13800000001");
  }
  auto page = repos_->contacts.list_by_customer(f.customer.id, {1, 2});
  SY_ASSERT_OK(page);
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].summary, "第4次");
  EXPECT_EQ(page->items[0].channel, "voice");
  EXPECT_EQ(page->items[0].ended_at, page->items[0].started_at + std::chrono::seconds(90));
  EXPECT_EQ(repos_->contacts.list_by_customer(f.customer.id + 1, {})->total, 0);

  Contact bad;
  bad.channel = "fax";
  SY_EXPECT_CODE(repos_->contacts.create(bad), "invalid_channel");
  bad.channel = "voice";
  bad.customer_id = f.customer.id + 100;
  SY_EXPECT_CODE(repos_->contacts.create(bad), "customer_not_found");
  bad.customer_id.reset();
  bad.agent_user_id = 77;
  SY_EXPECT_CODE(repos_->contacts.create(bad), "user_not_found");
  bad.agent_user_id.reset();
  bad.phone = "anonymous";
  EXPECT_EQ(repos_->contacts.create(bad)->phone, "anonymous");  // kept when not a number
}

TEST_P(HistoryRepoTest, AuditAppendAndFilter) {
  SY_ASSERT_OK(repos_->audit.append(1, "user.create", "user:2", R"({"role":"agent"})"));
  clock_.advance(std::chrono::minutes(1));
  SY_ASSERT_OK(repos_->audit.append(1, "user.update", "user:2", "{}"));
  clock_.advance(std::chrono::minutes(1));
  SY_ASSERT_OK(repos_->audit.append(std::nullopt, "customer.delete", "customer:9", "{}"));
  Status in_write = db_->write([&](Connection& conn) {
    return AuditRepository::append_in(conn, clock_.now(), 3, "region.create", "region:350100",
                                      "{}");
  });
  SY_ASSERT_OK(in_write);
  SY_EXPECT_CODE(repos_->audit.append(1, "", "", ""), "invalid_action");

  auto all = repos_->audit.list({}, {});
  SY_ASSERT_OK(all);
  EXPECT_EQ(all->total, 4);
  EXPECT_EQ(all->items[0].action, "region.create");
  AuditFilter users;
  users.action = "user.";
  auto u = repos_->audit.list(users, {});
  EXPECT_EQ(u->total, 2);
  EXPECT_EQ(u->items[1].detail, R"({"role":"agent"})");
  AuditFilter by_user;
  by_user.user_id = 1;
  by_user.from = clock_.now() - std::chrono::seconds(90);
  EXPECT_EQ(repos_->audit.list(by_user, {})->total, 1);
  AuditFilter target;
  target.target = "customer:9";
  EXPECT_FALSE(repos_->audit.list(target, {})->items[0].user_id.has_value());
}

SY_STORE_TEST_BOTH_BACKENDS(HistoryRepoTest);

}  // namespace
}  // namespace sy::store::testing
