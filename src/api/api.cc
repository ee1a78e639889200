#include "api/api.h"

#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "api/session.h"
#include "http/openapi.h"

namespace sy::api {

// Declared here rather than in routes.h: the agent's day and supervisor actions (agent_desk_routes.cc).
void add_agent_desk_routes(http::Router& router, Context& ctx);
// The wallboard's thresholds per queue (wallboard_routes.cc).
void add_wallboard_routes(http::Router& router, Context& ctx);
// Seat phones and picking where an agent sits (seat_routes.cc).
void add_seat_routes(http::Router& router, Context& ctx);

void audit(Context& ctx, const http::Request& req, const std::string& action,
           const std::string& target, const nlohmann::json& detail) {
  std::optional<std::int64_t> user_id;
  if (const SignedIn* s = req.auth_as<SignedIn>()) user_id = s->user.id;
  auto r = ctx.repos.audit.append(user_id, action, target,
                                  detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!r) spdlog::error("audit {} {}: {}", action, target, r.error().message);
}

nlohmann::json object_schema(std::initializer_list<std::pair<const char*, const char*>> props,
                             std::initializer_list<const char*> required) {
  nlohmann::json p = nlohmann::json::object();
  for (const auto& [name, type] : props) p[name] = {{"type", type}};
  nlohmann::json s = {{"type", "object"}, {"properties", p}, {"additionalProperties", false}};
  if (required.size()) {
    s["required"] = nlohmann::json::array();
    for (const char* r : required) s["required"].push_back(r);
  }
  return s;
}

void register_api(http::Router& router, Context& ctx) {
  router.use(session_middleware(ctx));
  add_auth_routes(router, ctx);
  add_user_routes(router, ctx);
  add_region_routes(router, ctx);
  add_customer_routes(router, ctx);
  add_account_routes(router, ctx);
  add_outage_routes(router, ctx);
  add_audit_routes(router, ctx);
  add_event_routes(router, ctx);
  add_work_order_routes(router, ctx);
  add_work_order_type_routes(router, ctx);
  add_kb_routes(router, ctx);
  add_routing_routes(router, ctx);
  add_agent_routes(router, ctx);
  add_call_routes(router, ctx);
  add_call_control_routes(router, ctx);
  add_agent_desk_routes(router, ctx);
  add_wallboard_routes(router, ctx);
  add_seat_routes(router, ctx);
  add_report_routes(router, ctx);
  add_quality_routes(router, ctx);
  add_sms_routes(router, ctx);
  http::OpenApiInfo info;
  info.title = "Switchyard API";
  info.version = "0.1.0";
  info.description =
      "Switchyard contact-centre platform. Sign in with POST /api/v1/auth/login; send the "
      "returned csrf_token as X-CSRF-Token on every POST/PUT/PATCH/DELETE.";
  http::add_openapi_route(router, info);
}

}  // namespace sy::api
