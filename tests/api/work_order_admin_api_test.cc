// What the admin pages for work-order types and the SMS outbox rely on, on SQLite and (with
// SY_TEST_PG_URL) PostgreSQL: a type's own fields edited with PUT (errors name the JSON path)
// and then required of new orders; the outbox listed newest first with the order it tells of,
// filtered by state, scoped to a supervisor's regions, and a failed message sent again.
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
  // A field crew member of `region` with a mobile number, and the order dispatched to them.
  void dispatch_to_crew(const json& order, const std::string& username,
                        const std::string& region, const std::string& mobile) {
    std::int64_t crew = s->add_user(username, auth::Role::kField, region);
    auto m = admin.patch("/api/v1/users/" + std::to_string(crew), {{"mobile", mobile}});
    ASSERT_EQ(m.status, 200) << m.body;
    auto d = admin.post("/api/v1/work-orders/" + std::to_string(order["id"].get<std::int64_t>()) +
                            "/transitions",
                        {{"action", "dispatch"}, {"assignee_id", crew}, {"note", ""}});
    ASSERT_EQ(d.status, 200) << d.body;
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

TEST_P(WorkOrderAdminApi, OutboxListsScopesAndRetries) {
  s->ctx->repos.work_orders.set_sms_enabled(true);
  json lin = customer("林小美", "350102-01", "13805910001");
  json wang = customer("王大山", "350203-01", "13805920002");
  json gulou_order = repair(lin);
  dispatch_to_crew(gulou_order, "crew-gulou", "350102", "13900000001");
  json siming_order = repair(wang);
  dispatch_to_crew(siming_order, "crew-siming", "350203", "13900000002");

  auto all = admin.get("/api/v1/sms/outbox");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json()["total"], 2);
  json newest = all.json()["items"][0];
  EXPECT_EQ(newest["recipient"], "13900000002");
  EXPECT_EQ(newest["state"], "pending");
  EXPECT_EQ(newest["attempts"], 0);
  EXPECT_EQ(newest["kind"], "work_order.assigned");
  EXPECT_EQ(newest["order_number"], siming_order["number"]);
  EXPECT_EQ(newest["region_code"], "350203-01");
  EXPECT_NE(newest["message"].get<std::string>().find(siming_order["number"].get<std::string>()),
            std::string::npos);
  EXPECT_TRUE(newest["created_at"].is_string());
  EXPECT_TRUE(newest["sent_at"].is_null());

  // A supervisor sees the messages about orders of their county only; agents see none.
  Client gulou_sup = s->signed_in(auth::Role::kSupervisor, "350102");
  auto scoped = gulou_sup.get("/api/v1/sms/outbox");
  ASSERT_EQ(scoped.status, 200) << scoped.body;
  ASSERT_EQ(scoped.json()["total"], 1);
  EXPECT_EQ(scoped.json()["items"][0]["order_number"], gulou_order["number"]);
  EXPECT_EQ(agent.get("/api/v1/sms/outbox").status, 403);

  // Filters and paging; bad input is named.
  EXPECT_EQ(admin.get("/api/v1/sms/outbox?state=failed").json()["total"], 0);
  EXPECT_EQ(admin.get("/api/v1/sms/outbox?state=pending").json()["total"], 2);
  auto second = admin.get("/api/v1/sms/outbox?page=2&page_size=1").json();
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_EQ(second["items"][0]["recipient"], "13900000001");
  auto bad_state = admin.get("/api/v1/sms/outbox?state=lost");
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_EQ(bad_state.json()["error"]["field"], "state");
  EXPECT_EQ(admin.get("/api/v1/sms/outbox?colour=red").error_code(), "unknown_parameter");
  EXPECT_EQ(admin.get("/api/v1/sms/outbox?page=0").status, 400);

  // The carrier refused one: it shows as failed with the error, and an admin sends it again.
  std::int64_t id = newest["id"].get<std::int64_t>();
  ASSERT_TRUE(s->ctx->repos.sms_outbox.mark_failed(id, 5, "0: rejected by SMSC"));
  auto failed = admin.get("/api/v1/sms/outbox?state=failed").json();
  ASSERT_EQ(failed["total"], 1);
  EXPECT_EQ(failed["items"][0]["last_error"], "0: rejected by SMSC");
  EXPECT_EQ(failed["items"][0]["attempts"], 5);
  std::string retry = "/api/v1/sms/outbox/" + std::to_string(id) + "/retry";
  EXPECT_EQ(gulou_sup.post(retry, json::object()).status, 403);
  auto pending = admin.post("/api/v1/sms/outbox/" +
                                std::to_string(all.json()["items"][1]["id"].get<std::int64_t>()) +
                                "/retry",
                            json::object());
  EXPECT_EQ(pending.status, 409);
  EXPECT_EQ(pending.error_code(), "sms_not_failed");
  EXPECT_EQ(admin.post("/api/v1/sms/outbox/999999/retry", json::object()).error_code(),
            "sms_not_found");
  auto again = admin.post(retry, json::object());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["state"], "pending");
  auto due = s->ctx->repos.sms_outbox.due(s->clock.now());
  ASSERT_TRUE(due);
  bool queued = false;
  for (const auto& m : *due) queued = queued || m.id == id;
  EXPECT_TRUE(queued);
  EXPECT_EQ(admin.get("/api/v1/sms/outbox?state=failed").json()["total"], 0);
}

INSTANTIATE_TEST_SUITE_P(Db, WorkOrderAdminApi,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         store::testing::backend_param_name);

}  // namespace
}  // namespace sy::test
