// Parse, don't validate: turns a request body into JSON and a JSON object into typed fields,
// with a precise error for the first problem (design §5 error shape):
//   400 invalid_json (message names line and column), 415 unsupported_media_type,
//   400 missing_field / invalid_type / unknown_field / invalid_value with the field's path.
//
//   auto body = parse_json_body(req);
//   if (!body) return Response::error(body.error());
//   JsonObjectReader r(*body);
//   std::string name = r.required_string("name", 1, 64);
//   std::int64_t vip = r.optional_int("vip_level", 0, 3).value_or(0);
//   std::string lang = r.optional_enum("language", {"zh-CN", "en-US"}).value_or("zh-CN");
//   if (Status st = r.finish(); !st) return Response::error(st.error());
//
// After the first error, readers return empty values and finish() reports that error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/request.h"

namespace sy::http {

// Requires a JSON content type (application/json or application/*+json; 415 otherwise) and a
// well-formed body (400 invalid_json "… at line L, column C"). An empty body is invalid_json.
Result<nlohmann::json> parse_json_body(const Request& req);
// Parses without the content-type check.
Result<nlohmann::json> parse_json_text(std::string_view text);

class JsonObjectReader {
 public:
  // `value` must outlive the reader. A non-object value is an invalid_type error at `path`
  // (path "" means the body itself).
  explicit JsonObjectReader(const nlohmann::json& value, std::string path = {});

  // Strings: length in UTF-8 code points; out of range is invalid_value. A required field that
  // is absent or null is missing_field.
  std::string required_string(std::string_view name, std::size_t min_len = 1,
                              std::size_t max_len = 1024);
  std::optional<std::string> optional_string(std::string_view name, std::size_t min_len = 0,
                                             std::size_t max_len = 1024);

  // Integers (JSON numbers without a fraction); out of [min, max] is invalid_value.
  std::int64_t required_int(std::string_view name,
                            std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                            std::int64_t max = std::numeric_limits<std::int64_t>::max());
  std::optional<std::int64_t> optional_int(
      std::string_view name, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
      std::int64_t max = std::numeric_limits<std::int64_t>::max());

  bool required_bool(std::string_view name);
  std::optional<bool> optional_bool(std::string_view name);

  // A string that must be one of `allowed` (invalid_value lists them).
  std::string required_enum(std::string_view name, std::initializer_list<std::string_view> allowed);
  std::optional<std::string> optional_enum(std::string_view name,
                                           std::initializer_list<std::string_view> allowed);

  // Arrays of strings (each checked like optional_string) / of integers.
  std::optional<std::vector<std::string>> optional_string_array(std::string_view name,
                                                                std::size_t max_items = 100,
                                                                std::size_t max_len = 1024);
  std::optional<std::vector<std::int64_t>> optional_int_array(
      std::string_view name, std::size_t max_items = 1000,
      std::int64_t min = std::numeric_limits<std::int64_t>::min(),
      std::int64_t max = std::numeric_limits<std::int64_t>::max());

  // A nested object read by its own reader, sharing this reader's first error; field paths are
  // prefixed ("address.city"). Call finish() on it too, before this reader's finish().
  // When absent: required_object records missing_field; optional_object returns nullopt.
  JsonObjectReader required_object(std::string_view name);
  std::optional<JsonObjectReader> optional_object(std::string_view name);

  // Any JSON value, marked as known (no type check); null pointer when absent.
  const nlohmann::json* raw(std::string_view name);

  bool has(std::string_view name) const;      // present and not null
  bool is_null(std::string_view name) const;  // present and null (PATCH: clear the field)

  // Records a custom validation error for a field of this object (first error wins).
  void fail(std::string_view name, std::string code, std::string message);

  // Reports the first error; otherwise unknown_field for the first field not read.
  Status finish();
  bool ok() const { return !state_->error.has_value(); }
  std::string field_path(std::string_view name) const;

 private:
  struct State {
    std::optional<Error> error;
  };
  JsonObjectReader(const nlohmann::json* value, std::string path, std::shared_ptr<State> state);
  // The field when present and not null (and marks it known); null pointer otherwise.
  const nlohmann::json* lookup(std::string_view name);
  const nlohmann::json* lookup_required(std::string_view name);
  void set_error(ErrorKind kind, std::string code, std::string message, std::string field);
  void type_error(std::string_view name, std::string_view expected);

  const nlohmann::json* value_;
  std::string path_;
  std::shared_ptr<State> state_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace sy::http
