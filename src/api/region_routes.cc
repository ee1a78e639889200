// Regions: the province → city → county → service-area tree. Everyone signed in may read it;
// admins change it.
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

http::Response list_regions(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"parent", "subtree"}); !st)
    return http::Response::error(st.error());
  Result<std::vector<store::Region>> regions = std::vector<store::Region>{};
  if (auto parent = req.query_param("parent"))
    regions = ctx.repos.regions.list_children(*parent);
  else if (auto subtree = req.query_param("subtree"))
    regions = ctx.repos.regions.list_subtree(*subtree);
  else
    regions = ctx.repos.regions.list_all();
  if (!regions) return http::Response::error(regions.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : *regions) items.push_back(to_json(r));
  return http::Response::json(200, {{"items", items}, {"total", items.size()}});
}

http::Response get_region(Context& ctx, http::Request& req) {
  auto region = ctx.repos.regions.get(std::string(req.param("code")));
  return region ? http::Response::json(200, to_json(*region)) : http::Response::error(region.error());
}

http::Response create_region(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::Region region;
  region.code = r.required_string("code", 1, 32);
  region.parent_code = r.optional_string("parent_code", 1, 32);
  region.name = r.required_string("name", 1, 64);
  std::string level = r.required_enum("level", {"province", "city", "county", "area"});
  region.area_class = r.optional_enum("area_class", {"urban", "rural", "remote"}).value_or("urban");
  region.centre = r.optional_string("centre", 0, 32).value_or("");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  region.level = *store::parse_region_level(level);
  auto created = ctx.repos.regions.create(region);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "region.create", "region:" + created->code, *body);
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/regions/" + created->code);
}

http::Response update_region(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::RegionUpdate u;
  u.name = r.optional_string("name", 1, 64);
  u.area_class = r.optional_enum("area_class", {"urban", "rural", "remote"});
  u.centre = r.optional_string("centre", 0, 32);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  std::string code(req.param("code"));
  auto updated = ctx.repos.regions.update(code, u);
  if (!updated) return http::Response::error(updated.error());
  audit(ctx, req, "region.update", "region:" + code, *body);
  return http::Response::json(200, to_json(*updated));
}

http::Response delete_region(Context& ctx, http::Request& req) {
  std::string code(req.param("code"));
  if (Status st = ctx.repos.regions.remove(code); !st) return http::Response::error(st.error());
  audit(ctx, req, "region.delete", "region:" + code, nlohmann::json::object());
  return http::Response::no_content();
}

http::Response list_audit(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"user_id", "action", "target", "from", "to"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::AuditFilter filter;
  auto user_id = int_query(req, "user_id", 1, 2'000'000'000);
  if (!user_id) return http::Response::error(user_id.error());
  if (*user_id) filter.user_id = **user_id;
  filter.action = req.query_param("action").value_or("");
  filter.target = req.query_param("target").value_or("");
  auto from = time_query(req, "from");
  if (!from) return http::Response::error(from.error());
  auto to = time_query(req, "to");
  if (!to) return http::Response::error(to.error());
  filter.from = *from;
  filter.to = *to;
  auto entries = ctx.repos.audit.list(filter, *page);
  if (!entries) return http::Response::error(entries.error());
  return http::Response::json(200, page_to_json(*entries));
}

}  // namespace

void add_region_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/regions", [&ctx](http::Request& req) { return list_regions(ctx, req); },
             route_doc("regions", "List regions (all, ?parent=CODE children, ?subtree=CODE)",
                       Permission::kRegionRead));
  router.get("/api/v1/regions/{code}", [&ctx](http::Request& req) { return get_region(ctx, req); },
             route_doc("regions", "One region", Permission::kRegionRead));
  router.post("/api/v1/regions", [&ctx](http::Request& req) { return create_region(ctx, req); },
              route_doc("regions", "Create a region", Permission::kRegionWrite,
                        object_schema({{"code", "string"},
                                       {"parent_code", "string"},
                                       {"name", "string"},
                                       {"level", "string"},
                                       {"area_class", "string"},
                                       {"centre", "string"}},
                                      {"code", "name", "level"})));
  router.patch("/api/v1/regions/{code}",
               [&ctx](http::Request& req) { return update_region(ctx, req); },
               route_doc("regions", "Rename a region or change its class or centre",
                         Permission::kRegionWrite,
                         object_schema({{"name", "string"}, {"area_class", "string"}, {"centre", "string"}})));
  router.del("/api/v1/regions/{code}",
             [&ctx](http::Request& req) { return delete_region(ctx, req); },
             route_doc("regions", "Delete an unused region", Permission::kRegionWrite));
}

void add_audit_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/audit", [&ctx](http::Request& req) { return list_audit(ctx, req); },
             route_doc("audit", "The audit log of admin actions (filters: user_id, action, target, from, to)",
                       Permission::kAuditRead));
}

}  // namespace sy::api
