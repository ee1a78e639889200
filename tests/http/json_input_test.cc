// JSON input: bad JSON with line/column, content type, and the typed object reader's precise
// errors (missing, wrong type, unknown, out of range, bad enum, nested paths).
#include "http/json_input.h"
#include "http/response.h"

#include <gtest/gtest.h>

namespace sy::http {
namespace {

using nlohmann::json;

Request json_request(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = Method::kPost;
  r.headers.add("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

TEST(ParseJsonBody, NamesLineAndColumnOfTheMistake) {
  auto r = parse_json_body(json_request("{\n  \"name\": \"x\",\n  \"vip\": tru\n}"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_json");
  EXPECT_EQ(status_for(r.error()), 400);
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("column"), std::string::npos);
}

TEST(ParseJsonBody, EmptyBodyIsInvalidJson) {
  auto r = parse_json_body(json_request("  "));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_json");
}

TEST(ParseJsonBody, RequiresAJsonContentType) {
  auto r = parse_json_body(json_request("{}", "text/plain"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unsupported_media_type");
  EXPECT_EQ(status_for(r.error()), 415);
  EXPECT_TRUE(parse_json_body(json_request("{}", "application/json; charset=utf-8")).ok());
  EXPECT_TRUE(parse_json_body(json_request("{}", "application/merge-patch+json")).ok());
  Request none;
  none.body = "{}";
  EXPECT_FALSE(parse_json_body(none).ok());
}

TEST(JsonObjectReader, ReadsTypedFields) {
  json body = json::parse(R"({"name":"张三","vip_level":2,"active":true,"language":"zh-CN",
                              "phones":["13800000000"],"address":{"city":"福州"}})");
  JsonObjectReader r(body);
  EXPECT_EQ(r.required_string("name", 1, 2), "张三");  // length counts characters, not bytes
  EXPECT_EQ(r.optional_int("vip_level", 0, 3), 2);
  EXPECT_EQ(r.optional_bool("active"), true);
  EXPECT_EQ(r.optional_enum("language", {"zh-CN", "en-US"}), "zh-CN");
  EXPECT_EQ(r.optional_string_array("phones")->at(0), "13800000000");
  auto address = r.required_object("address");
  EXPECT_EQ(address.required_string("city"), "福州");
  EXPECT_TRUE(address.finish().ok());
  EXPECT_FALSE(r.optional_string("note").has_value());
  EXPECT_TRUE(r.finish().ok());
}

Error first_error(const json& body, const std::function<void(JsonObjectReader&)>& read) {
  JsonObjectReader r(body);
  read(r);
  Status st = r.finish();
  EXPECT_FALSE(st.ok());
  return st.ok() ? Error{} : st.error();
}

TEST(JsonObjectReader, MissingFieldNamesIt) {
  Error e = first_error(json::parse(R"({"vip_level":1})"), [](JsonObjectReader& r) {
    r.required_string("name");
    r.optional_int("vip_level");
  });
  EXPECT_EQ(e.code, "missing_field");
  EXPECT_EQ(e.field, "name");
  EXPECT_EQ(status_for(e), 400);
}

TEST(JsonObjectReader, WrongTypeNamesTheFieldAndTheTypes) {
  Error e = first_error(json::parse(R"({"vip_level":"high"})"),
                        [](JsonObjectReader& r) { r.optional_int("vip_level", 0, 3); });
  EXPECT_EQ(e.code, "invalid_type");
  EXPECT_EQ(e.field, "vip_level");
  EXPECT_NE(e.message.find("integer"), std::string::npos);
  Error fraction =
      first_error(json::parse(R"({"n":1.5})"), [](JsonObjectReader& r) { r.required_int("n"); });
  EXPECT_EQ(fraction.code, "invalid_type");
}

TEST(JsonObjectReader, UnknownFieldIsReportedByFinish) {
  Error e = first_error(json::parse(R"({"name":"a","nmae":"b"})"),
                        [](JsonObjectReader& r) { r.required_string("name"); });
  EXPECT_EQ(e.code, "unknown_field");
  EXPECT_EQ(e.field, "nmae");
}

TEST(JsonObjectReader, OutOfRangeAndBadEnumAreInvalidValue) {
  Error range = first_error(json::parse(R"({"vip_level":7})"),
                            [](JsonObjectReader& r) { r.optional_int("vip_level", 0, 3); });
  EXPECT_EQ(range.code, "invalid_value");
  EXPECT_EQ(range.field, "vip_level");
  Error big = first_error(json::parse(R"({"n":18446744073709551615})"),
                          [](JsonObjectReader& r) { r.required_int("n"); });
  EXPECT_EQ(big.code, "invalid_value");
  Error en = first_error(json::parse(R"({"type":"commercial"})"), [](JsonObjectReader& r) {
    r.required_enum("type", {"residential", "business"});
  });
  EXPECT_EQ(en.code, "invalid_value");
  EXPECT_NE(en.message.find("residential, business"), std::string::npos);
  Error empty = first_error(json::parse(R"({"name":""})"),
                            [](JsonObjectReader& r) { r.required_string("name"); });
  EXPECT_EQ(empty.code, "invalid_value");
}

TEST(JsonObjectReader, NestedErrorsCarryTheFullPath) {
  Error e = first_error(json::parse(R"({"address":{"city":5}})"), [](JsonObjectReader& r) {
    auto a = r.required_object("address");
    a.required_string("city");
    (void)a.finish();
  });
  EXPECT_EQ(e.field, "address.city");
  Error arr = first_error(json::parse(R"({"phones":["1",2]})"),
                          [](JsonObjectReader& r) { r.optional_string_array("phones"); });
  EXPECT_EQ(arr.code, "invalid_type");
  EXPECT_EQ(arr.field, "phones[1]");
  Error unknown =
      first_error(json::parse(R"({"address":{"city":"a","zip":1}})"), [](JsonObjectReader& r) {
        auto a = r.required_object("address");
        a.required_string("city");
        (void)a.finish();
      });
  EXPECT_EQ(unknown.code, "unknown_field");
  EXPECT_EQ(unknown.field, "address.zip");
}

TEST(JsonObjectReader, BodyMustBeAnObject) {
  json body = json::parse("[1,2]");
  JsonObjectReader r(body);
  r.required_string("name");
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "invalid_type");
}

TEST(JsonObjectReader, NullMeansAbsentForOptionalAndMissingForRequired) {
  json body = json::parse(R"({"note":null,"name":null})");
  JsonObjectReader r(body);
  EXPECT_TRUE(r.is_null("note"));
  EXPECT_FALSE(r.optional_string("note").has_value());
  EXPECT_TRUE(r.ok());
  r.required_string("name");
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "missing_field");
}

TEST(JsonObjectReader, CustomFailureKeepsTheShape) {
  json body = json::parse(R"({"phone":"abc"})");
  JsonObjectReader r(body);
  std::string phone = r.required_string("phone");
  if (phone.find_first_not_of("0123456789") != std::string::npos) {
    r.fail("phone", "invalid_value", "phone must contain digits only");
  }
  Status st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "phone");
}

}  // namespace
}  // namespace sy::http
