#include "api/json_codec.h"

#include <charconv>

#include "auth/roles.h"

namespace sy::api {

json time_or_null(const std::optional<TimePoint>& t) {
  return t ? json(format_rfc3339(*t)) : json(nullptr);
}

namespace {
template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}
}  // namespace

json to_json(const store::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", auth::to_string(u.role)},
          {"region_code", opt(u.region_code)},
          {"extension", opt(u.extension)},
          {"mobile", opt(u.mobile)},
          {"disabled", u.disabled},
          {"locked_until", time_or_null(u.locked_until)},
          {"created_at", format_rfc3339(u.created_at)},
          {"updated_at", format_rfc3339(u.updated_at)}};
}

json to_json(const store::Region& r) {
  return {{"code", r.code},         {"parent_code", opt(r.parent_code)},
          {"name", r.name},         {"level", store::to_string(r.level)},
          {"area_class", r.area_class}, {"centre", r.centre}};
}

json to_json(const store::Customer& c) {
  return {{"id", c.id},
          {"customer_no", c.customer_no},
          {"name", c.name},
          {"kind", c.kind},
          {"id_number", c.id_number_masked},
          {"address", c.address},
          {"region_code", c.region_code},
          {"vip_level", c.vip_level},
          {"language", c.language},
          {"vulnerable", c.vulnerable},
          {"note", c.note},
          {"created_at", format_rfc3339(c.created_at)},
          {"updated_at", format_rfc3339(c.updated_at)}};
}

json to_json(const store::Phone& p) { return {{"phone", p.phone}, {"kind", p.kind}}; }

json to_json(const store::Account& a) {
  return {{"id", a.id},
          {"account_no", a.account_no},
          {"customer_id", a.customer_id},
          {"kind", a.kind},
          {"meter_no", a.meter_no},
          {"tariff", a.tariff},
          {"address", a.address},
          {"region_code", a.region_code},
          {"balance_fen", a.balance_fen},
          {"arrears_fen", a.arrears_fen},
          {"status", a.status},
          {"has_pin", a.has_pin},
          {"created_at", format_rfc3339(a.created_at)},
          {"updated_at", format_rfc3339(a.updated_at)}};
}

json to_json(const store::CustomerFile& f) {
  json j = to_json(f.customer);
  j["phones"] = json::array();
  for (const auto& p : f.phones) j["phones"].push_back(to_json(p));
  j["accounts"] = json::array();
  std::int64_t arrears = 0;
  for (const auto& a : f.accounts) {
    j["accounts"].push_back(to_json(a));
    arrears += a.arrears_fen;
  }
  j["arrears_total_fen"] = arrears;
  return j;
}

json to_json(const store::Bill& b) {
  return {{"id", b.id},         {"account_id", b.account_id}, {"period", b.period},
          {"kwh", b.kwh},       {"amount_fen", b.amount_fen}, {"paid_fen", b.paid_fen},
          {"due_date", b.due_date}, {"status", b.status},
          {"issued_at", format_rfc3339(b.issued_at)}};
}

json to_json(const store::Payment& p) {
  return {{"id", p.id},           {"account_id", p.account_id}, {"amount_fen", p.amount_fen},
          {"channel", p.channel}, {"reference", p.reference},
          {"paid_at", format_rfc3339(p.paid_at)}};
}

json to_json(const store::Outage& o) {
  return {{"id", o.id},
          {"kind", store::to_string(o.kind)},
          {"reason", o.reason},
          {"description", o.description},
          {"starts_at", format_rfc3339(o.starts_at)},
          {"ends_at", time_or_null(o.ends_at)},
          {"restored_at", time_or_null(o.restored_at)},
          {"status", store::to_string(o.status)},
          {"created_by", opt(o.created_by)},
          {"region_codes", o.region_codes},
          {"created_at", format_rfc3339(o.created_at)},
          {"updated_at", format_rfc3339(o.updated_at)}};
}

json to_json(const store::Contact& c) {
  return {{"id", c.id},
          {"customer_id", opt(c.customer_id)},
          {"channel", c.channel},
          {"direction", c.direction},
          {"phone", c.phone},
          {"call_id", opt(c.call_id)},
          {"agent_user_id", opt(c.agent_user_id)},
          {"category", c.category},
          {"disposition", c.disposition},
          {"summary", c.summary},
          {"region_code", opt(c.region_code)},
          {"started_at", format_rfc3339(c.started_at)},
          {"ended_at", time_or_null(c.ended_at)}};
}

json to_json(const store::AuditEntry& e) {
  json detail = json::parse(e.detail, nullptr, false);
  if (detail.is_discarded()) detail = e.detail;
  return {{"id", e.id},         {"at", format_rfc3339(e.at)}, {"user_id", opt(e.user_id)},
          {"action", e.action}, {"target", e.target},          {"detail", detail}};
}

