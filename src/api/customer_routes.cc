// Customers: search, the customer file, create/edit/delete, the screen pop lookup by phone or
// account number, and the contact history. Region-bound users see only their region.
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;


http::Response search_customers(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"region", "name", "phone", "account_no", "has_arrears",
                                          "vip_min", "kind", "vulnerable"});
      !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::CustomerFilter f;
  f.scope = scope_of(req).unrestricted() ? "" : *signed_in(req).user.region_code;
  f.region_code = req.query_param("region").value_or("");
  f.name_prefix = req.query_param("name").value_or("");
  f.phone = req.query_param("phone").value_or("");
  f.account_no = req.query_param("account_no").value_or("");
  f.kind = req.query_param("kind").value_or("");
  if (!f.kind.empty() && f.kind != "residential" && f.kind != "business")
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                 "'kind' must be residential or business", "kind");
  auto arrears = bool_query(req, "has_arrears");
  if (!arrears) return http::Response::error(arrears.error());
  f.has_arrears = *arrears;
  auto vulnerable = bool_query(req, "vulnerable");
  if (!vulnerable) return http::Response::error(vulnerable.error());
  f.vulnerable = *vulnerable;
  auto vip = int_query(req, "vip_min", 0, 3);
  if (!vip) return http::Response::error(vip.error());
  f.vip_min = *vip;
  auto found = ctx.repos.customers.search(f, *page);
  if (!found) return http::Response::error(found.error());
  return http::Response::json(200, page_to_json(*found));
}

http::Response lookup(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"phone", "account"}); !st)
    return http::Response::error(st.error());
  auto phone = req.query_param("phone");
  auto account = req.query_param("account");
  if (!phone == !account)
    return http::Response::error(ErrorKind::kInvalidInput, "missing_parameter",
                                 "give exactly one of ?phone= or ?account=", phone ? "account" : "phone");
  store::RegionScope scope = scope_of(req);
  TimePoint now = ctx.clock.now();
  auto pops = phone ? ctx.repos.screen_pop.lookup_by_phone(*phone, scope, now)
                    : ctx.repos.screen_pop.lookup_by_account(*account, scope, now);
  if (!pops) return http::Response::error(pops.error());
  nlohmann::json matches = nlohmann::json::array();
  for (const auto& p : *pops) matches.push_back(to_json(p));
  return http::Response::json(200, {{"matches", std::move(matches)}, {"count", pops->size()}});
}

http::Response get_customer(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "customer_not_found");
  if (!id) return http::Response::error(id.error());
  auto file = ctx.repos.customers.get(*id, scope_of(req));
  return file ? http::Response::json(200, to_json(*file)) : http::Response::error(file.error());
}

// Phones: ["13800000000"] or [{"phone": "...", "kind": "landline"}].
std::optional<std::vector<store::Phone>> read_phones(http::JsonObjectReader& r) {
  const nlohmann::json* raw = r.raw("phones");
  if (!raw) return std::nullopt;
  std::vector<store::Phone> phones;
  if (!raw->is_array() || raw->size() > 20) {
    r.fail("phones", "invalid_type", "'phones' must be a list of at most 20 numbers");
    return phones;
  }
  for (std::size_t i = 0; i < raw->size(); ++i) {
    const auto& item = (*raw)[i];
    store::Phone p;
    if (item.is_string()) {
      p.phone = item.get<std::string>();
    } else if (item.is_object()) {
      http::JsonObjectReader pr(item, r.field_path("phones") + "[" + std::to_string(i) + "]");
      p.phone = pr.required_string("phone", 3, 32);
      p.kind = pr.optional_enum("kind", {"mobile", "landline"}).value_or("mobile");
      if (Status st = pr.finish(); !st) {
        r.fail("phones", st.error().code, st.error().message);
        return phones;
      }
    } else {
      r.fail("phones", "invalid_type", "each phone must be a string or {phone, kind}");
      return phones;
    }
    phones.push_back(std::move(p));
  }
  return phones;
}

