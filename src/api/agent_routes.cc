// Agents: admins make a user an agent (extension, phone password kept only as a SIP digest HA1,
// skills, languages, regions, groups); supervisors and managers see the agents of their region;
// an agent reads their own settings and sets their presence (ready, break, wrap-up, offline),
// which the ACD takes on the control thread.
#include <map>

#include "api/floor_json.h"
#include "api/routes.h"
#include "api/session.h"
#include "auth/sip_digest.h"

namespace sy::api {
namespace {

using auth::Permission;

bool is_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}


http::Response list_agents(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"state", "skill", "q"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::AgentFilter f;
  if (auto s = req.query_param("state")) {
    f.state = store::parse_agent_presence(*s);
    if (!f.state)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                   "'state' must be offline, ready, reserved, on_call, wrap_up "
                                   "or break",
                                   "state");
  }
  f.skill = req.query_param("skill").value_or("");
  f.q = req.query_param("q").value_or("");
  f.scope = sees_everything(req) ? "" : *signed_in(req).user.region_code;
  auto agents = ctx.repos.agents.list(f, *page);
  if (!agents) return http::Response::error(agents.error());
  nlohmann::json out = floor_page_to_json(*agents);
  // Where the ACD rings each agent now (a seat phone they picked, or their own extension).
  std::map<std::int64_t, std::string> picked;
  if (ctx.seats) {
    if (auto snap = ctx.seats->seat_snapshot()) picked = std::move(snap->picked);
  }
  for (auto& item : out["items"]) {
    auto seat = picked.find(item["id"].get<std::int64_t>());
    item["current_extension"] = seat == picked.end() ? item["extension"] : nlohmann::json(seat->second);
  }
  return http::Response::json(200, out);
}

http::Response get_agent(Context& ctx, http::Request& req) {
  auto a = agent_in_scope(ctx, req);
  return a ? http::Response::json(200, to_json(*a)) : http::Response::error(a.error());
}

http::Response create_agent(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewAgent a;
  a.user_id = r.required_int("user_id", 1);
  a.extension = r.required_string("extension", 2, 16);
  std::string password = r.required_string("sip_password", 8, 64);
  a.skills = read_levels(r, "skills").value_or(std::vector<store::NamedLevel>{});
  a.languages = r.optional_string_array("languages", 10, 8).value_or(std::vector<std::string>{"zh"});
  a.regions = r.optional_string_array("regions", 100, 32).value_or(std::vector<std::string>{});
  a.groups = r.optional_string_array("groups", 20, 32).value_or(std::vector<std::string>{});
  a.chat_capacity = static_cast<int>(r.optional_int("chat_capacity", 0, 20).value_or(0));
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (!is_digits(a.extension))
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_extension",
                                 "an extension is 2 to 16 digits", "extension");
  auto user = ctx.repos.users.get(a.user_id);
  if (!user) {
    Error e = user.error();
    e.field = "user_id";
    return http::Response::error(e);
  }
  store::RegionScope scope = scope_of(req);
  if (!scope.unrestricted() && (!user->region_code || !scope.contains(*user->region_code)))
    return http::Response::error(ErrorKind::kForbidden, "region_out_of_scope",
                                 "you may only manage agents inside your own region", "user_id");
  a.sip_realm = ctx.options.sip_realm;
  a.sip_ha1 = auth::sip_ha1(a.extension, a.sip_realm, password);
  auto created = ctx.repos.agents.create(a);
  if (!created) return http::Response::error(created.error());
  nlohmann::json detail = *body;
  detail["sip_password"] = "***";
  audit(ctx, req, "agent.create", "agent:" + std::to_string(created->id), detail);
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/agents/" + std::to_string(created->id));
}

http::Response update_agent(Context& ctx, http::Request& req) {
  auto existing = agent_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::AgentUpdate u;
  u.extension = r.optional_string("extension", 2, 16);
  auto password = r.optional_string("sip_password", 8, 64);
  u.skills = read_levels(r, "skills");
  u.languages = r.optional_string_array("languages", 10, 8);
  u.regions = r.optional_string_array("regions", 100, 32);
  u.groups = r.optional_string_array("groups", 20, 32);
  if (auto c = r.optional_int("chat_capacity", 0, 20)) u.chat_capacity = static_cast<int>(*c);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (u.extension && !is_digits(*u.extension))
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_extension",
                                 "an extension is 2 to 16 digits", "extension");
  // HA1 covers the extension: a new extension needs the phone password again.
  if (u.extension && *u.extension != existing->extension && !password)
    return http::Response::error(ErrorKind::kInvalidInput, "sip_password_required",
                                 "a new extension needs the phone password too", "sip_password");
  if (password) {
    u.sip_realm = ctx.options.sip_realm;
    u.sip_ha1 = auth::sip_ha1(u.extension.value_or(existing->extension), *u.sip_realm, *password);
  }
  auto updated = ctx.repos.agents.update(existing->id, u);
  if (!updated) return http::Response::error(updated.error());
  nlohmann::json detail = *body;
  if (detail.contains("sip_password")) detail["sip_password"] = "***";
  audit(ctx, req, "agent.update", "agent:" + std::to_string(existing->id), detail);
  return http::Response::json(200, to_json(*updated));
}

