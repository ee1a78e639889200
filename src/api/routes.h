// Each resource adds its routes here; register_api (api.cc) calls them all. Private to src/api.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/context.h"
#include "api/json_codec.h"
#include "auth/roles.h"
#include "http/json_input.h"
#include "http/router.h"

namespace sy::api {

void add_auth_routes(http::Router& router, Context& ctx);
void add_user_routes(http::Router& router, Context& ctx);
void add_region_routes(http::Router& router, Context& ctx);
void add_customer_routes(http::Router& router, Context& ctx);
void add_account_routes(http::Router& router, Context& ctx);
void add_outage_routes(http::Router& router, Context& ctx);
void add_audit_routes(http::Router& router, Context& ctx);
void add_event_routes(http::Router& router, Context& ctx);
void add_work_order_routes(http::Router& router, Context& ctx);
void add_work_order_type_routes(http::Router& router, Context& ctx);
void add_kb_routes(http::Router& router, Context& ctx);
void add_routing_routes(http::Router& router, Context& ctx);
void add_agent_routes(http::Router& router, Context& ctx);
void add_call_routes(http::Router& router, Context& ctx);
void add_call_control_routes(http::Router& router, Context& ctx);
void add_report_routes(http::Router& router, Context& ctx);
void add_quality_routes(http::Router& router, Context& ctx);
void add_sms_routes(http::Router& router, Context& ctx);

// The agent named by the path's {id}, when the caller's region scope covers the agent's user
// (agent_routes.cc); 404 agent_not_found otherwise.
Result<store::Agent> agent_in_scope(Context& ctx, const http::Request& req);

// A route's documentation and guard in one line.
inline http::RouteDoc route_doc(std::string tag, std::string summary, auth::Permission permission,
                                nlohmann::json request_body = nullptr) {
  http::RouteDoc d;
  d.tag = std::move(tag);
  d.summary = std::move(summary);
  d.permission = std::string(auth::to_string(permission));
  d.request_body = std::move(request_body);
  return d;
}

// 200 (or `status`) with the value, or the error shape.
inline http::Response reply(const Result<nlohmann::json>& r, int status = 200) {
  return r ? http::Response::json(status, *r) : http::Response::error(r.error());
}

// Appends an audit row for an admin action; a failure to audit is logged, never hidden from
// the operator's view of the action itself.
void audit(Context& ctx, const http::Request& req, const std::string& action,
           const std::string& target, const nlohmann::json& detail);

// A JSON-schema object with the given properties, for the OpenAPI document.
nlohmann::json object_schema(std::initializer_list<std::pair<const char*, const char*>> props,
                             std::initializer_list<const char*> required = {});

}  // namespace sy::api
