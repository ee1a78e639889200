// JSON body parsing with line/column errors, and the typed object reader.
#include "http/json_input.h"

#include <algorithm>

namespace sy::http {

namespace {

using nlohmann::json;

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "a value";
  }
}

// Number of UTF-8 code points (continuation bytes are not counted).
std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool is_json_content_type(std::string_view ct) {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  if (iequals(ct, "application/json")) return true;
  return ct.size() > 17 && iequals(ct.substr(0, 12), "application/") &&
         iequals(ct.substr(ct.size() - 5), "+json");
}

std::string join_allowed(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (auto a : allowed) {
    if (!out.empty()) out += ", ";
    out += a;
  }
  return out;
}

}  // namespace

Result<json> parse_json_text(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return make_error(ErrorKind::kInvalidInput, "invalid_json", "the request body is empty");
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based offset of the offending byte; turn it into line and column.
    std::size_t offset = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((text[i] & 0xC0) != 0x80) {
        ++column;
      }
    }
    return make_error(
        ErrorKind::kInvalidInput, "invalid_json",
        "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column));
  }
}

Result<json> parse_json_body(const Request& req) {
  auto ct = req.headers.get("Content-Type");
  if (!ct || !is_json_content_type(*ct)) {
    return make_error(ErrorKind::kInvalidInput, "unsupported_media_type",
                      "the request body must be application/json");
  }
  return parse_json_text(req.body);
}

JsonObjectReader::JsonObjectReader(const json& value, std::string path)
    : JsonObjectReader(&value, std::move(path), std::make_shared<State>()) {}

JsonObjectReader::JsonObjectReader(const json* value, std::string path,
                                   std::shared_ptr<State> state)
    : value_(value), path_(std::move(path)), state_(std::move(state)) {
  if (value_ && !value_->is_object()) {
    set_error(ErrorKind::kInvalidInput, "invalid_type",
              (path_.empty() ? std::string("the request body") : path_) +
                  " must be a JSON object, not " + type_name(*value_),
              path_);
    value_ = nullptr;
  }
}

std::string JsonObjectReader::field_path(std::string_view name) const {
  return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
}

void JsonObjectReader::set_error(ErrorKind kind, std::string code, std::string message,
                                 std::string field) {
  if (!state_->error)
    state_->error = make_error(kind, std::move(code), std::move(message), std::move(field));
}

void JsonObjectReader::fail(std::string_view name, std::string code, std::string message) {
  set_error(ErrorKind::kInvalidInput, std::move(code), std::move(message), field_path(name));
}

void JsonObjectReader::type_error(std::string_view name, std::string_view expected) {
  const json* v = nullptr;
  if (value_) {
    auto it = value_->find(name);
    if (it != value_->end()) v = &*it;
  }
  set_error(ErrorKind::kInvalidInput, "invalid_type",
            field_path(name) + " must be " + std::string(expected) +
                (v ? ", not " + type_name(*v) : std::string()),
            field_path(name));
}

const json* JsonObjectReader::lookup(std::string_view name) {
  seen_.emplace(name);
  if (!ok() || !value_) return nullptr;
  auto it = value_->find(name);
  if (it == value_->end() || it->is_null()) return nullptr;
  return &*it;
}

const json* JsonObjectReader::lookup_required(std::string_view name) {
  const json* v = lookup(name);
  if (!v && ok() && value_) {
    set_error(ErrorKind::kInvalidInput, "missing_field", field_path(name) + " is required",
              field_path(name));
  }
  return v;
}

bool JsonObjectReader::has(std::string_view name) const {
  if (!value_) return false;
  auto it = value_->find(name);
  return it != value_->end() && !it->is_null();
}

bool JsonObjectReader::is_null(std::string_view name) const {
  if (!value_) return false;
  auto it = value_->find(name);
  return it != value_->end() && it->is_null();
}

const json* JsonObjectReader::raw(std::string_view name) { return lookup(name); }