json to_json(const store::ScreenPop& s) {
  json accounts = json::array();
  std::int64_t arrears = 0, balance = 0;
  for (const auto& a : s.accounts) {
    json j = to_json(a.account);
    j["recent_bills"] = json::array();
    for (const auto& b : a.recent_bills) j["recent_bills"].push_back(to_json(b));
    accounts.push_back(std::move(j));
    arrears += a.account.arrears_fen;
    balance += a.account.balance_fen;
  }
  json phones = json::array(), outages = json::array(), orders = json::array(),
       contacts = json::array();
  for (const auto& p : s.phones) phones.push_back(to_json(p));
  for (const auto& o : s.outages) outages.push_back(to_json(o));
  for (const auto& w : s.open_work_orders)
    orders.push_back({{"id", w.id},
                      {"number", w.number},
                      {"type", w.type},
                      {"status", w.status},
                      {"created_at", format_rfc3339(w.created_at)}});
  for (const auto& c : s.recent_contacts) contacts.push_back(to_json(c));
  json customer = to_json(s.customer);
  customer["phones"] = std::move(phones);
  return {{"customer", std::move(customer)},
          {"accounts", std::move(accounts)},
          {"arrears_total_fen", arrears},
          {"balance_total_fen", balance},
          {"outages", std::move(outages)},
          {"open_work_orders", std::move(orders)},
          {"recent_contacts", std::move(contacts)}};
}

namespace {

// "'name' rest", built by appending (g++ 12 warns falsely on "'" + std::string(name) + …).
std::string field_msg(std::string_view name, std::string_view rest) {
  std::string m;
  m.reserve(name.size() + rest.size() + 3);
  m += '\'';
  m += name;
  m += "' ";
  m += rest;
  return m;
}

Result<std::int64_t> parse_i64(const std::string& text, std::string_view field) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty())
    return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                      field_msg(field, "must be a whole number"), std::string(field));
  return v;
}

}  // namespace

Result<store::PageRequest> page_of(const http::Request& req) {
  store::PageRequest page;
  if (auto p = req.query_param("page")) {
    auto n = parse_i64(*p, "page");
    if (!n || *n < 1 || *n > 1'000'000)
      return make_error(ErrorKind::kInvalidInput, "invalid_page",
                        "'page' must be a whole number from 1", "page");
    page.page = static_cast<int>(*n);
  }
  if (auto p = req.query_param("page_size")) {
    auto n = parse_i64(*p, "page_size");
    if (!n || *n < 1 || *n > store::kMaxPageSize)
      return make_error(ErrorKind::kInvalidInput, "invalid_page_size",
                        "'page_size' must be from 1 to " + std::to_string(store::kMaxPageSize),
                        "page_size");
    page.page_size = static_cast<int>(*n);
  }
  return page;
}

Result<std::int64_t> id_param(const http::Request& req, std::string_view name,
                              const std::string& not_found_code) {
  std::string text(req.param(name));
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0)
    return make_error(ErrorKind::kNotFound, not_found_code, "no such " + std::string(name) + " '" + text + "'");
  return v;
}

Result<std::optional<bool>> bool_query(const http::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::optional<bool>{};
  if (*v == "true" || *v == "1") return std::optional<bool>{true};
  if (*v == "false" || *v == "0") return std::optional<bool>{false};
  return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                    field_msg(name, "must be true or false"), std::string(name));
}

Result<std::optional<int>> int_query(const http::Request& req, std::string_view name, int min,
                                     int max) {
  auto v = req.query_param(name);
  if (!v) return std::optional<int>{};
  auto n = parse_i64(*v, name);
  if (!n || *n < min || *n > max)
    return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                      field_msg(name, "must be a whole number from ") +
                          std::to_string(min) + " to " + std::to_string(max),
                      std::string(name));
  return std::optional<int>{static_cast<int>(*n)};
}

Result<std::optional<TimePoint>> time_query(const http::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::optional<TimePoint>{};
  TimePoint t;
  if (!parse_rfc3339(*v, &t))
    return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                      field_msg(name, "must be an RFC 3339 time, e.g. 2026-11-22T08:00:00Z"),
                      std::string(name));
  return std::optional<TimePoint>{t};
}

Status only_known_params(const http::Request& req, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : req.query.items()) {
    bool ok = name == "page" || name == "page_size";
    for (auto k : known) ok = ok || name == k;
    if (!ok)
      return make_error(ErrorKind::kInvalidInput, "unknown_parameter",
                        "unknown query parameter '" + name + "'", name);
  }
  return {};
}

}  // namespace sy::api
