// Work orders as the detail and field pages change them, on SQLite and (with SY_TEST_PG_URL)
// PostgreSQL: editing an order (audit row naming the changes, refused once closed, region only
// before dispatch, role and region checked), dispatch to a named person picked from the order's
// assignable users, the arrival location recorded with the "start" row, and attachments up to
// the upload route's own body limit while other routes keep the general one.
#include <gtest/gtest.h>

#include <set>

#include "api_harness.h"
#include "store/db_test_support.h"

namespace sy::test {
namespace {

using nlohmann::json;
using store::testing::Backend;

class WorkOrderEditApi : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch = std::make_unique<store::testing::ScratchDatabase>(GetParam());
    if (!scratch->available()) {
      if (GetParam() == Backend::kPostgres && store::testing::test_pg_url().empty())
        GTEST_SKIP() << scratch->unavailable_reason();
      FAIL() << scratch->unavailable_reason();
    }
    s = std::make_unique<ApiServer>(scratch->url(), 10 << 20);
    s->add_regions();
    admin = s->signed_in(auth::Role::kAdmin);
    agent = s->signed_in(auth::Role::kAgent);
    gulou = s->signed_in(auth::Role::kBackoffice, "350102");
    siming = s->signed_in(auth::Role::kBackoffice, "350203");
    auto c = admin.post("/api/v1/customers",
                        {{"name", "林小美"},
                         {"region_code", "350102-01"},
                         {"phones", {"13805910001"}},
                         {"accounts", {{{"account_no", "3501000001"}, {"arrears_fen", 0}}}}});
    ASSERT_EQ(c.status, 201) << c.body;
    lin = c.json();
  }
  void TearDown() override {
    s.reset();
    scratch.reset();
  }
  json repair() {
    auto r = agent.post("/api/v1/work-orders", {{"type", "repair"},
                                                {"customer_id", lin["id"]},
                                                {"description", "家里没电"},
                                                {"channel", "voice"},
                                                {"phone", "13805910001"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  static std::string path(const json& o, const std::string& rest = "") {
    return "/api/v1/work-orders/" + std::to_string(o["id"].get<std::int64_t>()) + rest;
  }
  HttpResult act(Client& c, const json& o, json body) {
    return c.post(path(o, "/transitions"), body);
  }

  std::unique_ptr<store::testing::ScratchDatabase> scratch;
  std::unique_ptr<ApiServer> s;
  Client admin{0}, agent{0}, gulou{0}, siming{0};
  json lin;
};

TEST_P(WorkOrderEditApi, EditIsAnAuditRowNamingTheChangesAndRefusedOnceClosed) {
  json o = repair();
  auto r = agent.patch(path(o), {{"description", "整栋楼没电，闻到焦味"}, {"phone", "13905910009"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json d = r.json();
  EXPECT_EQ(d["description"], "整栋楼没电，闻到焦味");
  EXPECT_EQ(d["phone"], "13905910009");
  EXPECT_EQ(d["state"], "new");
  json row = d["transitions"].back();
  EXPECT_EQ(row["action"], "edit");
  EXPECT_EQ(row["from"], "new");
  EXPECT_EQ(row["to"], "new");
  EXPECT_EQ(row["changes"]["description"]["from"], "家里没电");
  EXPECT_EQ(row["changes"]["description"]["to"], "整栋楼没电，闻到焦味");
  EXPECT_EQ(row["changes"]["phone"]["from"], "13805910001");
  EXPECT_FALSE(row["changes"].contains("subtype"));
  EXPECT_NE(row["note"].get<std::string>().find("description"), std::string::npos);
  EXPECT_FALSE(row["user_name"].is_null());
  // The same values again change nothing and add no row.
  auto same = agent.patch(path(o), {{"description", "整栋楼没电，闻到焦味"}});
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(same.json()["transitions"].size(), d["transitions"].size());
  // Type fields, and the region while the order is new.
  auto more = gulou.patch(path(o), {{"fields", {{"meter_no", "M-0042"}}}, {"region", "350102"},
                                    {"note", "客户补充表号"}});
  ASSERT_EQ(more.status, 200) << more.body;
  EXPECT_EQ(more.json()["region_code"], "350102");
  EXPECT_EQ(more.json()["fields"]["meter_no"], "M-0042");
  EXPECT_EQ(more.json()["transitions"].back()["note"], "客户补充表号");
  EXPECT_EQ(more.json()["transitions"].back()["changes"]["region"]["to"], "350102");

  // Bad input is named; other regions, field crews and nothing-to-change are refused.
  auto bad = agent.patch(path(o), {{"phone", "12"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "phone");
  auto sub = agent.patch(path(o), {{"subtype", "no_such_subtype"}});
  EXPECT_EQ(sub.status, 400);
  EXPECT_EQ(sub.json()["error"]["field"], "subtype");
  EXPECT_EQ(agent.patch(path(o), json::object()).error_code(), "missing_field");
  EXPECT_EQ(agent.patch(path(o), {{"state", "closed"}}).error_code(), "unknown_field");
  EXPECT_EQ(gulou.patch(path(o), {{"region", "350203"}}).status, 403);
  EXPECT_EQ(siming.patch(path(o), {{"description", "x"}}).status, 404);
  Client crew = s->signed_in(auth::Role::kField, "350102");
  EXPECT_EQ(crew.patch(path(o), {{"description", "x"}}).status, 403);

  // Once dispatched the region stays; once closed nothing changes.
  ASSERT_EQ(act(agent, o, {{"action", "dispatch"}}).status, 200);
  auto moved = agent.patch(path(o), {{"region", "350102-01"}});
  EXPECT_EQ(moved.status, 409);
  EXPECT_EQ(moved.error_code(), "work_order_dispatched");
  EXPECT_EQ(moved.json()["error"]["field"], "region");
  EXPECT_EQ(agent.patch(path(o), {{"description", "复电后补记"}}).status, 200);
  for (const char* a : {"accept", "start", "resolve"})
    ASSERT_EQ(act(gulou, o, {{"action", a}}).status, 200) << a;
  ASSERT_EQ(act(agent, o, {{"action", "visit"}}).status, 200);
  ASSERT_EQ(act(agent, o, {{"action", "close"}}).status, 200);
  auto closed = agent.patch(path(o), {{"description", "晚了"}});
  EXPECT_EQ(closed.status, 409);
  EXPECT_EQ(closed.error_code(), "work_order_closed");
  EXPECT_NE(closed.json()["error"]["message"].get<std::string>().find(o["number"].get<std::string>()),
            std::string::npos);
  EXPECT_EQ(agent.get(path(o)).json()["description"], "复电后补记");
}

TEST_P(WorkOrderEditApi, DispatchToANamedPersonOfTheOrdersRegion) {
  std::int64_t crew = s->add_user("crew-gulou", auth::Role::kField, "350102");
  std::int64_t area_crew = s->add_user("crew-dongjie", auth::Role::kField, "350102-01");
  std::int64_t far_crew = s->add_user("crew-siming", auth::Role::kField, "350203");
  std::int64_t desk = s->add_user("agent-gulou", auth::Role::kAgent, "350102");
  json o = repair();
  auto list = gulou.get(path(o, "/assignees"));
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::int64_t> ids;
  json items = list.json()["items"];
  for (const json& p : items) {
    ids.insert(p["id"].get<std::int64_t>());
    EXPECT_TRUE(p["role"] == "field" || p["role"] == "backoffice") << p;
    EXPECT_TRUE(p["name"].is_string());
    EXPECT_EQ(p["open_orders"], 0);
  }
  EXPECT_TRUE(ids.count(crew));
  EXPECT_TRUE(ids.count(area_crew));
  EXPECT_FALSE(ids.count(far_crew));
  EXPECT_FALSE(ids.count(desk));
  EXPECT_EQ(siming.get(path(o, "/assignees")).status, 404);
  Client field = s->signed_in(auth::Role::kManager);
  EXPECT_EQ(field.get(path(o, "/assignees")).status, 403);

  auto wrong = act(gulou, o, {{"action", "dispatch"}, {"assignee_id", far_crew}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.error_code(), "assignee_not_assignable");
  EXPECT_EQ(wrong.json()["error"]["field"], "assignee_id");
  EXPECT_EQ(act(gulou, o, {{"action", "dispatch"}, {"assignee_id", desk}}).error_code(),
            "assignee_not_assignable");
  auto d = act(gulou, o, {{"action", "dispatch"}, {"assignee_id", crew}, {"note", "请尽快到场"}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json()["assignee_id"], crew);
  EXPECT_EQ(d.json()["assignee_name"], "crew-gulou");
  // The crew's own list shows it, and the picker counts it.
  Client crew_client = s->client();
  ASSERT_EQ(crew_client.login("crew-gulou", "correct-horse-battery").status, 200);
  auto mine = crew_client.get("/api/v1/work-orders?assignee=me");
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.json()["total"], 1);
  json after = gulou.get(path(o, "/assignees")).json();
  for (const json& p : after["items"])
    if (p["id"] == crew) {
      EXPECT_EQ(p["open_orders"], 1);
    }
}

TEST_P(WorkOrderEditApi, ArrivalLocationIsStoredWithTheStartRow) {
  json o = repair();
  ASSERT_EQ(act(agent, o, {{"action", "dispatch"}}).status, 200);
  auto early = act(gulou, o, {{"action", "accept"}, {"location", {{"lat", 26.08}, {"lon", 119.3}}}});
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(early.json()["error"]["field"], "location");
  ASSERT_EQ(act(gulou, o, {{"action", "accept"}}).status, 200);
  for (const json& bad : {json{{"lat", 126.0}, {"lon", 119.3}}, json{{"lat", 26.0}},
                          json{{"lat", 26.0}, {"lon", 119.3}, {"alt", 3}}, json("26,119")}) {
    auto r = act(gulou, o, {{"action", "start"}, {"location", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json()["error"]["field"], "location") << r.body;
  }
  auto r = act(gulou, o, {{"action", "start"},
                          {"note", "已到现场"},
                          {"location", {{"lat", 26.0812345}, {"lon", 119.2965432}, {"accuracy_m", 12.5}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  json row = r.json()["transitions"].back();
  EXPECT_EQ(row["action"], "start");
  EXPECT_EQ(row["note"], "已到现场");
  EXPECT_DOUBLE_EQ(row["location"]["lat"].get<double>(), 26.0812345);
  EXPECT_DOUBLE_EQ(row["location"]["lon"].get<double>(), 119.2965432);
  EXPECT_DOUBLE_EQ(row["location"]["accuracy_m"].get<double>(), 12.5);
  // Read back later, and rows without data carry none.
  json again = agent.get(path(o)).json();
  EXPECT_DOUBLE_EQ(again["transitions"].back()["location"]["lat"].get<double>(), 26.0812345);
  EXPECT_FALSE(again["transitions"][0].contains("location"));
}

TEST_P(WorkOrderEditApi, AttachmentsUpToTheirOwnLimitOtherRoutesKeepTheGeneralOne) {
  json o = repair();
  std::string pdf = "%PDF-1.7\n" + std::string(5 << 20, 'p');
  auto up = gulou.request("POST", path(o, "/attachments?name=survey.pdf"), pdf, "application/pdf");
  ASSERT_EQ(up.status, 201) << up.body.substr(0, 300);
  EXPECT_EQ(up.json()["size_bytes"], static_cast<std::int64_t>(pdf.size()));
  EXPECT_EQ(gulou.get(up.json()["url"].get<std::string>()).body.size(), pdf.size());
  std::string jpeg = "\xFF\xD8\xFF\xE0" + std::string((11 << 20) - 4, 'j');
  auto big = gulou.request("POST", path(o, "/attachments?name=big.jpg"), jpeg, "image/jpeg");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error_code(), "payload_too_large");
  EXPECT_NE(big.json()["error"]["message"].get<std::string>().find("10485760 bytes (10 MB)"),
            std::string::npos)
      << big.body;
  // Another route keeps the general limit (64 KB in the harness).
  auto note = agent.patch(path(o), {{"description", std::string(100 * 1024, 'x')}});
  EXPECT_EQ(note.status, 413);
  EXPECT_NE(note.json()["error"]["message"].get<std::string>().find("65536 bytes"),
            std::string::npos);
  EXPECT_EQ(agent.get(path(o)).json()["attachments"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Db, WorkOrderEditApi,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         store::testing::backend_param_name);

}  // namespace
}  // namespace sy::test
