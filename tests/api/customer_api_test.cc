// Customers through the API as an agent and an admin would use them: the screen pop by phone
// and by account, several customers on one number, region scoping, the arrears filter, and
// all-or-nothing creation.
#include <gtest/gtest.h>

#include "api_harness.h"

namespace sy::test {
namespace {

using nlohmann::json;

class CustomerApi : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    admin = s.signed_in(auth::Role::kAdmin);
  }
  json create(const json& body) {
    auto r = admin.post("/api/v1/customers", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  json lin_xiaomei() {
    return create({{"name", "林小美"},
                   {"id_number", "350102199001011234"},
                   {"address", "福州市鼓楼区东街88号"},
                   {"region_code", "350102-01"},
                   {"phones", {"138 0591 0001", {{"phone", "0591-87654321"}, {"kind", "landline"}}}},
                   {"accounts",
                    {{{"account_no", "3501000001"}, {"arrears_fen", 12345}, {"pin", "123456"},
                      {"tariff", "居民阶梯电价"}}}}});
  }

  ApiServer s;
  Client admin{0};
};

TEST_F(CustomerApi, ScreenPopByPhoneShowsTheWholeFile) {
  json c = lin_xiaomei();
  std::int64_t account_id = c["accounts"][0]["id"];
  ASSERT_EQ(admin.post("/api/v1/accounts/" + std::to_string(account_id) + "/bills",
                       {{"period", "2026-10"}, {"kwh", 230}, {"amount_fen", 11460},
                        {"due_date", "2026-11-15"}, {"add_to_arrears", false}})
                .status,
            201);
  auto outage = admin.post("/api/v1/outages", {{"kind", "planned"},
                                               {"reason", "线路检修"},
                                               {"starts_at", "2026-11-20T01:00:00Z"},
                                               {"ends_at", "2026-11-20T09:00:00Z"},
                                               {"region_codes", {"350102"}}});
  ASSERT_EQ(outage.status, 201) << outage.body;
  Client agent = s.signed_in(auth::Role::kAgent);
  auto r = agent.get("/api/v1/customers/lookup?phone=%2B86%20138-0591-0001");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.json();
  ASSERT_EQ(j["count"], 1);
  json m = j["matches"][0];
  EXPECT_EQ(m["customer"]["name"], "林小美");
  EXPECT_EQ(m["customer"]["id_number"], "350***********1234");
  EXPECT_EQ(m["arrears_total_fen"], 12345);
  ASSERT_EQ(m["accounts"].size(), 1u);
  EXPECT_EQ(m["accounts"][0]["account_no"], "3501000001");
  EXPECT_EQ(m["accounts"][0]["has_pin"], true);
  EXPECT_FALSE(m["accounts"][0].contains("pin_hash"));
  ASSERT_EQ(m["accounts"][0]["recent_bills"].size(), 1u);
  EXPECT_EQ(m["accounts"][0]["recent_bills"][0]["amount_fen"], 11460);
  ASSERT_EQ(m["outages"].size(), 1u);  // planned on the county: the service area inherits it
  EXPECT_EQ(m["outages"][0]["reason"], "线路检修");
  EXPECT_TRUE(m["open_work_orders"].is_array());
  EXPECT_TRUE(m["recent_contacts"].is_array());

  auto by_account = agent.get("/api/v1/customers/lookup?account=3501000001");
  ASSERT_EQ(by_account.status, 200);
  EXPECT_EQ(by_account.json()["matches"][0]["customer"]["name"], "林小美");
  auto landline = agent.get("/api/v1/customers/lookup?phone=059187654321");
  EXPECT_EQ(landline.status, 200);
}

TEST_F(CustomerApi, UnknownNumberIsCustomerNotFound) {
  Client agent = s.signed_in(auth::Role::kAgent);
  auto r = agent.get("/api/v1/customers/lookup?phone=13900000000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "customer_not_found");
  EXPECT_EQ(agent.get("/api/v1/customers/lookup").status, 400);
  EXPECT_EQ(agent.get("/api/v1/customers/lookup?phone=abc").error_code(), "invalid_phone");
}

TEST_F(CustomerApi, SharedNumberReturnsEveryCustomer) {
  create({{"name", "陈大明"}, {"region_code", "350102-01"}, {"phones", {"13700000001"}}});
  create({{"name", "陈小明"}, {"region_code", "350102-01"}, {"phones", {"13700000001"}}});
  Client agent = s.signed_in(auth::Role::kAgent);
  auto r = agent.get("/api/v1/customers/lookup?phone=13700000001");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["count"], 2);
}

TEST_F(CustomerApi, CityUserSeesOnlyTheirCity) {
  json fz = lin_xiaomei();
  json xm = create({{"name", "黄志强"}, {"region_code", "350203-01"}, {"phones", {"13900000002"}}});
  Client xiamen = s.signed_in(auth::Role::kAgent, "350200");
  EXPECT_EQ(xiamen.get("/api/v1/customers/lookup?phone=13900000002").status, 200);
  EXPECT_EQ(xiamen.get("/api/v1/customers/lookup?phone=13805910001").status, 404);
  EXPECT_EQ(xiamen.get("/api/v1/customers/lookup?account=3501000001").status, 404);
  EXPECT_EQ(xiamen.get("/api/v1/customers/" + std::to_string(fz["id"].get<int>())).status, 404);
  EXPECT_EQ(xiamen.get("/api/v1/customers/" + std::to_string(xm["id"].get<int>())).status, 200);
  auto list = xiamen.get("/api/v1/customers");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 1);
  EXPECT_EQ(list.json()["items"][0]["name"], "黄志强");
  Client province = s.signed_in(auth::Role::kAgent);
  EXPECT_EQ(province.get("/api/v1/customers").json()["total"], 2);
}

TEST_F(CustomerApi, ArrearsFilterAndPaging) {
  lin_xiaomei();
  for (int i = 0; i < 5; ++i)
    create({{"name", "客户" + std::to_string(i)},
            {"region_code", "350203-01"},
            {"accounts", {{{"account_no", "35020000" + std::to_string(10 + i)}}}}});
  auto arrears = admin.get("/api/v1/customers?has_arrears=true");
  ASSERT_EQ(arrears.status, 200);
  EXPECT_EQ(arrears.json()["total"], 1);
  EXPECT_EQ(arrears.json()["items"][0]["name"], "林小美");
  auto page = admin.get("/api/v1/customers?page=2&page_size=4");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.json()["total"], 6);
  EXPECT_EQ(page.json()["items"].size(), 2u);
  EXPECT_EQ(admin.get("/api/v1/customers?page_size=1000").error_code(), "invalid_page_size");
  EXPECT_EQ(admin.get("/api/v1/customers?has_arrears=maybe").status, 400);
  EXPECT_EQ(admin.get("/api/v1/customers?colour=red").error_code(), "unknown_parameter");
}