std::optional<store::NewAccount> read_account(http::JsonObjectReader& r) {
  store::NewAccount a;
  a.account_no = r.required_string("account_no", 4, 32);
  a.kind = r.optional_enum("kind", {"residential", "business"}).value_or("residential");
  a.meter_no = r.optional_string("meter_no", 0, 32).value_or("");
  a.tariff = r.optional_string("tariff", 0, 64).value_or("");
  a.address = r.optional_string("address", 0, 256).value_or("");
  a.region_code = r.optional_string("region_code", 0, 32).value_or("");
  a.balance_fen = r.optional_int("balance_fen", 0, 1'000'000'000'00).value_or(0);
  a.arrears_fen = r.optional_int("arrears_fen", 0, 1'000'000'000'00).value_or(0);
  a.status = r.optional_enum("status", {"active", "suspended", "closed"}).value_or("active");
  a.pin = r.optional_string("pin", 4, 8);
  if (!r.ok()) return std::nullopt;
  return a;
}

http::Response create_customer(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewCustomer c;
  c.customer_no = r.optional_string("customer_no", 1, 32).value_or("");
  c.name = r.required_string("name", 1, 128);
  c.kind = r.optional_enum("kind", {"residential", "business"}).value_or("residential");
  c.id_number = r.optional_string("id_number", 0, 32).value_or("");
  c.address = r.optional_string("address", 0, 256).value_or("");
  c.region_code = r.required_string("region_code", 1, 32);
  c.vip_level = static_cast<int>(r.optional_int("vip_level", 0, 3).value_or(0));
  c.language = r.optional_enum("language", {"zh", "nan", "yue", "en"}).value_or("zh");
  c.vulnerable = r.optional_bool("vulnerable").value_or(false);
  c.note = r.optional_string("note", 0, 2000).value_or("");
  if (auto phones = read_phones(r)) c.phones = std::move(*phones);
  if (const nlohmann::json* accounts = r.raw("accounts")) {
    if (!accounts->is_array() || accounts->size() > 50) {
      r.fail("accounts", "invalid_type", "'accounts' must be a list of at most 50 accounts");
    } else {
      for (std::size_t i = 0; i < accounts->size() && r.ok(); ++i) {
        http::JsonObjectReader ar((*accounts)[i], r.field_path("accounts") + "[" + std::to_string(i) + "]");
        auto a = read_account(ar);
        Status st = ar.finish();
        if (!st) {
          return http::Response::error(st.error());
        }
        c.accounts.push_back(std::move(*a));
      }
    }
  }
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  store::RegionScope scope = scope_of(req);
  if (!scope.contains(c.region_code))
    return http::Response::error(ErrorKind::kForbidden, "region_out_of_scope",
                                 "the customer's region is outside yours", "region_code");
  auto created = ctx.repos.customers.create(c);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "customer.create", "customer:" + std::to_string(created->customer.id),
        {{"name", created->customer.name}});
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/customers/" + std::to_string(created->customer.id));
}

http::Response update_customer(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "customer_not_found");
  if (!id) return http::Response::error(id.error());
  store::RegionScope scope = scope_of(req);
  auto existing = ctx.repos.customers.get(*id, scope);
  if (!existing) return http::Response::error(existing.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::CustomerUpdate u;
  u.name = r.optional_string("name", 1, 128);
  u.kind = r.optional_enum("kind", {"residential", "business"});
  u.id_number = r.optional_string("id_number", 0, 32);
  u.address = r.optional_string("address", 0, 256);
  u.region_code = r.optional_string("region_code", 1, 32);
  if (auto vip = r.optional_int("vip_level", 0, 3)) u.vip_level = static_cast<int>(*vip);
  u.language = r.optional_enum("language", {"zh", "nan", "yue", "en"});
  u.vulnerable = r.optional_bool("vulnerable");
  u.note = r.optional_string("note", 0, 2000);
  u.phones = read_phones(r);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (u.region_code && !scope.contains(*u.region_code))
    return http::Response::error(ErrorKind::kForbidden, "region_out_of_scope",
                                 "the customer's region is outside yours", "region_code");
  auto updated = ctx.repos.customers.update(*id, u);
  if (!updated) return http::Response::error(updated.error());
  nlohmann::json detail = *body;
  if (detail.contains("id_number")) detail["id_number"] = "***";
  audit(ctx, req, "customer.update", "customer:" + std::to_string(*id), detail);
  return http::Response::json(200, to_json(*updated));
}

