// Outages, planned and unplanned, with the areas they affect. Agents and field crews read them;
// supervisors and admins record and update them.
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

// A time field; a malformed one is recorded on the reader (first error wins).
TimePoint read_time(http::JsonObjectReader& r, std::string_view name, bool required) {
  auto text = required ? std::optional<std::string>(r.required_string(name, 1, 64))
                       : r.optional_string(name, 1, 64);
  TimePoint t;
  if (!text || !r.ok()) return TimePoint{};
  if (!parse_rfc3339(*text, &t)) {
    r.fail(name, "invalid_value", "'" + std::string(name) + "' must be an RFC 3339 time");
    return TimePoint{};
  }
  return t;
}

http::Response list_outages(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"status", "kind", "region", "from", "to"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::OutageFilter f;
  if (auto s = req.query_param("status")) {
    f.status = store::parse_outage_status(*s);
    if (!f.status)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                   "'status' must be scheduled, active, restored or cancelled",
                                   "status");
  }
  if (auto k = req.query_param("kind")) {
    f.kind = store::parse_outage_kind(*k);
    if (!f.kind)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                   "'kind' must be planned or unplanned", "kind");
  }
  std::string scope = scope_of(req).unrestricted() ? "" : *signed_in(req).user.region_code;
  if (auto region = req.query_param("region")) {
    if (!scope.empty() && !store::in_scope(*region, scope))
      return http::Response::error(ErrorKind::kForbidden, "region_out_of_scope",
                                   "that region is outside yours", "region");
    scope = *region;
  }
  f.scope = scope;
  auto from = time_query(req, "from");
  if (!from) return http::Response::error(from.error());
  auto to = time_query(req, "to");
  if (!to) return http::Response::error(to.error());
  f.from = *from;
  f.to = *to;
  auto outages = ctx.repos.outages.list(f, *page);
  return outages ? http::Response::json(200, page_to_json(*outages))
                 : http::Response::error(outages.error());
}

Result<store::Outage> outage_in_scope(Context& ctx, const http::Request& req) {
  auto id = id_param(req, "id", "outage_not_found");
  if (!id) return id.error();
  auto outage = ctx.repos.outages.get(*id);
  if (!outage) return outage.error();
  store::RegionScope scope = scope_of(req);
  if (scope.unrestricted()) return outage;
  // Visible when it touches the user's subtree, or covers it from above (a province-wide
  // outage affects every city).
  for (const auto& code : outage->region_codes)
    if (scope.contains(code) || store::in_scope(*signed_in(req).user.region_code, code))
      return outage;
  return make_error(ErrorKind::kNotFound, "outage_not_found", "no such outage");
}

http::Response get_outage(Context& ctx, http::Request& req) {
  auto o = outage_in_scope(ctx, req);
  return o ? http::Response::json(200, to_json(*o)) : http::Response::error(o.error());
}

Status check_codes_in_scope(const http::Request& req, const std::vector<std::string>& codes) {
  store::RegionScope scope = scope_of(req);
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (!scope.contains(codes[i]))
      return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                        "region " + codes[i] + " is outside yours",
                        "region_codes[" + std::to_string(i) + "]");
  return {};
}

http::Response create_outage(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewOutage o;
  o.kind = *store::parse_outage_kind(r.required_enum("kind", {"planned", "unplanned"}));
  o.reason = r.optional_string("reason", 0, 128).value_or("");
  o.description = r.optional_string("description", 0, 4000).value_or("");
  o.starts_at = read_time(r, "starts_at", true);
  if (r.has("ends_at")) o.ends_at = read_time(r, "ends_at", false);
  auto status = r.optional_enum("status", {"scheduled", "active"});
  o.region_codes = r.optional_string_array("region_codes", 500, 32).value_or(std::vector<std::string>{});
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (o.kind == store::OutageKind::kUnplanned && !status) status = "active";
  if (status) o.status = *store::parse_outage_status(*status);
  if (Status st = check_codes_in_scope(req, o.region_codes); !st)
    return http::Response::error(st.error());
  o.created_by = signed_in(req).user.id;
  auto created = ctx.repos.outages.create(o);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "outage.create", "outage:" + std::to_string(created->id), *body);
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/outages/" + std::to_string(created->id));
}

http::Response update_outage(Context& ctx, http::Request& req) {
  auto existing = outage_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::OutageUpdate u;
  if (auto s = r.optional_enum("status", {"scheduled", "active", "restored", "cancelled"}))
    u.status = store::parse_outage_status(*s);
  u.reason = r.optional_string("reason", 0, 128);
  u.description = r.optional_string("description", 0, 4000);
  if (r.has("starts_at")) u.starts_at = read_time(r, "starts_at", false);
  if (r.is_null("ends_at")) {
    (void)r.raw("ends_at");
    u.ends_at = std::optional<TimePoint>{};
  } else if (r.has("ends_at")) {
    u.ends_at = std::optional<TimePoint>{read_time(r, "ends_at", false)};
  }
  if (r.has("restored_at")) u.restored_at = std::optional<TimePoint>{read_time(r, "restored_at", false)};
  u.region_codes = r.optional_string_array("region_codes", 500, 32);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (u.region_codes) {
    if (Status st = check_codes_in_scope(req, *u.region_codes); !st)
      return http::Response::error(st.error());
  }
  auto updated = ctx.repos.outages.update(existing->id, u);
  if (!updated) return http::Response::error(updated.error());
  audit(ctx, req, "outage.update", "outage:" + std::to_string(existing->id), *body);
  return http::Response::json(200, to_json(*updated));
}

http::Response delete_outage(Context& ctx, http::Request& req) {
  auto existing = outage_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  if (Status st = ctx.repos.outages.remove(existing->id); !st) return http::Response::error(st.error());
  audit(ctx, req, "outage.delete", "outage:" + std::to_string(existing->id), nlohmann::json::object());
  return http::Response::no_content();
}

}  // namespace

void add_outage_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/outages", [&ctx](http::Request& req) { return list_outages(ctx, req); },
             route_doc("outages", "List outages (status, kind, region, from, to; paged)",
                       Permission::kOutageRead));
  router.post("/api/v1/outages", [&ctx](http::Request& req) { return create_outage(ctx, req); },
              route_doc("outages", "Record a planned or unplanned outage", Permission::kOutageWrite,
                        object_schema({{"kind", "string"},
                                       {"reason", "string"},
                                       {"description", "string"},
                                       {"starts_at", "string"},
                                       {"ends_at", "string"},
                                       {"status", "string"},
                                       {"region_codes", "array"}},
                                      {"kind", "starts_at", "region_codes"})));
  router.get("/api/v1/outages/{id}", [&ctx](http::Request& req) { return get_outage(ctx, req); },
             route_doc("outages", "One outage", Permission::kOutageRead));
  router.patch("/api/v1/outages/{id}",
               [&ctx](http::Request& req) { return update_outage(ctx, req); },
               route_doc("outages", "Update an outage: status, times, areas",
                         Permission::kOutageWrite,
                         object_schema({{"status", "string"},
                                        {"reason", "string"},
                                        {"description", "string"},
                                        {"starts_at", "string"},
                                        {"ends_at", "string"},
                                        {"restored_at", "string"},
                                        {"region_codes", "array"}})));
  router.del("/api/v1/outages/{id}",
             [&ctx](http::Request& req) { return delete_outage(ctx, req); },
             route_doc("outages", "Delete an outage recorded by mistake", Permission::kOutageWrite));
}

}  // namespace sy::api
