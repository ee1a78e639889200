// Work-order types (admins edit the JSON definitions; everyone who reads orders reads types)
// and the business calendar the deadlines are computed in.
#include "api/routes.h"
#include "api/session.h"
#include "workflow/order_type.h"

namespace sy::api {
namespace {

using auth::Permission;

nlohmann::json stored_json(const store::StoredOrderType& t) {
  nlohmann::json j = workflow::to_json(t.type);
  j["enabled"] = t.enabled;
  j["shipped"] = t.shipped;
  j["updated_at"] = format_rfc3339(t.updated_at);
  return j;
}

std::string code_param(const http::Request& req) {
  for (const auto& [k, v] : req.path_params)
    if (k == "code") return v;
  return "";
}

http::Response list_types(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"include_disabled"}); !st)
    return http::Response::error(st.error());
  auto all = bool_query(req, "include_disabled");
  if (!all) return http::Response::error(all.error());
  auto types = ctx.repos.work_order_types.list(all->value_or(false));
  if (!types) return http::Response::error(types.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : *types) items.push_back(stored_json(t));
  return http::Response::json(200, {{"items", items}, {"total", items.size()}});
}

http::Response get_type(Context& ctx, http::Request& req) {
  auto t = ctx.repos.work_order_types.get(code_param(req));
  return t ? http::Response::json(200, stored_json(*t)) : http::Response::error(t.error());
}

Result<workflow::OrderType> read_definition(const http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return body.error();
  nlohmann::json def = *body;
  // Read-only fields sent back from a GET are ignored, so a client may PUT what it got.
  if (def.is_object()) {
    def.erase("enabled");
    def.erase("shipped");
    def.erase("updated_at");
  }
  return workflow::parse_order_type(def);
}

http::Response create_type(Context& ctx, http::Request& req) {
  auto def = read_definition(req);
  if (!def) return http::Response::error(def.error());
  auto created = ctx.repos.work_order_types.create(*def);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "work_order_type.create", "work_order_type:" + def->code,
        workflow::to_json(*def));
  return http::Response::json(201, stored_json(*created))
      .with_header("Location", "/api/v1/work-order-types/" + def->code);
}

http::Response update_type(Context& ctx, http::Request& req) {
  std::string code = code_param(req);
  auto existing = ctx.repos.work_order_types.get(code);
  if (!existing) return http::Response::error(existing.error());
  auto def = read_definition(req);
  if (!def) return http::Response::error(def.error());
  auto updated = ctx.repos.work_order_types.update(code, *def);
  if (!updated) return http::Response::error(updated.error());
  audit(ctx, req, "work_order_type.update", "work_order_type:" + code, workflow::to_json(*def));
  return http::Response::json(200, stored_json(*updated));
}

http::Response delete_type(Context& ctx, http::Request& req) {
  std::string code = code_param(req);
  if (Status st = ctx.repos.work_order_types.disable(code); !st)
    return http::Response::error(st.error());
  audit(ctx, req, "work_order_type.disable", "work_order_type:" + code,
        nlohmann::json::object());
  return http::Response::no_content();
}

nlohmann::json calendar_json(const workflow::BusinessCalendar& cal) {
  return {{"holidays", cal.holidays()}, {"workdays", cal.make_up_workdays()}};
}

http::Response get_calendar(Context& ctx, http::Request&) {
  auto cal = ctx.repos.work_order_types.calendar();
  return cal ? http::Response::json(200, calendar_json(*cal)) : http::Response::error(cal.error());
}

http::Response put_calendar(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  auto holidays = r.optional_string_array("holidays", 1000, 10).value_or(std::vector<std::string>{});
  auto workdays = r.optional_string_array("workdays", 1000, 10).value_or(std::vector<std::string>{});
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (Status st = ctx.repos.work_order_types.set_calendar(holidays, workdays); !st)
    return http::Response::error(st.error());
  audit(ctx, req, "work_order_calendar.update", "work_order_calendar", *body);
  auto cal = ctx.repos.work_order_types.calendar();
  return cal ? http::Response::json(200, calendar_json(*cal)) : http::Response::error(cal.error());
}

}  // namespace

void add_work_order_type_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/work-order-types",
             [&ctx](http::Request& req) { return list_types(ctx, req); },
             route_doc("work-orders", "Work-order types (include_disabled=true for all)",
                       Permission::kWorkOrderRead));
  router.post("/api/v1/work-order-types",
              [&ctx](http::Request& req) { return create_type(ctx, req); },
              route_doc("work-orders", "Add a work-order type (JSON definition)",
                        Permission::kWorkOrderTypeWrite,
                        object_schema({{"code", "string"},
                                       {"name", "string"},
                                       {"category", "string"},
                                       {"subtypes", "array"},
                                       {"steps", "array"},
                                       {"overall", "object"},
                                       {"return_visit", "boolean"},
                                       {"resolve_on_call", "boolean"},
                                       {"refuse_with_arrears", "boolean"},
                                       {"merge_with_outage", "boolean"},
                                       {"required_fields", "array"},
                                       {"fields", "array"}},
                                      {"code", "name", "category", "steps"})));
  router.get("/api/v1/work-order-types/{code}",
             [&ctx](http::Request& req) { return get_type(ctx, req); },
             route_doc("work-orders", "One work-order type", Permission::kWorkOrderRead));
  router.put("/api/v1/work-order-types/{code}",
             [&ctx](http::Request& req) { return update_type(ctx, req); },
             route_doc("work-orders", "Replace a work-order type's definition",
                       Permission::kWorkOrderTypeWrite));
  router.del("/api/v1/work-order-types/{code}",
             [&ctx](http::Request& req) { return delete_type(ctx, req); },
             route_doc("work-orders", "Disable a work-order type (existing orders keep it)",
                       Permission::kWorkOrderTypeWrite));
  router.get("/api/v1/work-order-calendar",
             [&ctx](http::Request& req) { return get_calendar(ctx, req); },
             route_doc("work-orders", "The business calendar: holidays and make-up workdays",
                       Permission::kWorkOrderRead));
  router.put("/api/v1/work-order-calendar",
             [&ctx](http::Request& req) { return put_calendar(ctx, req); },
             route_doc("work-orders", "Replace the business calendar",
                       Permission::kWorkOrderTypeWrite,
                       object_schema({{"holidays", "array"}, {"workdays", "array"}})));
}

}  // namespace sy::api