http::Response delete_agent(Context& ctx, http::Request& req) {
  auto existing = agent_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  if (existing->state != store::AgentPresence::kOffline)
    return http::Response::error(ErrorKind::kConflict, "agent_signed_in",
                                 "the agent is " + std::string(store::to_string(existing->state)) +
                                     "; set them offline first");
  if (Status st = ctx.repos.agents.remove(existing->id); !st)
    return http::Response::error(st.error());
  audit(ctx, req, "agent.delete", "agent:" + std::to_string(existing->id),
        {{"username", existing->username}});
  return http::Response::no_content();
}

http::Response agent_history(Context& ctx, http::Request& req) {
  auto existing = agent_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  if (Status st = only_known_params(req, {}); !st) return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto h = ctx.repos.agents.state_history(existing->id, *page);
  return h ? http::Response::json(200, floor_page_to_json(*h)) : http::Response::error(h.error());
}

Result<store::Agent> my_agent(Context& ctx, const http::Request& req) {
  auto agent = ctx.repos.agents.get_by_user(signed_in(req).user.id);
  if (!agent)
    return make_error(ErrorKind::kNotFound, "agent_not_found",
                      "you are not set up as an agent (ask an admin for an extension)");
  return agent;
}

http::Response get_me(Context& ctx, http::Request& req) {
  auto a = my_agent(ctx, req);
  if (!a) return http::Response::error(a.error());
  nlohmann::json j = to_json(*a);
  // Where the ACD rings the agent now: their own extension or the seat phone they picked.
  j["current_extension"] = a->extension;
  if (ctx.seats) {
    if (auto snap = ctx.seats->seat_snapshot(); snap && snap->picked.count(a->id))
      j["current_extension"] = snap->picked.at(a->id);
  }
  return http::Response::json(200, j);
}

http::Response set_my_state(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  std::string state = r.required_enum("state", {"ready", "break", "wrap_up", "offline"});
  std::string reason = r.optional_string("reason", 0, 64).value_or("");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto agent = my_agent(ctx, req);
  if (!agent) return http::Response::error(agent.error());
  store::AgentPresence presence = *store::parse_agent_presence(state);
  Status st = ctx.presence
                  ? ctx.presence->change_state(agent->id, presence, reason, "agent")
                  : ctx.repos.agents.record_state(
                        {0, agent->id, presence, reason, "agent", ctx.clock.now()});
  if (!st) return http::Response::error(st.error());
  auto after = ctx.repos.agents.get(agent->id);
  return after ? http::Response::json(200, to_json(*after)) : http::Response::error(after.error());
}

nlohmann::json agent_schema(bool create) {
  nlohmann::json s = object_schema({{"user_id", "integer"},
                                    {"extension", "string"},
                                    {"sip_password", "string"},
                                    {"skills", "object"},
                                    {"languages", "array"},
                                    {"regions", "array"},
                                    {"groups", "array"},
                                    {"chat_capacity", "integer"}});
  if (create) s["required"] = {"user_id", "extension", "sip_password"};
  else s["properties"].erase("user_id");
  return s;
}

}  // namespace

void add_agent_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/agents", [&ctx](http::Request& req) { return list_agents(ctx, req); },
             route_doc("agents", "List agents with their state (state, skill, q; paged)",
                       Permission::kAgentRead));
  router.post("/api/v1/agents", [&ctx](http::Request& req) { return create_agent(ctx, req); },
              route_doc("agents",
                        "Make a user an agent: extension, phone password (stored as SIP digest "
                        "HA1 only), skills with levels 1..10, languages, regions, groups",
                        Permission::kAgentWrite, agent_schema(true)));
  router.get("/api/v1/agents/me", [&ctx](http::Request& req) { return get_me(ctx, req); },
             route_doc("agents", "My agent settings and current state", Permission::kAgentSelf));
  router.post("/api/v1/agents/me/state",
              [&ctx](http::Request& req) { return set_my_state(ctx, req); },
              route_doc("agents", "Set my state: ready, break (with reason), wrap_up or offline",
                        Permission::kAgentSelf,
                        object_schema({{"state", "string"}, {"reason", "string"}}, {"state"})));
  router.get("/api/v1/agents/{id}", [&ctx](http::Request& req) { return get_agent(ctx, req); },
             route_doc("agents", "One agent", Permission::kAgentRead));
  router.get("/api/v1/agents/{id}/state-history",
             [&ctx](http::Request& req) { return agent_history(ctx, req); },
             route_doc("agents", "An agent's state changes, newest first (paged)",
                       Permission::kAgentRead));
  router.patch("/api/v1/agents/{id}", [&ctx](http::Request& req) { return update_agent(ctx, req); },
               route_doc("agents",
                         "Change an agent's extension, phone password, skills, languages, "
                         "regions, groups or chat capacity",
                         Permission::kAgentWrite, agent_schema(false)));
  router.del("/api/v1/agents/{id}", [&ctx](http::Request& req) { return delete_agent(ctx, req); },
             route_doc("agents", "Remove an offline agent (the user stays)", Permission::kAgentWrite));
}

Result<store::Agent> agent_in_scope(Context& ctx, const http::Request& req) {
  auto id = id_param(req, "id", "agent_not_found");
  if (!id) return id.error();
  auto agent = ctx.repos.agents.get(*id);
  if (!agent) return agent.error();
  store::RegionScope scope = scope_of(req);
  if (!scope.unrestricted() && (!agent->region_code || !scope.contains(*agent->region_code)))
    return make_error(ErrorKind::kNotFound, "agent_not_found", "no such agent");
  return agent;
}

}  // namespace sy::api
