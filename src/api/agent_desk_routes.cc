// The agent's day and the supervisor's hand on it: an agent's own figures for today (calls
// answered, average handling time, time in each state), and a supervisor forcing an agent's
// state or signing an agent out (both audited, inside the supervisor's region).
#include <algorithm>
#include <cmath>
#include <map>

#include "api/floor_json.h"
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;
using nlohmann::json;

constexpr std::int64_t kMsPerDay = 24LL * 3600 * 1000;

// Midnight of the centre's day containing `now` (China keeps one offset all year).
TimePoint local_midnight(TimePoint now, int utc_offset_minutes) {
  std::int64_t offset_ms = std::int64_t{utc_offset_minutes} * 60'000;
  std::int64_t local = to_unix_ms(now) + offset_ms;
  return from_unix_ms(local - ((local % kMsPerDay) + kMsPerDay) % kMsPerDay - offset_ms);
}

int utc_offset_of(const std::string& zone) {
  // The centre's zone, converted as the reports convert it (China Standard Time otherwise).
  return store::fixed_zone_offset_minutes(zone).value_or(8 * 60);
}

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

Result<json> today_figures(Context& ctx, std::int64_t agent_id) {
  TimePoint now = ctx.clock.now();
  TimePoint midnight = local_midnight(now, utc_offset_of(ctx.options.time_zone));

  // Calls taken today: answered, and the handling time of those that ended.
  int answered = 0, ended = 0;
  Duration handling{0};
  store::CallFilter f;
  f.agent_id = agent_id;
  f.from = midnight;
  for (int page = 1; page <= 50; ++page) {
    auto calls = ctx.repos.calls.list(f, {page, store::kMaxPageSize});
    if (!calls) return calls.error();
    for (const auto& c : calls->items) {
      if (!c.answered_at) continue;
      ++answered;
      if (c.ended_at) {
        ++ended;
        handling += *c.ended_at - *c.answered_at;
      }
    }
    if (static_cast<int>(calls->items.size()) < store::kMaxPageSize) break;
  }

  // Time in each state since midnight, from the state history (newest first).
  std::map<std::string, Duration> in_state;
  TimePoint until = now;
  bool reached_midnight = false;
  for (int page = 1; page <= 50 && !reached_midnight; ++page) {
    auto history = ctx.repos.agents.state_history(agent_id, {page, store::kMaxPageSize});
    if (!history) return history.error();
    for (const auto& change : history->items) {
      TimePoint from = std::max(change.at, midnight);
      if (until > from) in_state[std::string(store::to_string(change.state))] += until - from;
      until = from;
      if (change.at <= midnight) {
        reached_midnight = true;
        break;
      }
    }
    if (static_cast<int>(history->items.size()) < store::kMaxPageSize) break;
  }
  json states = json::object();
  for (const char* s : {"ready", "break", "wrap_up", "offline"}) states[s] = 0;
  for (const auto& [state, d] : in_state) states[state] = std::llround(seconds(d));

  return json{{"day_started_at", format_rfc3339(midnight)},
              {"calls_answered", answered},
              {"average_handling_s", ended ? json(std::llround(seconds(handling) / ended)) : json()},
              {"handling_s", std::llround(seconds(handling))},
              {"time_in_state_s", states}};
}

http::Response my_today(Context& ctx, http::Request& req) {
  auto agent = ctx.repos.agents.get_by_user(signed_in(req).user.id);
  if (!agent)
    return http::Response::error(ErrorKind::kNotFound, "agent_not_found",
                                 "you are not set up as an agent (ask an admin for an extension)");
  return reply(today_figures(ctx, agent->id));
}


Status change(Context& ctx, const store::Agent& agent, store::AgentPresence state,
              const std::string& reason) {
  return ctx.presence
             ? ctx.presence->change_state(agent.id, state, reason, "supervisor")
             : ctx.repos.agents.record_state(
                   {0, agent.id, state, reason, "supervisor", ctx.clock.now()});
}

http::Response force_state(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  std::string state = r.required_enum("state", {"ready", "break", "wrap_up", "offline"});
  std::string reason = r.optional_string("reason", 0, 64).value_or("");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto agent = agent_in_scope(ctx, req);
  if (!agent) return http::Response::error(agent.error());
  if (reason.empty() && state == "break") reason = "supervisor";
  if (Status st = change(ctx, *agent, *store::parse_agent_presence(state), reason); !st)
    return http::Response::error(st.error());
  audit(ctx, req, "agent.force_state", "agent:" + std::to_string(agent->id),
        {{"username", agent->username}, {"from", store::to_string(agent->state)}, {"to", state},
         {"reason", reason}});
  auto after = ctx.repos.agents.get(agent->id);
  return after ? http::Response::json(200, to_json(*after)) : http::Response::error(after.error());
}

http::Response sign_out(Context& ctx, http::Request& req) {
  if (!req.body.empty()) {
    auto body = http::parse_json_body(req);
    if (!body) return http::Response::error(body.error());
    http::JsonObjectReader r(*body);
    if (Status st = r.finish(); !st) return http::Response::error(st.error());
  }
  auto agent = agent_in_scope(ctx, req);
  if (!agent) return http::Response::error(agent.error());
  if (Status st = change(ctx, *agent, store::AgentPresence::kOffline, "signed_out_by_supervisor");
      !st)
    return http::Response::error(st.error());
  // The agent's desktops end now (and do not reconnect); they sign in again to work.
  auto removed = ctx.repos.sessions.remove_all_for_user(agent->user_id);
  if (!removed) return http::Response::error(removed.error());
  ctx.events.close_user(agent->user_id, events::kSignedOut);
  audit(ctx, req, "agent.sign_out", "agent:" + std::to_string(agent->id),
        {{"username", agent->username}, {"from", store::to_string(agent->state)},
         {"sessions_ended", *removed}});
  auto after = ctx.repos.agents.get(agent->id);
  return after ? http::Response::json(200, to_json(*after)) : http::Response::error(after.error());
}

}  // namespace

void add_agent_desk_routes(http::Router& router, Context& ctx) {
  http::RouteDoc today = route_doc(
      "agents",
      "My figures for today (the centre's day): calls answered, average handling time, time in "
      "each state",
      Permission::kAgentSelf);
  today.responses.push_back({200, "Today's figures",
                             object_schema({{"day_started_at", "string"},
                                            {"calls_answered", "integer"},
                                            {"average_handling_s", "integer"},
                                            {"handling_s", "integer"},
                                            {"time_in_state_s", "object"}})});
  router.get("/api/v1/agents/me/today", [&ctx](http::Request& req) { return my_today(ctx, req); },
             today);
  router.post("/api/v1/agents/{id}/state",
              [&ctx](http::Request& req) { return force_state(ctx, req); },
              route_doc("agents",
                        "Supervisor: force an agent's state (ready, break with reason, wrap_up, "
                        "offline); audited",
                        Permission::kAgentSupervise,
                        object_schema({{"state", "string"}, {"reason", "string"}}, {"state"})));
  router.post("/api/v1/agents/{id}/sign-out",
              [&ctx](http::Request& req) { return sign_out(ctx, req); },
              route_doc("agents",
                        "Supervisor: sign an agent out (offline, their sessions and desktops end); "
                        "audited",
                        Permission::kAgentSupervise));
}

}  // namespace sy::api
