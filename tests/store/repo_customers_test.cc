// Customers: the file of one customer, search with paging and filters, and the pure rules on
// customer data (phone normalisation, ID masking).
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

TEST(PhoneNumbers, NormalisedTheSameWayWhateverTheSpelling) {
  for (const char* spelling : {"13800138000", "138-0013-8000", "+86 138 0013 8000",
                               "0086 13800138000", "8613800138000", " 138 0013 8000 "}) {
    auto n = normalize_phone(spelling);
    ASSERT_TRUE(n.ok()) << spelling;
    EXPECT_EQ(*n, "13800138000") << spelling;
  }
  EXPECT_EQ(*normalize_phone("0591-8765 4321"), "059187654321");
  EXPECT_EQ(*normalize_phone("+86 591 8765 4321"), "059187654321");
  EXPECT_EQ(*normalize_phone("(0591) 87654321"), "059187654321");
  EXPECT_EQ(*normalize_phone("95598"), "95598");
  EXPECT_EQ(*normalize_phone("+852 2123 4567"),
            "00852"
            "21234567");
  for (const char* bad : {"", "abc", "12", "138001380001380013800", "+86", "138x0013"}) {
    auto n = normalize_phone(bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.error().code, "invalid_phone");
  }
}

TEST(IdNumbers, MaskedKeepingFirstThreeAndLastFour) {
  EXPECT_EQ(mask_id_number("350102199001011234"), "350***********1234");
  EXPECT_EQ(mask_id_number("35010219900101123X"), "350***********123X");
  EXPECT_EQ(mask_id_number("1234567"), "*******");
  EXPECT_EQ(mask_id_number(""), "");
}

class CustomerRepoTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
  }
};

TEST_P(CustomerRepoTest, CreateStoresPhonesAccountsAndMasksId) {
  NewCustomer c;
  c.name = "陈志强";
  c.kind = "business";
  c.id_number = "350102198805051234";
  c.address = "福州市鼓楼区五四路1号";
  c.region_code = "350102-01";
  c.vip_level = 2;
  c.language = "nan";
  c.vulnerable = true;
  c.phones = {{"+86 138-0013-8000", "mobile"},
              {"0591 8765 4321", "landline"},
              {"13800138000", "mobile"}};  // duplicate after normalisation
  NewAccount a;
  a.account_no = "0100000001";
  a.kind = "business";
  a.tariff = "一般工商业";
  a.balance_fen = 1250;
  a.arrears_fen = 30000;
  a.pin = "123456";
  c.accounts = {a};
  auto created = repos_->customers.create(c);
  SY_ASSERT_OK(created);
  EXPECT_EQ(created->customer.customer_no,
            "C" + std::string(10 - std::to_string(created->customer.id).size(), '0') +
                std::to_string(created->customer.id));
  EXPECT_EQ(created->customer.id_number_masked, "350***********1234");
  EXPECT_EQ(created->customer.vip_level, 2);
  EXPECT_TRUE(created->customer.vulnerable);
  ASSERT_EQ(created->phones.size(), 2u);
  EXPECT_EQ(created->phones[0].phone, "059187654321");
  EXPECT_EQ(created->phones[1].phone, "13800138000");
  ASSERT_EQ(created->accounts.size(), 1u);
  const Account& acc = created->accounts[0];
  EXPECT_EQ(acc.arrears_fen, 30000);
  EXPECT_EQ(acc.balance_fen, 1250);
  EXPECT_EQ(acc.region_code, "350102-01");  // defaults to the customer's
  EXPECT_EQ(acc.address, c.address);
  EXPECT_TRUE(acc.has_pin);
  EXPECT_TRUE(*repos_->customers.verify_account_pin(acc.id, "123456"));
  EXPECT_FALSE(*repos_->customers.verify_account_pin(acc.id, "654321"));
}

TEST_P(CustomerRepoTest, CreateIsAllOrNothing) {
  make_customer("甲", "350102-01", "13800000001", "A1");
  NewCustomer c;
  c.name = "乙";
  c.customer_no = "X1";
  c.region_code = "350102-01";
  c.phones = {{"13800000002", "mobile"}};
  NewAccount a;
  a.account_no = "A2";
  NewAccount dup;
  dup.account_no = "A1";  // taken by 甲
  c.accounts = {a, dup};
  auto r = repos_->customers.create(c);
  SY_EXPECT_CODE(r, "account_no_taken");
  EXPECT_EQ(r.error().field, "accounts[1].account_no");
  CustomerFilter by_phone;
  by_phone.phone = "13800000002";
  EXPECT_EQ(repos_->customers.search(by_phone, {})->total, 0);  // nothing half-written
  SY_EXPECT_CODE(repos_->customers.get_account_by_no("A2"), "account_not_found");

  c.accounts = {a};
  SY_ASSERT_OK(repos_->customers.create(c));
  c.accounts.clear();
  SY_EXPECT_CODE(repos_->customers.create(c), "customer_no_taken");
}

