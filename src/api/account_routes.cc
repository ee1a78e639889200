// Accounts with their bills and payments. An account is visible to users whose region holds it.
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

Result<store::Account> account_in_scope(Context& ctx, const http::Request& req) {
  auto id = id_param(req, "id", "account_not_found");
  if (!id) return id.error();
  auto account = ctx.repos.customers.get_account(*id);
  if (!account) return account.error();
  if (!scope_of(req).contains(account->region_code))
    return make_error(ErrorKind::kNotFound, "account_not_found", "no such account");
  return account;
}

http::Response get_account(Context& ctx, http::Request& req) {
  auto a = account_in_scope(ctx, req);
  return a ? http::Response::json(200, to_json(*a)) : http::Response::error(a.error());
}

http::Response update_account(Context& ctx, http::Request& req) {
  auto a = account_in_scope(ctx, req);
  if (!a) return http::Response::error(a.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::AccountUpdate u;
  u.kind = r.optional_enum("kind", {"residential", "business"});
  u.meter_no = r.optional_string("meter_no", 0, 32);
  u.tariff = r.optional_string("tariff", 0, 64);
  u.address = r.optional_string("address", 0, 256);
  u.balance_fen = r.optional_int("balance_fen", 0, 1'000'000'000'00);
  u.arrears_fen = r.optional_int("arrears_fen", 0, 1'000'000'000'00);
  u.status = r.optional_enum("status", {"active", "suspended", "closed"});
  u.pin = r.optional_string("pin", 4, 8);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto updated = ctx.repos.customers.update_account(a->id, u);
  if (!updated) return http::Response::error(updated.error());
  nlohmann::json detail = *body;
  if (detail.contains("pin")) detail["pin"] = "***";
  audit(ctx, req, "account.update", "account:" + std::to_string(a->id), detail);
  return http::Response::json(200, to_json(*updated));
}

http::Response list_bills(Context& ctx, http::Request& req) {
  auto a = account_in_scope(ctx, req);
  if (!a) return http::Response::error(a.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto bills = ctx.repos.accounts.list_bills(a->id, *page);
  return bills ? http::Response::json(200, page_to_json(*bills)) : http::Response::error(bills.error());
}

http::Response add_bill(Context& ctx, http::Request& req) {
  auto a = account_in_scope(ctx, req);
  if (!a) return http::Response::error(a.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewBill b;
  b.period = r.required_string("period", 7, 7);
  b.kwh = r.optional_int("kwh", 0, 1'000'000'000).value_or(0);
  b.amount_fen = r.required_int("amount_fen", 0, 1'000'000'000'00);
  b.due_date = r.required_string("due_date", 10, 10);
  b.add_to_arrears = r.optional_bool("add_to_arrears").value_or(true);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  b.issued_at = ctx.clock.now();
  auto bill = ctx.repos.accounts.add_bill(a->id, b);
  if (!bill) return http::Response::error(bill.error());
  audit(ctx, req, "bill.create", "account:" + std::to_string(a->id), *body);
  return http::Response::json(201, to_json(*bill));
}

http::Response list_payments(Context& ctx, http::Request& req) {
  auto a = account_in_scope(ctx, req);
  if (!a) return http::Response::error(a.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto payments = ctx.repos.accounts.list_payments(a->id, *page);
  return payments ? http::Response::json(200, page_to_json(*payments))
                  : http::Response::error(payments.error());
}

http::Response record_payment(Context& ctx, http::Request& req) {
  auto a = account_in_scope(ctx, req);
  if (!a) return http::Response::error(a.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewPayment p;
  p.amount_fen = r.required_int("amount_fen", 1, 1'000'000'000'00);
  p.channel = r.optional_enum("channel", {"counter", "wechat", "alipay", "bank", "phone"})
                  .value_or("counter");
  p.reference = r.optional_string("reference", 0, 64).value_or("");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto applied = ctx.repos.accounts.record_payment(a->id, p);
  if (!applied) return http::Response::error(applied.error());
  audit(ctx, req, "payment.create", "account:" + std::to_string(a->id), *body);
  nlohmann::json bills = nlohmann::json::array();
  for (const auto& b : applied->bills_touched) bills.push_back(to_json(b));
  return http::Response::json(201, {{"payment", to_json(applied->payment)},
                                    {"account", to_json(applied->account)},
                                    {"bills_paid", bills}});
}

}  // namespace

void add_account_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/accounts/{id}", [&ctx](http::Request& req) { return get_account(ctx, req); },
             route_doc("accounts", "One account", Permission::kCustomerRead));
  router.patch("/api/v1/accounts/{id}",
               [&ctx](http::Request& req) { return update_account(ctx, req); },
               route_doc("accounts", "Change an account (tariff, balance, arrears, status, PIN)",
                         Permission::kCustomerWrite,
                         object_schema({{"kind", "string"},
                                        {"meter_no", "string"},
                                        {"tariff", "string"},
                                        {"address", "string"},
                                        {"balance_fen", "integer"},
                                        {"arrears_fen", "integer"},
                                        {"status", "string"},
                                        {"pin", "string"}})));
  router.get("/api/v1/accounts/{id}/bills",
             [&ctx](http::Request& req) { return list_bills(ctx, req); },
             route_doc("accounts", "An account's bills, newest first", Permission::kCustomerRead));
  router.post("/api/v1/accounts/{id}/bills",
              [&ctx](http::Request& req) { return add_bill(ctx, req); },
              route_doc("accounts", "Issue a bill", Permission::kCustomerWrite,
                        object_schema({{"period", "string"},
                                       {"kwh", "integer"},
                                       {"amount_fen", "integer"},
                                       {"due_date", "string"},
                                       {"add_to_arrears", "boolean"}},
                                      {"period", "amount_fen", "due_date"})));
  router.get("/api/v1/accounts/{id}/payments",
             [&ctx](http::Request& req) { return list_payments(ctx, req); },
             route_doc("accounts", "An account's payments, newest first",
                       Permission::kCustomerRead));
  router.post("/api/v1/accounts/{id}/payments",
              [&ctx](http::Request& req) { return record_payment(ctx, req); },
              route_doc("accounts", "Record a payment: pays the oldest bills first",
                        Permission::kCustomerWrite,
                        object_schema({{"amount_fen", "integer"},
                                       {"channel", "string"},
                                       {"reference", "string"}},
                                      {"amount_fen"})));
}

}  // namespace sy::api
