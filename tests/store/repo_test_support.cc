// Shared set-up for the repository tests (see repo_test_support.h).
#include "store/repo_test_support.h"

namespace sy::store::testing {

void RepoTest::SetUp() {
  StoreTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  db_ = open_db();
  ASSERT_NE(db_, nullptr);
  repos_ = std::make_unique<Repositories>(*db_, clock_);
}

void RepoTest::TearDown() {
  repos_.reset();
  db_.reset();
  StoreTest::TearDown();
}

void RepoTest::seed_regions() {
  struct R {
    const char* code;
    const char* parent;
    const char* name;
    RegionLevel level;
  };
  const R regions[] = {
      {"350000", nullptr, "福建省", RegionLevel::kProvince},
      {"350100", "350000", "福州市", RegionLevel::kCity},
      {"350102", "350100", "鼓楼区", RegionLevel::kCounty},
      {"350102-01", "350102", "鼓楼区东街供电所", RegionLevel::kArea},
      {"350102-02", "350102", "鼓楼区西湖供电所", RegionLevel::kArea},
      {"350200", "350000", "厦门市", RegionLevel::kCity},
      {"350203", "350200", "思明区", RegionLevel::kCounty},
      {"350203-01", "350203", "思明区中华供电所", RegionLevel::kArea},
  };
  for (const R& r : regions) {
    Region region;
    region.code = r.code;
    if (r.parent) region.parent_code = r.parent;
    region.name = r.name;
    region.level = r.level;
    region.centre = std::string(r.code).starts_with("3502") ? "xiamen" : "fuzhou";
    auto created = repos_->regions.create(region);
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
}

CustomerFile RepoTest::make_customer(const std::string& name, const std::string& region,
                                     const std::string& phone, const std::string& account_no,
                                     std::int64_t arrears_fen) {
  NewCustomer c;
  c.name = name;
  c.region_code = region;
  c.address = "福州市鼓楼区东街1号";
  c.id_number = "350102199001011234";
  c.phones = {Phone{phone, "mobile"}};
  NewAccount a;
  a.account_no = account_no;
  a.tariff = "居民阶梯电价";
  a.arrears_fen = arrears_fen;
  c.accounts = {a};
  auto created = repos_->customers.create(c);
  EXPECT_TRUE(created.ok()) << created.error().code << ": " << created.error().message;
  return created.ok() ? *created : CustomerFile{};
}

}  // namespace sy::store::testing