TEST_P(CustomerRepoTest, BadInputCodes) {
  NewCustomer c;
  c.name = "丙";
  c.region_code = "350102-01";
  c.phones = {{"not a phone", "mobile"}};
  auto bad_phone = repos_->customers.create(c);
  SY_EXPECT_CODE(bad_phone, "invalid_phone");
  EXPECT_EQ(bad_phone.error().field, "phones[0]");
  c.phones.clear();
  c.region_code = "999999";
  SY_EXPECT_CODE(repos_->customers.create(c), "region_not_found");
  c.region_code = "350102-01";
  c.vip_level = 7;
  SY_EXPECT_CODE(repos_->customers.create(c), "invalid_vip_level");
  c.vip_level = 0;
  c.kind = "government";
  SY_EXPECT_CODE(repos_->customers.create(c), "invalid_kind");
  c.kind = "residential";
  c.name = "";
  SY_EXPECT_CODE(repos_->customers.create(c), "invalid_name");
  c.name = "丙";
  NewAccount a;
  a.account_no = "A9";
  a.pin = "12";
  c.accounts = {a};
  SY_EXPECT_CODE(repos_->customers.create(c), "invalid_pin");
}

TEST_P(CustomerRepoTest, GetOutsideScopeIsNotFound) {
  CustomerFile fz = make_customer("福州客户", "350102-01", "13800000001", "A1");
  SY_ASSERT_OK(repos_->customers.get(fz.customer.id, RegionScope("350100")));
  SY_ASSERT_OK(repos_->customers.get(fz.customer.id, RegionScope("350000")));
  SY_EXPECT_CODE(repos_->customers.get(fz.customer.id, RegionScope("350200")),
                 "customer_not_found");
  SY_EXPECT_CODE(repos_->customers.get(fz.customer.id + 1000), "customer_not_found");
}

TEST_P(CustomerRepoTest, UpdateFieldsAndReplacePhones) {
  CustomerFile f = make_customer("旧名", "350102-01", "13800000001", "A1");
  clock_.advance(std::chrono::hours(1));
  CustomerUpdate u;
  u.name = "新名";
  u.region_code = "350203-01";
  u.vip_level = 3;
  u.phones = std::vector<Phone>{{"139 0000 0009", "mobile"}};
  auto updated = repos_->customers.update(f.customer.id, u);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->customer.name, "新名");
  EXPECT_EQ(updated->customer.region_code, "350203-01");
  EXPECT_EQ(updated->customer.vip_level, 3);
  EXPECT_EQ(updated->customer.address, f.customer.address);  // untouched
  EXPECT_EQ(updated->customer.updated_at, clock_.now());
  ASSERT_EQ(updated->phones.size(), 1u);
  EXPECT_EQ(updated->phones[0].phone, "13900000009");
  SY_EXPECT_CODE(repos_->screen_pop.lookup_by_phone("13800000001", {}, clock_.now()),
                 "customer_not_found");

  CustomerUpdate bad;
  bad.region_code = "000000";
  SY_EXPECT_CODE(repos_->customers.update(f.customer.id, bad), "region_not_found");
  SY_EXPECT_CODE(repos_->customers.update(f.customer.id + 99, u), "customer_not_found");
}

TEST_P(CustomerRepoTest, DeleteRemovesEverythingButKeepsContactRows) {
  CustomerFile f = make_customer("删", "350102-01", "13800000001", "A1");
  AccountRepository& accounts = repos_->accounts;
  SY_ASSERT_OK(accounts.add_bill(f.accounts[0].id,
                                 {"2026-10", 100, 5000, "2026-11-15", clock_.now(), true}));
  Contact k;
  k.customer_id = f.customer.id;
  k.started_at = clock_.now();
  auto contact = repos_->contacts.create(k);
  SY_ASSERT_OK(contact);
  SY_ASSERT_OK(repos_->customers.remove(f.customer.id));
  SY_EXPECT_CODE(repos_->customers.get(f.customer.id), "customer_not_found");
  SY_EXPECT_CODE(repos_->customers.get_account(f.accounts[0].id), "account_not_found");
  SY_EXPECT_CODE(repos_->customers.remove(f.customer.id), "customer_not_found");
  // The account number is free again.
  make_customer("新", "350102-01", "13800000001", "A1");
}

