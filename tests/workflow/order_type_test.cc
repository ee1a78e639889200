// Type definitions as admins edit them: every shipped type survives a JSON round trip, and a
// broken definition is refused naming the field.
#include <gtest/gtest.h>

#include <set>

#include "workflow/order_type.h"

namespace sy::workflow {
namespace {

using nlohmann::json;

TEST(OrderTypes, ShippedTypesCoverTheHotline) {
  std::set<std::string> codes;
  for (const OrderType& t : shipped_order_types()) codes.insert(t.code);
  for (const char* c : {"repair", "complaint", "report", "inquiry", "suggestion", "praise",
                        "new_installation", "business_change", "arrears", "outage_notice"})
    EXPECT_TRUE(codes.count(c)) << c;
  for (const OrderType& t : shipped_order_types()) {
    if (t.code != "business_change") continue;
    EXPECT_EQ(t.subtypes.size(), 11u);
    EXPECT_TRUE(t.refuse_with_arrears);
    EXPECT_TRUE(t.find_subtype("account_close"));
  }
}

TEST(OrderTypes, EveryShippedTypeRoundTripsThroughJson) {
  for (const OrderType& t : shipped_order_types()) {
    auto parsed = parse_order_type(to_json(t));
    ASSERT_TRUE(parsed.ok()) << t.code << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, t) << t.code;
  }
}

TEST(OrderTypes, BrokenDefinitionsNameTheField) {
  json j = to_json(shipped_order_types().front());
  auto expect_error = [](const json& def, const std::string& code, const std::string& field) {
    auto r = parse_order_type(def);
    ASSERT_FALSE(r.ok()) << def.dump();
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().field, field) << r.error().message;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  };
  json a = j;
  a["steps"] = json::array();
  expect_error(a, "invalid_value", "steps");
  json b = j;
  b["steps"][0]["arrive_within"]["unit"] = "fortnights";
  expect_error(b, "invalid_value", "steps[0].arrive_within.unit");
  json c = j;
  c["steps"][0]["arrive_within"]["by_area_class"]["mountain"] = {{"amount", 1},
                                                                 {"unit", "hours"}};
  expect_error(c, "invalid_value", "steps[0].arrive_within.by_area_class.mountain");
  json d = j;
  d["colour"] = "red";
  expect_error(d, "unknown_field", "colour");
  json e = j;
  e.erase("name");
  expect_error(e, "missing_field", "name");
  json f = j;
  f["code"] = "Repair Orders";
  expect_error(f, "invalid_value", "code");
  json g = j;
  g["steps"][0]["arrive_within"]["amount"] = 0;
  expect_error(g, "invalid_value", "steps[0].arrive_within.amount");
  json h = j;
  h["required_fields"] = {"customer", "shoe_size"};
  expect_error(h, "invalid_value", "required_fields[1]");
  expect_error(json::array(), "invalid_type", "");
}

}  // namespace
}  // namespace sy::workflow