std::optional<std::string> JsonObjectReader::optional_string(std::string_view name,
                                                             std::size_t min_len,
                                                             std::size_t max_len) {
  const json* v = lookup(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    type_error(name, "a string");
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  std::size_t len = utf8_length(s);
  if (len < min_len || len > max_len) {
    fail(name, "invalid_value",
         field_path(name) + " must be " + std::to_string(min_len) + " to " +
             std::to_string(max_len) + " characters long");
    return std::nullopt;
  }
  return s;
}

std::string JsonObjectReader::required_string(std::string_view name, std::size_t min_len,
                                              std::size_t max_len) {
  if (!lookup_required(name)) return {};
  return optional_string(name, min_len, max_len).value_or(std::string());
}

std::optional<std::int64_t> JsonObjectReader::optional_int(std::string_view name, std::int64_t min,
                                                           std::int64_t max) {
  const json* v = lookup(name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(name, "invalid_value", field_path(name) + " is out of range");
      return std::nullopt;
    }
    n = static_cast<std::int64_t>(u);
  } else if (v->is_number_integer()) {
    n = v->get<std::int64_t>();
  } else {
    type_error(name, "an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(name, "invalid_value",
         field_path(name) + " must be between " + std::to_string(min) + " and " +
             std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::int64_t JsonObjectReader::required_int(std::string_view name, std::int64_t min,
                                            std::int64_t max) {
  if (!lookup_required(name)) return 0;
  return optional_int(name, min, max).value_or(0);
}

std::optional<bool> JsonObjectReader::optional_bool(std::string_view name) {
  const json* v = lookup(name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    type_error(name, "a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

bool JsonObjectReader::required_bool(std::string_view name) {
  if (!lookup_required(name)) return false;
  return optional_bool(name).value_or(false);
}

std::optional<std::string> JsonObjectReader::optional_enum(
    std::string_view name, std::initializer_list<std::string_view> allowed) {
  auto s = optional_string(name, 0, 1024);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    fail(name, "invalid_value", field_path(name) + " must be one of: " + join_allowed(allowed));
    return std::nullopt;
  }
  return s;
}

std::string JsonObjectReader::required_enum(std::string_view name,
                                            std::initializer_list<std::string_view> allowed) {
  if (!lookup_required(name)) return {};
  return optional_enum(name, allowed).value_or(std::string());
}

std::optional<std::vector<std::string>> JsonObjectReader::optional_string_array(
    std::string_view name, std::size_t max_items, std::size_t max_len) {
  const json* v = lookup(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    type_error(name, "an array of strings");
    return std::nullopt;
  }
  if (v->size() > max_items) {
    fail(name, "invalid_value",
         field_path(name) + " may hold at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    std::string item_path = std::string(name) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) {
      set_error(ErrorKind::kInvalidInput, "invalid_type",
                field_path(item_path) + " must be a string, not " + type_name(item),
                field_path(item_path));
      return std::nullopt;
    }
    if (utf8_length(item.get_ref<const std::string&>()) > max_len) {
      fail(item_path, "invalid_value",
           field_path(item_path) + " must be at most " + std::to_string(max_len) +
               " characters long");
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::vector<std::int64_t>> JsonObjectReader::optional_int_array(std::string_view name,
                                                                              std::size_t max_items,
                                                                              std::int64_t min,
                                                                              std::int64_t max) {
  const json* v = lookup(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    type_error(name, "an array of integers");
    return std::nullopt;
  }
  if (v->size() > max_items) {
    fail(name, "invalid_value",
         field_path(name) + " may hold at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    std::string item_path = field_path(std::string(name) + "[" + std::to_string(i) + "]");
    bool integral = item.is_number_integer() &&
                    (!item.is_number_unsigned() ||
                     item.get<std::uint64_t>() <=
                         static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (!integral) {
      set_error(ErrorKind::kInvalidInput, "invalid_type",
                item_path + " must be an integer, not " + type_name(item), item_path);
      return std::nullopt;
    }
    std::int64_t n = item.get<std::int64_t>();
    if (n < min || n > max) {
      set_error(
          ErrorKind::kInvalidInput, "invalid_value",
          item_path + " must be between " + std::to_string(min) + " and " + std::to_string(max),
          item_path);
      return std::nullopt;
    }
    out.push_back(n);
  }
  return out;
}

std::optional<JsonObjectReader> JsonObjectReader::optional_object(std::string_view name) {
  const json* v = lookup(name);
  if (!v) return std::nullopt;
  return JsonObjectReader(v, field_path(name), state_);
}

JsonObjectReader JsonObjectReader::required_object(std::string_view name) {
  const json* v = lookup_required(name);
  return JsonObjectReader(v, field_path(name), state_);
}

Status JsonObjectReader::finish() {
  if (state_->error) return *state_->error;
  if (value_) {
    for (const auto& [key, unused] : value_->items()) {
      if (seen_.find(key) == seen_.end()) {
        set_error(ErrorKind::kInvalidInput, "unknown_field",
                  field_path(key) + " is not a known field", field_path(key));
        return *state_->error;
      }
    }
  }
  return ok_status();
}

}  // namespace sy::http
