// What the admin page for work-order types relies on, on SQLite and (with SY_TEST_PG_URL)
// PostgreSQL: a type's own fields edited with PUT (errors name the JSON path) and then required
// of new orders.
#include <gtest/gtest.h>

#include "api_harness.h"
#include "store/db_test_support.h"

namespace sy::test {
namespace {

using nlohmann::json;
using store::testing::Backend;

class WorkOrderAdminApi : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch = std::make_unique<store::testing::ScratchDatabase>(GetParam());
    if (!scratch->available()) {
      if (GetParam() == Backend::kPostgres && store::testing::test_pg_url().empty())
        GTEST_SKIP() << scratch->unavailable_reason();
      FAIL() << scratch->unavailable_reason();
    }
    s = std::make_unique<ApiServer>(scratch->url());
    s->add_regions();
    admin = s->signed_in(auth::Role::kAdmin);
    agent = s->signed_in(auth::Role::kAgent);
  }
  void TearDown() override {
    s.reset();
    scratch.reset();
  }
  json customer(const std::string& name, const std::string& region, const std::string& phone) {
    auto c = admin.post("/api/v1/customers",
                        {{"name", name}, {"region_code", region}, {"phones", {phone}}});
    EXPECT_EQ(c.status, 201) << c.body;
    return c.json();
  }
  json repair(const json& who, json fields = json::object()) {
    auto r = agent.post("/api/v1/work-orders", {{"type", "repair"},
                                                {"customer_id", who["id"]},
                                                {"description", "家里没电"},
                                                {"channel", "voice"},
                                                {"fields", fields}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  std::unique_ptr<store::testing::ScratchDatabase> scratch;
  std::unique_ptr<ApiServer> s;
  Client admin{0}, agent{0};
};

TEST_P(WorkOrderAdminApi, TypeFieldsAreEditedAndRequiredOfNewOrders) {
  auto got = admin.get("/api/v1/work-order-types/repair");
  ASSERT_EQ(got.status, 200) << got.body;
  json def = got.json();
  EXPECT_EQ(def["fields"], json::array());

  // A broken field is refused naming its JSON path; nothing is written.
  json bad = def;
  bad["fields"] = {{{"key", "phase"}, {"label", "相别"}, {"kind", "select"}}};
  auto refused = admin.request("PUT", "/api/v1/work-order-types/repair", bad.dump());
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.error_code(), "missing_field");
  EXPECT_EQ(refused.json()["error"]["field"], "fields[0].options");
  EXPECT_EQ(admin.get("/api/v1/work-order-types/repair").json()["fields"], json::array());

  def["name"] = "故障报修（低压）";
  def["fields"] = {{{"key", "phase"},
                    {"label", "相别"},
                    {"kind", "select"},
                    {"required", true},
                    {"options", {"A相", "B相", "C相"}}},
                   {{"key", "households"}, {"label", "影响户数"}, {"kind", "number"}}};
  auto put = admin.request("PUT", "/api/v1/work-order-types/repair", def.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["name"], "故障报修（低压）");
  EXPECT_EQ(put.json()["fields"][0]["options"][1], "B相");
  EXPECT_EQ(put.json()["fields"][1]["required"], false);
  EXPECT_EQ(agent.request("PUT", "/api/v1/work-order-types/repair", def.dump()).status, 403);

  json lin = customer("林小美", "350102-01", "13805910001");
  auto missing = agent.post("/api/v1/work-orders", {{"type", "repair"},
                                                    {"customer_id", lin["id"]},
                                                    {"description", "家里没电"},
                                                    {"channel", "voice"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.error_code(), "missing_field");
  EXPECT_EQ(missing.json()["error"]["field"], "fields.phase");
  auto wrong = agent.post("/api/v1/work-orders", {{"type", "repair"},
                                                  {"customer_id", lin["id"]},
                                                  {"description", "家里没电"},
                                                  {"channel", "voice"},
                                                  {"fields", {{"phase", "D相"}}}});
  EXPECT_EQ(wrong.json()["error"]["field"], "fields.phase");
  json o = repair(lin, {{"phase", "B相"}, {"households", 12}});
  EXPECT_EQ(o["fields"]["phase"], "B相");
  auto path = "/api/v1/work-orders/" + std::to_string(o["id"].get<std::int64_t>());
  auto cleared = agent.patch(path, {{"fields", {{"households", 3}}}});
  EXPECT_EQ(cleared.status, 400);
  EXPECT_EQ(cleared.json()["error"]["field"], "fields.phase");
  EXPECT_EQ(agent.patch(path, {{"fields", {{"phase", "C相"}}}}).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Db, WorkOrderAdminApi,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         store::testing::backend_param_name);

}  // namespace
}  // namespace sy::test
