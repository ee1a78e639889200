// Regions and region scoping: the tree, and which codes a region-bound user may see.
#include "store/region_scope.h"
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

TEST(RegionScope, PrefixOfEachLevel) {
  EXPECT_EQ(scope_prefix("350000"), "35");
  EXPECT_EQ(scope_prefix("350100"), "3501");
  EXPECT_EQ(scope_prefix("350102"), "350102");
  EXPECT_EQ(scope_prefix("350102-01"), "350102-01");
  EXPECT_EQ(scope_prefix(""), "");
}

TEST(RegionScope, CityUserSeesOnlyItsCity) {
  EXPECT_TRUE(in_scope("350102-01", "350100"));
  EXPECT_TRUE(in_scope("350100", "350100"));
  EXPECT_FALSE(in_scope("350203-01", "350100"));
  EXPECT_FALSE(in_scope("350000", "350100"));  // not the province above it
  EXPECT_TRUE(in_scope("350203-01", "350000"));
  EXPECT_TRUE(in_scope("350203-01", ""));
  EXPECT_FALSE(in_scope("350102-02", "350102-01"));
}

TEST(RegionScope, RangeBoundsMatchPrefix) {
  RegionScope city("350100");
  EXPECT_EQ(city.lo(), "3501");
  EXPECT_EQ(city.hi(), "3502");
  EXPECT_TRUE(city.contains("350102-01"));
  EXPECT_FALSE(city.contains("350200"));
  RegionScope area("350102-01");
  EXPECT_EQ(area.hi(), "350102-02");
  EXPECT_TRUE(RegionScope::all().unrestricted());
  EXPECT_TRUE(RegionScope::all().contains("anything"));
  // Every code inside the range sorts between lo and hi, and those outside do not.
  for (const char* code : {"350100", "350102", "350102-01", "350199-99"}) {
    EXPECT_TRUE(code >= city.lo() && code < city.hi()) << code;
  }
  for (const char* code : {"350000", "350200", "350203-01", "35"}) {
    EXPECT_FALSE(code >= city.lo() && code < city.hi()) << code;
  }
}

TEST(RegionScope, AncestorChainNearestFirst) {
  EXPECT_EQ(ancestor_codes("350102-01"),
            (std::vector<std::string>{"350102-01", "350102", "350100", "350000"}));
  EXPECT_EQ(ancestor_codes("350102"), (std::vector<std::string>{"350102", "350100", "350000"}));
  EXPECT_EQ(ancestor_codes("350100"), (std::vector<std::string>{"350100", "350000"}));
  EXPECT_EQ(ancestor_codes("350000"), (std::vector<std::string>{"350000"}));
  EXPECT_TRUE(ancestor_codes("").empty());
}

class RegionRepoTest : public RepoTest {};

TEST_P(RegionRepoTest, ListAllChildrenAndSubtree) {
  seed_regions();
  auto all = repos_->regions.list_all();
  SY_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 8u);
  EXPECT_EQ(all->front().code, "350000");
  EXPECT_EQ(all->front().level, RegionLevel::kProvince);
  EXPECT_FALSE(all->front().parent_code.has_value());

  auto roots = repos_->regions.list_children("");
  ASSERT_EQ(roots->size(), 1u);
  auto cities = repos_->regions.list_children("350000");
  ASSERT_EQ(cities->size(), 2u);
  EXPECT_EQ((*cities)[1].name, "厦门市");

  auto fuzhou = repos_->regions.list_subtree("350100");
  SY_ASSERT_OK(fuzhou);
  ASSERT_EQ(fuzhou->size(), 4u);
  for (const Region& r : *fuzhou) EXPECT_TRUE(r.code.starts_with("3501")) << r.code;
  SY_EXPECT_CODE(repos_->regions.list_subtree("359900"), "region_not_found");
}

TEST_P(RegionRepoTest, CreateChecksInputAndParent) {
  seed_regions();
  Region r;
  r.code = "350102-03";
  r.parent_code = "350102";
  r.name = "新区";
  r.area_class = "rural";
  auto created = repos_->regions.create(r);
  SY_ASSERT_OK(created);
  EXPECT_EQ(created->area_class, "rural");
  SY_EXPECT_CODE(repos_->regions.create(r), "region_code_taken");
  r.code = "350102-04";
  r.parent_code = "359999";
  SY_EXPECT_CODE(repos_->regions.create(r), "parent_not_found");
  r.parent_code = "350102";
  r.area_class = "suburb";
  SY_EXPECT_CODE(repos_->regions.create(r), "invalid_area_class");
  r.area_class = "urban";
  r.code = "35 01";
  SY_EXPECT_CODE(repos_->regions.create(r), "invalid_region_code");
}

TEST_P(RegionRepoTest, UpdateNameClassAndCentre) {
  seed_regions();
  RegionUpdate u;
  u.name = "鼓楼";
  u.area_class = "remote";
  u.centre = "xiamen";
  auto updated = repos_->regions.update("350102", u);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->name, "鼓楼");
  EXPECT_EQ(updated->area_class, "remote");
  EXPECT_EQ(updated->centre, "xiamen");
  EXPECT_EQ(updated->parent_code, "350100");
  SY_EXPECT_CODE(repos_->regions.update("000000", u), "region_not_found");
  RegionUpdate bad;
  bad.name = "";
  SY_EXPECT_CODE(repos_->regions.update("350102", bad), "invalid_name");
}

TEST_P(RegionRepoTest, DeleteRefusedWhileInUse) {
  seed_regions();
  SY_EXPECT_CODE(repos_->regions.remove("350102"), "region_in_use");  // has children
  make_customer("林", "350102-01", "13800000001", "A1");
  SY_EXPECT_CODE(repos_->regions.remove("350102-01"), "region_in_use");  // has a customer
  SY_ASSERT_OK(repos_->regions.remove("350102-02"));
  SY_EXPECT_CODE(repos_->regions.get("350102-02"), "region_not_found");
  SY_EXPECT_CODE(repos_->regions.remove("350102-02"), "region_not_found");

  NewOutage o;
  o.starts_at = clock_.now();
  o.region_codes = {"350203-01"};
  SY_ASSERT_OK(repos_->outages.create(o));
  SY_EXPECT_CODE(repos_->regions.remove("350203-01"), "region_in_use");  // named by an outage

  // An account billed in another area than its customer's still holds that area.
  Region spare;
  spare.code = "350102-09";
  spare.parent_code = "350102";
  spare.name = "备用";
  SY_ASSERT_OK(repos_->regions.create(spare));
  CustomerFile owner = make_customer("户", "350102-01", "13800000002", "A2");
  NewAccount elsewhere;
  elsewhere.account_no = "A3";
  elsewhere.region_code = "350102-09";
  SY_ASSERT_OK(repos_->customers.add_account(owner.customer.id, elsewhere));
  SY_EXPECT_CODE(repos_->regions.remove("350102-09"), "region_in_use");
  SY_ASSERT_OK(repos_->regions.get("350102-09"));
}

SY_STORE_TEST_BOTH_BACKENDS(RegionRepoTest);

}  // namespace
}  // namespace sy::store::testing