TEST_F(CustomerApi, CreateIsAllOrNothing) {
  lin_xiaomei();
  auto r = admin.post("/api/v1/customers",
                      {{"name", "重复户"},
                       {"region_code", "350102-01"},
                       {"accounts", {{{"account_no", "3509999999"}}, {{"account_no", "3501000001"}}}}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "account_no_taken");
  EXPECT_EQ(admin.get("/api/v1/customers?name=%E9%87%8D%E5%A4%8D").json()["total"], 0);
  EXPECT_EQ(admin.get("/api/v1/customers/lookup?account=3509999999").status, 404);
}

TEST_F(CustomerApi, PaymentPaysOldestBillsAndLowersArrears) {
  json c = create({{"name", "郑美玲"},
                   {"region_code", "350102-01"},
                   {"accounts", {{{"account_no", "3501000777"}}}}});
  std::string acc = "/api/v1/accounts/" + std::to_string(c["accounts"][0]["id"].get<int>());
  ASSERT_EQ(admin.post(acc + "/bills", {{"period", "2026-09"}, {"amount_fen", 5000}, {"due_date", "2026-10-15"}}).status, 201);
  ASSERT_EQ(admin.post(acc + "/bills", {{"period", "2026-10"}, {"amount_fen", 7000}, {"due_date", "2026-11-15"}}).status, 201);
  EXPECT_EQ(admin.get(acc).json()["arrears_fen"], 12000);
  auto paid = admin.post(acc + "/payments", {{"amount_fen", 6000}, {"channel", "wechat"}});
  ASSERT_EQ(paid.status, 201) << paid.body;
  EXPECT_EQ(paid.json()["account"]["arrears_fen"], 6000);
  auto bills = admin.get(acc + "/bills").json()["items"];
  ASSERT_EQ(bills.size(), 2u);
  EXPECT_EQ(bills[0]["period"], "2026-10");
  EXPECT_EQ(bills[0]["paid_fen"], 1000);
  EXPECT_EQ(bills[1]["status"], "paid");
  EXPECT_EQ(admin.post(acc + "/payments", {{"amount_fen", 0}}).error_code(), "invalid_value");
}

TEST_F(CustomerApi, ContactsAppearInTheScreenPop) {
  json c = lin_xiaomei();
  Client agent = s.signed_in(auth::Role::kAgent);
  auto r = agent.post("/api/v1/contacts", {{"customer_id", c["id"]},
                                           {"channel", "voice"},
                                           {"phone", "13805910001"},
                                           {"category", "inquiry"},
                                           {"summary", "询问电费"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto pop = agent.get("/api/v1/customers/lookup?phone=13805910001").json();
  ASSERT_EQ(pop["matches"][0]["recent_contacts"].size(), 1u);
  EXPECT_EQ(pop["matches"][0]["recent_contacts"][0]["summary"], "询问电费");
  auto history = agent.get("/api/v1/customers/" + std::to_string(c["id"].get<int>()) + "/contacts");
  EXPECT_EQ(history.json()["total"], 1);
}

}  // namespace
}  // namespace sy::test