http::Response delete_customer(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "customer_not_found");
  if (!id) return http::Response::error(id.error());
  auto existing = ctx.repos.customers.get(*id, scope_of(req));
  if (!existing) return http::Response::error(existing.error());
  if (Status st = ctx.repos.customers.remove(*id); !st) return http::Response::error(st.error());
  audit(ctx, req, "customer.delete", "customer:" + std::to_string(*id),
        {{"name", existing->customer.name}});
  return http::Response::no_content();
}

http::Response add_account(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "customer_not_found");
  if (!id) return http::Response::error(id.error());
  store::RegionScope scope = scope_of(req);
  auto existing = ctx.repos.customers.get(*id, scope);
  if (!existing) return http::Response::error(existing.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  auto account = read_account(r);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (!account->region_code.empty() && !scope.contains(account->region_code))
    return http::Response::error(ErrorKind::kForbidden, "region_out_of_scope",
                                 "the account's region is outside yours", "region_code");
  auto created = ctx.repos.customers.add_account(*id, *account);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "account.create", "account:" + std::to_string(created->id),
        {{"account_no", created->account_no}, {"customer_id", *id}});
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/accounts/" + std::to_string(created->id));
}

http::Response list_contacts(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "customer_not_found");
  if (!id) return http::Response::error(id.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto existing = ctx.repos.customers.get(*id, scope_of(req));
  if (!existing) return http::Response::error(existing.error());
  auto contacts = ctx.repos.contacts.list_by_customer(*id, *page);
  if (!contacts) return http::Response::error(contacts.error());
  return http::Response::json(200, page_to_json(*contacts));
}

http::Response create_contact(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewContact c;
  c.customer_id = r.optional_int("customer_id", 1);
  c.channel = r.required_enum("channel", {"voice", "chat", "email", "sms", "callback", "visit"});
  c.direction = r.optional_enum("direction", {"inbound", "outbound"}).value_or("inbound");
  c.phone = r.optional_string("phone", 0, 32).value_or("");
  c.call_id = r.optional_string("call_id", 1, 128);
  c.category = r.optional_string("category", 0, 64).value_or("");
  c.disposition = r.optional_string("disposition", 0, 64).value_or("");
  c.summary = r.optional_string("summary", 0, 4000).value_or("");
  std::optional<std::string> started = r.optional_string("started_at", 1, 64);
  std::optional<std::string> ended = r.optional_string("ended_at", 1, 64);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  c.started_at = ctx.clock.now();
  if (started && !parse_rfc3339(*started, &c.started_at))
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_value",
                                 "'started_at' must be an RFC 3339 time", "started_at");
  if (ended) {
    TimePoint t;
    if (!parse_rfc3339(*ended, &t))
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_value",
                                   "'ended_at' must be an RFC 3339 time", "ended_at");
    c.ended_at = t;
  }
  if (c.customer_id) {
    auto customer = ctx.repos.customers.get(*c.customer_id, scope_of(req));
    if (!customer) return http::Response::error(customer.error());
    c.region_code = customer->customer.region_code;
  }
  c.agent_user_id = signed_in(req).user.id;
  auto created = ctx.repos.contacts.create(c);
  if (!created) return http::Response::error(created.error());
  return http::Response::json(201, to_json(*created));
}

}  // namespace

