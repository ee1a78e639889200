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

TEST(OrderTypes, CustomFieldsRoundTripAndCheckOrderValues) {
  json j = to_json(shipped_order_types().front());
  j["fields"] = json::array(
      {{{"key", "meter_no"}, {"label", "表计编号"}, {"kind", "text"}, {"required", true}},
       {{"key", "phase"}, {"label", "相别"}, {"kind", "select"}, {"options", {"A", "B", "C"}}},
       {{"key", "households"}, {"label", "影响户数"}, {"kind", "number"}},
       {{"key", "since"}, {"label", "停电日期"}, {"kind", "date"}}});
  auto t = parse_order_type(j);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->fields.size(), 4u);
  EXPECT_EQ(t->fields[1].kind, FieldKind::kSelect);
  EXPECT_EQ(t->fields[1].options, (std::vector<std::string>{"A", "B", "C"}));
  auto again = parse_order_type(to_json(*t));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *t);

  EXPECT_TRUE(t->check_field_values({{"meter_no", "M-1"}, {"phase", "B"}, {"households", 12},
                                     {"since", "2026-11-20"}, {"other", "kept"}}));
  auto fails = [&](const json& values, const std::string& code, const std::string& field) {
    Status st = t->check_field_values(values);
    ASSERT_FALSE(st) << values.dump();
    EXPECT_EQ(st.error().code, code);
    EXPECT_EQ(st.error().field, field);
  };
  fails(json::object(), "missing_field", "fields.meter_no");
  fails({{"meter_no", ""}}, "missing_field", "fields.meter_no");
  fails({{"meter_no", "M"}, {"phase", "D"}}, "invalid_value", "fields.phase");
  fails({{"meter_no", "M"}, {"households", "many"}}, "invalid_value", "fields.households");
  fails({{"meter_no", "M"}, {"since", "20.11.2026"}}, "invalid_value", "fields.since");
}

TEST(OrderTypes, BrokenCustomFieldsNameTheField) {
  json j = to_json(shipped_order_types().front());
  auto expect_error = [&](const json& fields, const std::string& code, const std::string& field) {
    json def = j;
    def["fields"] = fields;
    auto r = parse_order_type(def);
    ASSERT_FALSE(r.ok()) << fields.dump();
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().field, field) << r.error().message;
  };
  json ok = {{"key", "a"}, {"label", "A"}, {"kind", "text"}};
  expect_error(json::array({{{"key", "Bad Key"}, {"label", "x"}, {"kind", "text"}}}),
               "invalid_value", "fields[0].key");
  expect_error(json::array({ok, {{"key", "b"}, {"label", "B"}, {"kind", "colour"}}}),
               "invalid_value", "fields[1].kind");
  expect_error(json::array({ok, {{"key", "b"}, {"label", "B"}, {"kind", "select"}}}),
               "missing_field", "fields[1].options");
  expect_error(json::array({ok, {{"key", "b"}, {"label", "B"}, {"kind", "select"},
                                 {"options", {"x", "x"}}}}),
               "invalid_value", "fields[1].options[1]");
  expect_error(json::array({ok, {{"key", "b"}, {"label", "B"}, {"kind", "text"},
                                 {"options", {"x"}}}}),
               "invalid_value", "fields[1].options");
  expect_error(json::array({ok, ok}), "invalid_value", "fields[1].key");
  expect_error(json::array({{{"key", "a"}, {"kind", "text"}}}), "missing_field",
               "fields[0].label");
  // The message names the path too, as the admin page shows it.
  json def = j;
  def["fields"] = json::array({{{"key", "b"}, {"label", "B"}, {"kind", "select"}}});
  auto r = parse_order_type(def);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "fields[0].options is required for a select field");
}

}  // namespace
}  // namespace sy::workflow
