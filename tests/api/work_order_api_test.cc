// Work orders through the API as agents, back offices and field crews use them: repair with
// merge into an outage's parent order, complaint with return visit and reopen, business change
// refused with arrears and accepted once paid, new installation through all its steps, region
// scoping between counties, bad input, exports, attachments and the screen pop.
#include <gtest/gtest.h>

#include <regex>

#include "api_harness.h"

namespace sy::test {
namespace {

using nlohmann::json;

class WorkOrderApi : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    admin = s.signed_in(auth::Role::kAdmin);
    agent = s.signed_in(auth::Role::kAgent);
    gulou = s.signed_in(auth::Role::kBackoffice, "350102");
    siming = s.signed_in(auth::Role::kBackoffice, "350203");
    lin = customer("林小美", "350102-01", "13805910001", "3501000001", 0);
    chen = customer("陈大明", "350102-01", "13805910002", "3501000002", 0);
    wu = customer("吴海", "350203-01", "13905920003", "3502000003", 8800);
  }
  json customer(const std::string& name, const std::string& region, const std::string& phone,
                const std::string& account, std::int64_t arrears) {
    auto r = admin.post("/api/v1/customers",
                        {{"name", name},
                         {"region_code", region},
                         {"phones", {phone}},
                         {"accounts", {{{"account_no", account}, {"arrears_fen", arrears}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  json raise(Client& c, const json& body, int expect = 201) {
    auto r = c.post("/api/v1/work-orders", body);
    EXPECT_EQ(r.status, expect) << r.body;
    return r.json();
  }
  json act(Client& c, std::int64_t id, const std::string& action, int expect = 200,
           const std::string& note = "") {
    auto r = c.post("/api/v1/work-orders/" + std::to_string(id) + "/transitions",
                    {{"action", action}, {"note", note}});
    EXPECT_EQ(r.status, expect) << action << ": " << r.body;
    return r.json();
  }
  json repair_for(const json& who) {
    return raise(agent, {{"type", "repair"},
                         {"customer_id", who["id"]},
                         {"description", "家里没电"},
                         {"channel", "voice"},
                         {"call_id", "call-42"},
                         {"phone", who["phones"][0]["phone"]}});
  }

  ApiServer s;
  Client admin{0}, agent{0}, gulou{0}, siming{0};
  json lin, chen, wu;
};

TEST_F(WorkOrderApi, RepairReportsInAnOutageAreaMergeIntoOneCrewOrder) {
  auto outage = admin.post("/api/v1/outages", {{"kind", "unplanned"},
                                               {"reason", "10kV线路故障"},
                                               {"starts_at", "2026-11-18T10:00:00Z"},
                                               {"region_codes", {"350102"}}});
  ASSERT_EQ(outage.status, 201) << outage.body;
  json parent = repair_for(lin);
  EXPECT_TRUE(std::regex_match(parent["number"].get<std::string>(),
                               std::regex(R"(GD20261118\d{6})")));
  EXPECT_EQ(parent["state"], "new");
  EXPECT_EQ(parent["outage_id"], outage.json()["id"]);
  EXPECT_EQ(parent["department"], "repair_crew");
  json dup = repair_for(chen);
  EXPECT_EQ(dup["state"], "merged");
  EXPECT_EQ(dup["parent_id"], parent["id"]);

  std::int64_t id = parent["id"];
  act(agent, id, "dispatch");
  json accepted = act(gulou, id, "accept");
  EXPECT_FALSE(accepted["assignee_id"].is_null());
  act(gulou, id, "start");
  act(gulou, id, "resolve", 200, "更换跌落式熔断器，已复电");
  act(agent, id, "visit");
  json closed = act(agent, id, "close", 200, "客户满意");
  EXPECT_EQ(closed["state"], "closed");
  EXPECT_EQ(closed["merged"], json::array({dup["number"]}));
  ASSERT_EQ(closed["transitions"].size(), 7u);
  EXPECT_EQ(closed["transitions"][4]["note"], "更换跌落式熔断器，已复电");
  auto child = agent.get("/api/v1/work-orders/" + std::to_string(dup["id"].get<int>()));
  EXPECT_EQ(child.json()["state"], "closed");
}

TEST_F(WorkOrderApi, ComplaintReturnVisitUnsatisfiedReopens) {
  json o = raise(agent, {{"type", "complaint"},
                         {"subtype", "service_attitude"},
                         {"customer_id", lin["id"]},
                         {"description", "营业厅工作人员态度差"},
                         {"channel", "voice"}});
  std::int64_t id = o["id"];
  EXPECT_FALSE(o["step_due_at"].is_null());
  EXPECT_FALSE(o["due_at"].is_null());
  act(agent, id, "dispatch");
  act(gulou, id, "accept");
  act(gulou, id, "start", 200, "已电话联系客户");
  act(gulou, id, "resolve", 200, "已道歉并整改");
  auto early = agent.post("/api/v1/work-orders/" + std::to_string(id) + "/transitions",
                          {{"action", "close"}});
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.error_code(), "return_visit_required");
  act(agent, id, "visit");
  json reopened = act(agent, id, "reopen", 200, "客户不满意");
  EXPECT_EQ(reopened["state"], "reopened");
  act(agent, id, "dispatch");
  act(gulou, id, "accept");
  act(gulou, id, "start");
  act(gulou, id, "resolve");
  act(agent, id, "visit");
  EXPECT_EQ(act(agent, id, "close")["state"], "closed");
  auto bad = agent.post("/api/v1/work-orders/" + std::to_string(id) + "/transitions",
                        {{"action", "accept"}});
  EXPECT_EQ(bad.status, 409);
  EXPECT_EQ(bad.error_code(), "invalid_transition");
}

TEST_F(WorkOrderApi, BusinessChangeRefusedWithArrearsAcceptedOncePaid) {
  Client xm_agent = s.signed_in(auth::Role::kAgent, "350200");
  json body = {{"type", "business_change"},
               {"subtype", "name_transfer"},
               {"account_no", "3502000003"},
               {"description", "过户"},
               {"channel", "voice"}};
  auto refused = xm_agent.post("/api/v1/work-orders", body);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.error_code(), "arrears_outstanding");
  EXPECT_NE(refused.json()["error"]["message"].get<std::string>().find("88.00"),
            std::string::npos);
  EXPECT_EQ(refused.json()["error"]["field"], "account_no");
  EXPECT_EQ(xm_agent.get("/api/v1/work-orders").json()["total"], 0);
  std::int64_t account_id = wu["accounts"][0]["id"];
  ASSERT_EQ(admin.post("/api/v1/accounts/" + std::to_string(account_id) + "/payments",
                       {{"amount_fen", 8800}, {"channel", "wechat"}})
                .status,
            201);
  json o = raise(xm_agent, body);
  EXPECT_EQ(o["customer_id"], wu["id"]);
  EXPECT_EQ(o["region_code"], "350203-01");
}

TEST_F(WorkOrderApi, NewInstallationWalksAllEightSteps) {
  json o = raise(agent, {{"type", "new_installation"},
                         {"subtype", "residential"},
                         {"customer_id", lin["id"]},
                         {"description", "新建住宅申请用电"},
                         {"channel", "web"}});
  std::int64_t id = o["id"];
  std::vector<std::string> departments;
  json last;
  last = act(agent, id, "dispatch");
  for (int step = 0; step < 8; ++step) {
    EXPECT_EQ(last["step"], step);
    EXPECT_EQ(last["state"], "dispatched");  // each finished step hands over to the next
    departments.push_back(last["department"]);
    act(gulou, id, "accept");
    act(gulou, id, "start");
    last = act(gulou, id, "resolve");
  }
  EXPECT_EQ(last["state"], "resolved");
  EXPECT_EQ(departments, (std::vector<std::string>{"marketing", "marketing", "marketing",
                                                   "engineering", "construction", "engineering",
                                                   "metering", "metering"}));
  act(agent, id, "visit");
  EXPECT_EQ(act(agent, id, "close")["state"], "closed");
}

TEST_F(WorkOrderApi, CountyBackOfficeSeesOnlyItsCounty) {
  json mine = repair_for(lin);
  json theirs = repair_for(wu);
  auto list = gulou.get("/api/v1/work-orders");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 1);
  EXPECT_EQ(list.json()["items"][0]["number"], mine["number"]);
  std::string other = "/api/v1/work-orders/" + std::to_string(theirs["id"].get<int>());
  EXPECT_EQ(gulou.get(other).status, 404);
  EXPECT_EQ(gulou.post(other + "/transitions", {{"action", "accept"}}).status, 404);
  EXPECT_EQ(siming.get(other).status, 200);
  EXPECT_EQ(gulou.get("/api/v1/work-orders?region=350203").error_code(), "region_out_of_scope");
  // A county user cannot raise an order for another county either.
  auto r = gulou.post("/api/v1/work-orders", {{"type", "inquiry"},
                                              {"customer_id", wu["id"]},
                                              {"description", "电价咨询"},
                                              {"channel", "voice"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "region_out_of_scope");
}

TEST_F(WorkOrderApi, SearchByPhoneAccountStateAndOverdue) {
  json a = repair_for(lin);
  repair_for(chen);
  EXPECT_EQ(agent.get("/api/v1/work-orders?phone=138%200591%200001").json()["total"], 1);
  EXPECT_EQ(agent.get("/api/v1/work-orders?account=3501000002").json()["total"], 1);
  EXPECT_EQ(agent.get("/api/v1/work-orders?number=" + a["number"].get<std::string>())
                .json()["total"],
            1);
  EXPECT_EQ(agent.get("/api/v1/work-orders?state=new,dispatched").json()["total"], 2);
  EXPECT_EQ(agent.get("/api/v1/work-orders?overdue=true").json()["total"], 0);
  s.clock.advance(std::chrono::minutes(50));
  auto late = agent.get("/api/v1/work-orders?overdue=true&sort=due");
  EXPECT_EQ(late.json()["total"], 2);
  EXPECT_EQ(late.json()["items"][0]["overdue"], true);
  EXPECT_EQ(agent.get("/api/v1/work-orders?page_size=1&page=2").json()["items"].size(), 1u);
}

TEST_F(WorkOrderApi, BadInputIsNamed) {
  auto expect = [&](const json& body, int status, const std::string& code,
                    const std::string& field) {
    auto r = agent.post("/api/v1/work-orders", body);
    EXPECT_EQ(r.status, status) << body.dump() << " → " << r.body;
    EXPECT_EQ(r.error_code(), code) << r.body;
    EXPECT_EQ(r.json()["error"]["field"], field) << r.body;
  };
  expect({{"channel", "voice"}}, 400, "missing_field", "type");
  expect({{"type", "repair"}, {"channel", "pigeon"}}, 400, "invalid_value", "channel");
  expect({{"type", "repair"}, {"channel", "voice"}, {"colour", 1}}, 400, "unknown_field",
         "colour");
  expect({{"type", "teleport"}, {"channel", "voice"}, {"region", "350102-01"}}, 404,
         "work_order_type_not_found", "type");
  expect({{"type", "repair"}, {"channel", "voice"}, {"description", "x"}}, 400, "missing_field",
         "region");
  expect({{"type", "repair"}, {"channel", "voice"}, {"region", "350102-01"}}, 400,
         "missing_field", "description");
  expect({{"type", "business_change"}, {"channel", "voice"}, {"customer_id", lin["id"]},
          {"account_no", "3501000001"}, {"subtype", "teleport"}},
         400, "invalid_subtype", "subtype");
  expect({{"type", "inquiry"}, {"channel", "voice"}, {"customer_id", 99999}}, 404,
         "customer_not_found", "customer_id");
  auto bad_json = agent.request("POST", "/api/v1/work-orders", "{\"type\":");
  EXPECT_EQ(bad_json.error_code(), "invalid_json");
  json o = repair_for(lin);
  std::string t = "/api/v1/work-orders/" + std::to_string(o["id"].get<int>()) + "/transitions";
  EXPECT_EQ(agent.post(t, {{"action", "escalate"}}).json()["error"]["field"], "action");
  EXPECT_EQ(agent.post(t, {{"action", "fly"}}).status, 400);
  EXPECT_EQ(agent.post(t, {{"note", "x"}}).error_code(), "missing_field");
  EXPECT_EQ(agent.get("/api/v1/work-orders/abc").status, 404);
  EXPECT_EQ(agent.get("/api/v1/work-orders?state=done").error_code(), "invalid_parameter");
  EXPECT_EQ(agent.get("/api/v1/work-orders?sort=random").error_code(), "invalid_parameter");
  EXPECT_EQ(agent.get("/api/v1/work-orders?colour=red").error_code(), "unknown_parameter");
  EXPECT_EQ(agent.get("/api/v1/work-orders?format=pdf").error_code(), "invalid_parameter");
}

TEST_F(WorkOrderApi, ExportsCsvAndXlsx) {
  json o = repair_for(lin);
  auto csv = agent.get("/api/v1/work-orders?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.header("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv.body.find("number,type,subtype,state"), std::string::npos);
  EXPECT_NE(csv.body.find(o["number"].get<std::string>() + ",repair,"), std::string::npos);
  EXPECT_NE(csv.body.find("林小美"), std::string::npos);
  auto xlsx = agent.get("/api/v1/work-orders?format=xlsx");
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");  // a zip container
  EXPECT_GT(xlsx.body.size(), 1000u);
  // Region scoping applies to exports too.
  EXPECT_EQ(siming.get("/api/v1/work-orders?format=csv").body.find(o["number"].get<std::string>()),
            std::string::npos);
}

TEST_F(WorkOrderApi, AttachmentsAreCheckedAndStoredByHash) {
  json o = repair_for(lin);
  std::string base = "/api/v1/work-orders/" + std::to_string(o["id"].get<int>()) + "/attachments";
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(200, '\x01');
  auto up = gulou.request("POST", base + "?name=site.png", png, "image/png");
  ASSERT_EQ(up.status, 201) << up.body;
  json a = up.json();
  EXPECT_EQ(a["size_bytes"], 208);
  EXPECT_EQ(a["sha256"].get<std::string>().size(), 64u);
  auto down = agent.get(a["url"].get<std::string>());
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, png);
  EXPECT_EQ(down.header("Content-Type"), "image/png");
  EXPECT_EQ(gulou.request("POST", base, "just text", "text/plain").error_code(),
            "unsupported_attachment_type");
  EXPECT_EQ(gulou.request("POST", base, "not really a png", "image/png").error_code(),
            "unsupported_attachment_type");
  std::string big = std::string("%PDF-", 5) + std::string(40 * 1024, 'x');
  auto too_big = gulou.request("POST", base, big, "application/pdf");
  EXPECT_EQ(too_big.status, 413);
  // The upload route's own body limit (work_orders.max_attachment_bytes) refuses it, named.
  EXPECT_EQ(too_big.error_code(), "payload_too_large");
  EXPECT_NE(too_big.json()["error"]["message"].get<std::string>().find("32768 bytes"),
            std::string::npos)
      << too_big.body;
  auto detail = agent.get("/api/v1/work-orders/" + std::to_string(o["id"].get<int>()));
  EXPECT_EQ(detail.json()["attachments"].size(), 1u);
  EXPECT_EQ(siming.get(a["url"].get<std::string>()).status, 404);
}

TEST_F(WorkOrderApi, ScreenPopListsOpenOrders) {
  json o = repair_for(lin);
  auto pop = agent.get("/api/v1/customers/lookup?phone=13805910001");
  ASSERT_EQ(pop.status, 200) << pop.body;
  json orders = pop.json()["matches"][0]["open_work_orders"];
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["number"], o["number"]);
}

TEST_F(WorkOrderApi, AdminsEditTypesAndTheCalendar) {
  auto types = agent.get("/api/v1/work-order-types");
  ASSERT_EQ(types.status, 200);
  EXPECT_EQ(types.json()["total"], 10);
  json repair = agent.get("/api/v1/work-order-types/repair").json();
  EXPECT_EQ(repair["steps"][0]["arrive_within"]["by_area_class"]["rural"]["amount"], 90);
  repair["steps"][0]["arrive_within"]["amount"] = 40;
  auto put = admin.request("PUT", "/api/v1/work-order-types/repair", repair.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["steps"][0]["arrive_within"]["amount"], 40);
  repair["steps"][0]["taker"] = "nobody";
  auto bad = admin.request("PUT", "/api/v1/work-order-types/repair", repair.dump());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "steps[0].taker");
  EXPECT_EQ(agent.request("PUT", "/api/v1/work-order-types/repair", repair.dump()).status, 403);
  auto cal = admin.request("PUT", "/api/v1/work-order-calendar",
                           json{{"holidays", {"2026-10-01"}}, {"workdays", {"2026-10-10"}}}.dump());
  ASSERT_EQ(cal.status, 200) << cal.body;
  EXPECT_EQ(agent.get("/api/v1/work-order-calendar").json()["workdays"][0], "2026-10-10");
  EXPECT_EQ(admin.request("PUT", "/api/v1/work-order-calendar",
                          json{{"holidays", {"2026-02-30"}}}.dump())
                .json()["error"]["field"],
            "holidays[0]");
}

TEST_F(WorkOrderApi, TimelineNamesWhoActed) {
  json o = repair_for(lin);
  std::int64_t id = o["id"];
  act(agent, id, "dispatch");
  json d = act(gulou, id, "accept");
  ASSERT_EQ(d["transitions"].size(), 3u);
  // Users made by the harness have no display name: their user name stands in.
  EXPECT_TRUE(d["transitions"][0]["user_name"].is_string());
  EXPECT_EQ(d["transitions"][0]["user_name"], d["created_by_name"]);
  EXPECT_EQ(d["transitions"][2]["user_name"], d["assignee_name"]);
  EXPECT_NE(d["assignee_name"], d["created_by_name"]);
  auto again = gulou.get("/api/v1/work-orders/" + std::to_string(id));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["assignee_name"], d["assignee_name"]);
}

}  // namespace
}  // namespace sy::test
