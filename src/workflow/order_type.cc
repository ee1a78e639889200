// Parsing and printing type definitions. Errors carry the JSON path ("steps[2].arrive_within").
#include "workflow/order_type.h"

#include <algorithm>
#include <set>

namespace sy::workflow {
namespace {

using nlohmann::json;

Error invalid(std::string code, std::string message, std::string field) {
  return make_error(ErrorKind::kInvalidInput, std::move(code), std::move(message),
                    std::move(field));
}

std::string join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

// Reads fields of one object; remembers the first error and which fields were read.
class Reader {
 public:
  Reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j.is_object()) fail("invalid_type", "must be an object", path_);
  }
  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }
  void fail(std::string code, std::string message, std::string field) {
    if (error_) return;
    // The text first: `field` is moved into the error below.
    std::string text = field + " " + message;
    error_ = invalid(std::move(code), std::move(text), std::move(field));
  }
  void fail_field(const std::string& name, std::string code, std::string message) {
    fail(std::move(code), std::move(message), join(path_, name));
  }
  const json* get(const std::string& name) {
    if (!ok()) return nullptr;
    seen_.insert(name);
    auto it = j_.find(name);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string string(const std::string& name, bool required, std::size_t max_len = 64) {
    const json* v = get(name);
    if (!v) {
      if (required && ok()) fail_field(name, "missing_field", "is required");
      return {};
    }
    if (!v->is_string()) {
      fail_field(name, "invalid_type", "must be a string");
      return {};
    }
    std::string s = v->get<std::string>();
    if ((required && s.empty()) || s.size() > max_len) {
      fail_field(name, "invalid_value",
                 "must be 1 to " + std::to_string(max_len) + " bytes");
      return {};
    }
    return s;
  }
  bool boolean(const std::string& name) {
    const json* v = get(name);
    if (!v) return false;
    if (!v->is_boolean()) {
      fail_field(name, "invalid_type", "must be true or false");
      return false;
    }
    return v->get<bool>();
  }
  // Fails on fields nobody read, so a typo in an admin's definition is not silently ignored.
  void finish() {
    if (!ok() || !j_.is_object()) return;
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!seen_.count(it.key())) fail_field(it.key(), "unknown_field", "is not a known field");
  }
  const std::string& path() const { return path_; }

 private:
  const json& j_;
  std::string path_;
  std::optional<Error> error_;
  std::set<std::string> seen_;
};

const char* kAreaClasses[] = {"urban", "rural", "remote"};

std::optional<AreaDeadline> parse_area_deadline(Reader& parent, const std::string& name) {
  const json* v = parent.get(name);
  if (!v) return std::nullopt;
  std::string path = join(parent.path(), name);
  Reader r(*v, path);
  AreaDeadline d;
  if (!r.ok()) {
    parent.fail(r.error().code, "must be an object", path);
    return std::nullopt;
  }
  auto check = [&](const json& j, const std::string& p) -> std::optional<DeadlineSpec> {
    Reader sr(j, p);
    DeadlineSpec s;
    const json* a = sr.get("amount");
    if (!a) {
      if (sr.ok()) sr.fail_field("amount", "missing_field", "is required");
    } else if (!a->is_number_integer() || a->get<std::int64_t>() < 1 ||
               a->get<std::int64_t>() > 100000) {
      sr.fail_field("amount", "invalid_value", "must be a whole number from 1 to 100000");
    } else {
      s.amount = a->get<std::int64_t>();
    }
    std::string unit = sr.string("unit", true);
    if (sr.ok()) {
      auto u = parse_deadline_unit(unit);
      if (!u)
        sr.fail_field("unit", "invalid_value", "must be minutes, hours, days or working_days");
      else
        s.unit = *u;
    }
    if (&j == v) sr.get("by_area_class");  // handled below
    sr.finish();
    if (!sr.ok()) {
      const Error& e = sr.error();
      parent.fail(e.code, e.message.substr(e.field.size() + 1), e.field);
      return std::nullopt;
    }
    return s;
  };
  auto base = check(*v, path);
  if (!base) return std::nullopt;
  d.base = *base;
  if (const json* by = r.get("by_area_class")) {
    std::string bp = join(path, "by_area_class");
    if (!by->is_object()) {
      parent.fail("invalid_type", "must be an object", bp);
      return std::nullopt;
    }
    for (auto it = by->begin(); it != by->end(); ++it) {
      if (std::find(std::begin(kAreaClasses), std::end(kAreaClasses), it.key()) ==
          std::end(kAreaClasses)) {
        parent.fail("invalid_value", "must be urban, rural or remote", join(bp, it.key()));
        return std::nullopt;
      }
      auto spec = check(*it, join(bp, it.key()));
      if (!spec) return std::nullopt;
      d.by_area_class[it.key()] = *spec;
    }
  }
  return d;
}