void add_customer_routes(http::Router& router, Context& ctx) {
  auto lookup_doc = route_doc("customers",
                              "Screen pop: the whole file of the customer(s) with this phone or "
                              "account number",
                              Permission::kCustomerRead);
  lookup_doc.parameters = {{"phone", "query", "caller's number (any common format)", false},
                           {"account", "query", "account number", false}};
  router.get("/api/v1/customers/lookup", [&ctx](http::Request& req) { return lookup(ctx, req); },
             lookup_doc);
  router.get("/api/v1/customers",
             [&ctx](http::Request& req) { return search_customers(ctx, req); },
             route_doc("customers",
                       "Search customers (region, name, phone, account_no, has_arrears, vip_min, "
                       "kind, vulnerable; paged). Counting stops at 10,000 matches: then total is "
                       "10000 and total_exact is false",
                       Permission::kCustomerRead));
  router.post("/api/v1/customers",
              [&ctx](http::Request& req) { return create_customer(ctx, req); },
              route_doc("customers", "Create a customer with phones and accounts",
                        Permission::kCustomerWrite,
                        object_schema({{"customer_no", "string"},
                                       {"name", "string"},
                                       {"kind", "string"},
                                       {"id_number", "string"},
                                       {"address", "string"},
                                       {"region_code", "string"},
                                       {"vip_level", "integer"},
                                       {"language", "string"},
                                       {"vulnerable", "boolean"},
                                       {"note", "string"},
                                       {"phones", "array"},
                                       {"accounts", "array"}},
                                      {"name", "region_code"})));
  router.get("/api/v1/customers/{id}",
             [&ctx](http::Request& req) { return get_customer(ctx, req); },
             route_doc("customers", "One customer's file: phones and accounts",
                       Permission::kCustomerRead));
  router.patch("/api/v1/customers/{id}",
               [&ctx](http::Request& req) { return update_customer(ctx, req); },
               route_doc("customers", "Change a customer (phones replace all numbers)",
                         Permission::kCustomerWrite,
                         object_schema({{"name", "string"},
                                        {"kind", "string"},
                                        {"id_number", "string"},
                                        {"address", "string"},
                                        {"region_code", "string"},
                                        {"vip_level", "integer"},
                                        {"language", "string"},
                                        {"vulnerable", "boolean"},
                                        {"note", "string"},
                                        {"phones", "array"}})));
  router.del("/api/v1/customers/{id}",
             [&ctx](http::Request& req) { return delete_customer(ctx, req); },
             route_doc("customers", "Delete a customer with accounts, bills and payments",
                       Permission::kCustomerWrite));
  router.post("/api/v1/customers/{id}/accounts",
              [&ctx](http::Request& req) { return add_account(ctx, req); },
              route_doc("customers", "Open an account for a customer", Permission::kCustomerWrite,
                        object_schema({{"account_no", "string"},
                                       {"kind", "string"},
                                       {"meter_no", "string"},
                                       {"tariff", "string"},
                                       {"address", "string"},
                                       {"region_code", "string"},
                                       {"balance_fen", "integer"},
                                       {"arrears_fen", "integer"},
                                       {"status", "string"},
                                       {"pin", "string"}},
                                      {"account_no"})));
  router.get("/api/v1/customers/{id}/contacts",
             [&ctx](http::Request& req) { return list_contacts(ctx, req); },
             route_doc("contacts", "A customer's contact history, newest first",
                       Permission::kCustomerRead));
  router.post("/api/v1/contacts", [&ctx](http::Request& req) { return create_contact(ctx, req); },
              route_doc("contacts", "Record a contact (call, chat, visit…) in the history",
                        Permission::kContactWrite,
                        object_schema({{"customer_id", "integer"},
                                       {"channel", "string"},
                                       {"direction", "string"},
                                       {"phone", "string"},
                                       {"call_id", "string"},
                                       {"category", "string"},
                                       {"disposition", "string"},
                                       {"summary", "string"},
                                       {"started_at", "string"},
                                       {"ended_at", "string"}},
                                      {"channel"})));
}

}  // namespace sy::api