TEST_P(CustomerRepoTest, AccountsAddUpdateRemove) {
  CustomerFile f = make_customer("户主", "350102-01", "13800000001", "A1");
  NewAccount a;
  a.account_no = "A2";
  a.pin = "2468";
  auto added = repos_->customers.add_account(f.customer.id, a);
  SY_ASSERT_OK(added);
  EXPECT_EQ(added->customer_id, f.customer.id);
  EXPECT_EQ(added->region_code, "350102-01");
  SY_EXPECT_CODE(repos_->customers.add_account(f.customer.id, a), "account_no_taken");
  SY_EXPECT_CODE(repos_->customers.add_account(f.customer.id + 9, a), "customer_not_found");

  AccountUpdate u;
  u.arrears_fen = 8800;
  u.balance_fen = 100;
  u.tariff = "居民合表";
  u.status = "suspended";
  auto updated = repos_->customers.update_account(added->id, u);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->arrears_fen, 8800);
  EXPECT_EQ(updated->status, "suspended");
  EXPECT_EQ(updated->tariff, "居民合表");
  EXPECT_TRUE(*repos_->customers.verify_account_pin(added->id, "2468"));
  AccountUpdate bad;
  bad.status = "frozen";
  SY_EXPECT_CODE(repos_->customers.update_account(added->id, bad), "invalid_account_status");
  SY_EXPECT_CODE(repos_->customers.update_account(added->id + 99, u), "account_not_found");

  SY_ASSERT_OK(repos_->customers.remove_account(added->id));
  EXPECT_EQ(repos_->customers.get(f.customer.id)->accounts.size(), 1u);
  EXPECT_FALSE(*repos_->customers.verify_account_pin(f.accounts[0].id, "0000"));  // no PIN
}

TEST_P(CustomerRepoTest, SearchFiltersScopeAndPaging) {
  // 7 in Fuzhou (3 with arrears), 4 in Xiamen (1 with arrears, VIP).
  for (int i = 0; i < 7; ++i) {
    make_customer(i < 2 ? "林" + std::to_string(i) : "陈" + std::to_string(i), "350102-01",
                  "1380000000" + std::to_string(i), "FZ" + std::to_string(i), i < 3 ? 500 : 0);
  }
  for (int i = 0; i < 4; ++i) {
    make_customer("林厦" + std::to_string(i), "350203-01", "1390000000" + std::to_string(i),
                  "XM" + std::to_string(i), i == 0 ? 900 : 0);
  }
  CustomerUpdate vip;
  vip.vip_level = 2;
  SY_ASSERT_OK(
      repos_->customers.update(repos_->customers.get_account_by_no("XM0")->customer_id, vip));

  auto all = repos_->customers.search({}, {1, 5});
  SY_ASSERT_OK(all);
  EXPECT_EQ(all->total, 11);
  EXPECT_EQ(all->items.size(), 5u);
  EXPECT_EQ(repos_->customers.search({}, {3, 5})->items.size(), 1u);
  EXPECT_TRUE(repos_->customers.search({}, {4, 5})->items.empty());

  CustomerFilter fuzhou;
  fuzhou.scope = "350100";  // a Fuzhou city user
  auto fz = repos_->customers.search(fuzhou, {1, 200});
  EXPECT_EQ(fz->total, 7);
  for (const Customer& c : fz->items) EXPECT_EQ(c.region_code, "350102-01");
  fuzhou.phone = "139 0000 0001";  // a Xiamen number: invisible to the Fuzhou user
  EXPECT_EQ(repos_->customers.search(fuzhou, {})->total, 0);
  fuzhou.phone.clear();
  fuzhou.region_code = "350200";  // asking for Xiamen inside a Fuzhou scope gives nothing
  EXPECT_EQ(repos_->customers.search(fuzhou, {})->total, 0);

  CustomerFilter arrears;
  arrears.has_arrears = true;
  EXPECT_EQ(repos_->customers.search(arrears, {})->total, 4);
  arrears.scope = "350100";
  EXPECT_EQ(repos_->customers.search(arrears, {})->total, 3);
  arrears.has_arrears = false;
  EXPECT_EQ(repos_->customers.search(arrears, {})->total, 4);

  CustomerFilter name;
  name.name_prefix = "林";
  EXPECT_EQ(repos_->customers.search(name, {})->total, 6);
  name.name_prefix = "林厦";
  EXPECT_EQ(repos_->customers.search(name, {})->total, 4);

  CustomerFilter by_account;
  by_account.account_no = "FZ3";
  auto one = repos_->customers.search(by_account, {});
  ASSERT_EQ(one->items.size(), 1u);
  EXPECT_EQ(one->items[0].name, "陈3");

  CustomerFilter vip_only;
  vip_only.vip_min = 1;
  EXPECT_EQ(repos_->customers.search(vip_only, {})->total, 1);

  CustomerFilter bad_phone;
  bad_phone.phone = "x";
  SY_EXPECT_CODE(repos_->customers.search(bad_phone, {}), "invalid_phone");
  SY_EXPECT_CODE(repos_->customers.search({}, {1, 0}), "invalid_page_size");
}

SY_STORE_TEST_BOTH_BACKENDS(CustomerRepoTest);

}  // namespace
}  // namespace sy::store::testing