void absorb(Reader& parent, const Reader& child) {
  if (!child.ok()) {
    const Error& e = child.error();
    parent.fail(e.code, e.message.substr(std::min(e.message.size(), e.field.size() + 1)),
                e.field);
  }
}

std::vector<Step> parse_steps(Reader& r) {
  std::vector<Step> steps;
  const json* v = r.get("steps");
  std::string path = join(r.path(), "steps");
  if (!v) {
    if (r.ok()) r.fail("missing_field", "is required", path);
    return steps;
  }
  if (!v->is_array() || v->empty() || v->size() > 20) {
    r.fail("invalid_value", "must be a list of 1 to 20 steps", path);
    return steps;
  }
  std::set<std::string> codes;
  for (std::size_t i = 0; i < v->size() && r.ok(); ++i) {
    Reader s((*v)[i], path + "[" + std::to_string(i) + "]");
    Step step;
    step.code = s.string("code", true);
    step.name = s.string("name", true, 128);
    std::string taker = s.string("taker", true);
    if (s.ok() && taker != "department" && taker != "team")
      s.fail_field("taker", "invalid_value", "must be department or team");
    step.taker = taker == "team" ? TakerKind::kTeam : TakerKind::kDepartment;
    step.taker_name = s.string("taker_name", true, 128);
    step.arrive_within = parse_area_deadline(s, "arrive_within");
    step.complete_within = parse_area_deadline(s, "complete_within");
    step.complete_from_arrival = s.boolean("complete_from_arrival");
    s.finish();
    if (s.ok() && !codes.insert(step.code).second)
      s.fail_field("code", "invalid_value", "repeats an earlier step's code");
    absorb(r, s);
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<Subtype> parse_subtypes(Reader& r) {
  std::vector<Subtype> out;
  const json* v = r.get("subtypes");
  std::string path = join(r.path(), "subtypes");
  if (!v) return out;
  if (!v->is_array() || v->size() > 50) {
    r.fail("invalid_value", "must be a list of at most 50 subtypes", path);
    return out;
  }
  std::set<std::string> codes;
  for (std::size_t i = 0; i < v->size() && r.ok(); ++i) {
    Reader s((*v)[i], path + "[" + std::to_string(i) + "]");
    Subtype st;
    st.code = s.string("code", true);
    st.name = s.string("name", true, 128);
    if (auto ahead = parse_area_deadline(s, "notice_ahead")) st.notice_ahead = ahead->base;
    s.finish();
    if (s.ok() && !codes.insert(st.code).second)
      s.fail_field("code", "invalid_value", "repeats an earlier subtype's code");
    absorb(r, s);
    out.push_back(std::move(st));
  }
  return out;
}

json spec_json(const DeadlineSpec& s) {
  return {{"amount", s.amount}, {"unit", std::string(to_string(s.unit))}};
}

json area_json(const AreaDeadline& d) {
  json j = spec_json(d.base);
  if (!d.by_area_class.empty()) {
    json by = json::object();
    for (const auto& [k, v] : d.by_area_class) by[k] = spec_json(v);
    j["by_area_class"] = by;
  }
  return j;
}

bool valid_code(const std::string& code) {
  if (code.empty() || code.size() > 32) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

const char* kFieldKinds[] = {"text", "number", "select", "date"};

const char* kind_name(FieldKind k) { return kFieldKinds[static_cast<int>(k)]; }

std::vector<std::string> parse_options(Reader& s, const std::string& path) {
  std::vector<std::string> out;
  const json* v = s.get("options");
  std::string p = join(path, "options");
  if (!v) {
    if (s.ok()) s.fail("missing_field", "is required for a select field", p);
    return out;
  }
  if (!v->is_array() || v->empty() || v->size() > 50) {
    s.fail("invalid_value", "must be a list of 1 to 50 options", p);
    return out;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < v->size() && s.ok(); ++i) {
    const json& o = (*v)[i];
    std::string op = p + "[" + std::to_string(i) + "]";
    if (!o.is_string() || o.get<std::string>().empty() || o.get<std::string>().size() > 64)
      s.fail("invalid_value", "must be text of 1 to 64 bytes", op);
    else if (!seen.insert(o.get<std::string>()).second)
      s.fail("invalid_value", "repeats an earlier option", op);
    else
      out.push_back(o.get<std::string>());
  }
  return out;
}

std::vector<CustomField> parse_fields(Reader& r) {
  std::vector<CustomField> out;
  const json* v = r.get("fields");
  std::string path = join(r.path(), "fields");
  if (!v) return out;
  if (!v->is_array() || v->size() > 30) {
    r.fail("invalid_value", "must be a list of at most 30 fields", path);
    return out;
  }
  std::set<std::string> keys;
  for (std::size_t i = 0; i < v->size() && r.ok(); ++i) {
    std::string fp = path + "[" + std::to_string(i) + "]";
    Reader s((*v)[i], fp);
    CustomField f;
    f.key = s.string("key", true, 32);
    if (s.ok() && !valid_code(f.key))
      s.fail_field("key", "invalid_value", "must be lower-case letters, digits and _");
    f.label = s.string("label", true, 128);
    std::string kind = s.string("kind", true, 16);
    const auto* k = std::find_if(std::begin(kFieldKinds), std::end(kFieldKinds),
                                 [&](const char* n) { return kind == n; });
    if (s.ok() && k == std::end(kFieldKinds))
      s.fail_field("kind", "invalid_value", "must be text, number, select or date");
    else if (s.ok())
      f.kind = static_cast<FieldKind>(k - std::begin(kFieldKinds));
    f.required = s.boolean("required");
    if (s.ok() && f.kind == FieldKind::kSelect) {
      f.options = parse_options(s, fp);
    } else if (s.ok() && s.get("options")) {
      s.fail_field("options", "invalid_value", "only a select field has options");
    }
    s.finish();
    if (s.ok() && !keys.insert(f.key).second)
      s.fail_field("key", "invalid_value", "repeats an earlier field's key");
    absorb(r, s);
    out.push_back(std::move(f));
  }
  return out;
}

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  int month = std::stoi(d.substr(5, 2));
  int day = std::stoi(d.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

Status OrderType::check_field_values(const json& values) const {
  for (const CustomField& f : fields) {
    std::string path = "fields." + f.key;
    const json* v = nullptr;
    if (values.is_object()) {
      auto it = values.find(f.key);
      if (it != values.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty()))
        v = &*it;
    }
    if (!v) {
      if (f.required)
        return invalid("missing_field", std::string("a ") + name + " order needs '" + f.label + "'", path);
      continue;
    }
    switch (f.kind) {
      case FieldKind::kText:
        if (!v->is_string() || v->get<std::string>().size() > 1000)
          return invalid("invalid_value", f.label + " must be text of at most 1000 bytes", path);
        break;
      case FieldKind::kNumber:
        if (!v->is_number())
          return invalid("invalid_value", f.label + " must be a number", path);
        break;
      case FieldKind::kSelect:
        if (!v->is_string() ||
            std::find(f.options.begin(), f.options.end(), v->get<std::string>()) ==
                f.options.end())
          return invalid("invalid_value", f.label + " must be one of its options", path);
        break;
      case FieldKind::kDate:
        if (!v->is_string() || !valid_date(v->get<std::string>()))
          return invalid("invalid_value", f.label + " must be a date YYYY-MM-DD", path);
        break;
    }
  }
  return {};
}

const Subtype* OrderType::find_subtype(const std::string& code) const {
  for (const Subtype& s : subtypes)
    if (s.code == code) return &s;
  return nullptr;
}

bool OrderType::requires_field(const std::string& field) const {
  return std::find(required_fields.begin(), required_fields.end(), field) !=
         required_fields.end();
}

Result<OrderType> parse_order_type(const json& j) {
  Reader r(j, "");
  OrderType t;
  t.code = r.string("code", true, 32);
  if (r.ok() && !valid_code(t.code))
    r.fail_field("code", "invalid_value", "must be lower-case letters, digits and _");
  t.name = r.string("name", true, 128);
  t.category = r.string("category", true, 32);
  if (r.ok() && !valid_code(t.category))
    r.fail_field("category", "invalid_value", "must be lower-case letters, digits and _");
  t.subtypes = parse_subtypes(r);
  t.steps = parse_steps(r);
  t.overall = parse_area_deadline(r, "overall");
  t.return_visit = r.boolean("return_visit");
  t.resolve_on_call = r.boolean("resolve_on_call");
  t.refuse_with_arrears = r.boolean("refuse_with_arrears");
  t.merge_with_outage = r.boolean("merge_with_outage");
  if (const json* f = r.get("required_fields")) {
    if (!f->is_array()) r.fail_field("required_fields", "invalid_type", "must be a list");
    for (std::size_t i = 0; r.ok() && f->is_array() && i < f->size(); ++i) {
      const json& item = (*f)[i];
      bool known = item.is_string() &&
                   std::any_of(std::begin(kKnownRequiredFields), std::end(kKnownRequiredFields),
                               [&](const char* k) { return item.get<std::string>() == k; });
      if (!known) {
        r.fail("invalid_value", "must be one of customer, account, subtype, description, call_id",
               "required_fields[" + std::to_string(i) + "]");
      } else {
        t.required_fields.push_back(item.get<std::string>());
      }
    }
  }
  t.fields = parse_fields(r);
  if (r.ok() && t.requires_field("subtype") && t.subtypes.empty())
    r.fail_field("required_fields", "invalid_value", "requires a subtype but none are listed");
  r.finish();
  if (!r.ok()) return r.error();
  return t;
}

json to_json(const OrderType& t) {
  json steps = json::array();
  for (const Step& s : t.steps) {
    json j = {{"code", s.code},
              {"name", s.name},
              {"taker", s.taker == TakerKind::kTeam ? "team" : "department"},
              {"taker_name", s.taker_name}};
    if (s.arrive_within) j["arrive_within"] = area_json(*s.arrive_within);
    if (s.complete_within) j["complete_within"] = area_json(*s.complete_within);
    if (s.complete_from_arrival) j["complete_from_arrival"] = true;
    steps.push_back(std::move(j));
  }
  json subtypes = json::array();
  for (const Subtype& s : t.subtypes) {
    json j = {{"code", s.code}, {"name", s.name}};
    if (s.notice_ahead) j["notice_ahead"] = spec_json(*s.notice_ahead);
    subtypes.push_back(std::move(j));
  }
  json out = {{"code", t.code},
              {"name", t.name},
              {"category", t.category},
              {"subtypes", subtypes},
              {"steps", steps},
              {"return_visit", t.return_visit},
              {"resolve_on_call", t.resolve_on_call},
              {"refuse_with_arrears", t.refuse_with_arrears},
              {"merge_with_outage", t.merge_with_outage},
              {"required_fields", t.required_fields}};
  json fields = json::array();
  for (const CustomField& f : t.fields) {
    json j = {{"key", f.key}, {"label", f.label}, {"kind", kind_name(f.kind)},
              {"required", f.required}};
    if (f.kind == FieldKind::kSelect) j["options"] = f.options;
    fields.push_back(std::move(j));
  }
  out["fields"] = std::move(fields);
  if (t.overall) out["overall"] = area_json(*t.overall);
  return out;
}

}  // namespace sy::workflow
