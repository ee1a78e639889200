// Hot-desking. Admins register seat phones (desk phones that belong to no agent: extension, SIP
// password kept only as a digest HA1, region, a label such as 3楼A区12号). An agent opening the
// desktop chooses where they sit: their own extension, or a free seat of their region; the ACD
// rings that extension for them from then on, until they sign out, go offline, their desktop is
// gone, or they pick another.
#include "api/floor_json.h"
#include "api/routes.h"
#include "api/session.h"
#include "auth/sip_digest.h"

namespace sy::api {
namespace {

using auth::Permission;
using nlohmann::json;

Error acd_missing() {
  return make_error(ErrorKind::kUnavailable, "acd_unavailable",
                    "the call distributor is not running on this server, so no seat can be picked");
}

bool is_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// What the ACD knows now; empty without one (every seat free, no phone known).
SeatSnapshot snapshot(Context& ctx) {
  if (!ctx.seats) return {};
  auto snap = ctx.seats->seat_snapshot();
  return snap ? std::move(*snap) : SeatSnapshot{};
}

json seat_json(const store::Seat& s, const SeatSnapshot& snap) {
  json j = {{"id", s.id},
            {"extension", s.extension},
            {"region_code", s.region_code},
            {"label", s.label},
            {"has_sip_password", !s.sip_ha1.empty()},
            {"registered", snap.registered.count(s.extension) > 0},
            {"held_by_agent_id", nullptr},
            {"created_at", format_rfc3339(s.created_at)},
            {"updated_at", format_rfc3339(s.updated_at)}};
  if (auto held = snap.held.find(s.extension); held != snap.held.end())
    j["held_by_agent_id"] = held->second;
  return j;
}

// The seat of the path's {id}, when the admin's region scope covers it.
Result<store::Seat> seat_in_scope(Context& ctx, const http::Request& req) {
  auto id = id_param(req, "id", "seat_not_found");
  if (!id) return id.error();
  auto seat = ctx.repos.seats.get(*id);
  if (!seat) return seat.error();
  if (!scope_of(req).contains(seat->region_code))
    return make_error(ErrorKind::kNotFound, "seat_not_found", "no such seat");
  return seat;
}

Status region_in_scope(const http::Request& req, const std::string& region) {
  if (scope_of(req).contains(region)) return {};
  return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                    "you may only manage seats inside your own region", "region_code");
}

http::Response list_seats(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"q"}); !st) return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::SeatFilter f;
  f.q = req.query_param("q").value_or("");
  f.scope = sees_everything(req) ? "" : *signed_in(req).user.region_code;
  auto seats = ctx.repos.seats.list(f, *page);
  if (!seats) return http::Response::error(seats.error());
  SeatSnapshot snap = snapshot(ctx);
  json items = json::array();
  for (const auto& s : seats->items) items.push_back(seat_json(s, snap));
  return http::Response::json(200, {{"items", std::move(items)},
                                    {"total", seats->total},
                                    {"page", seats->page},
                                    {"page_size", seats->page_size}});
}

http::Response get_seat(Context& ctx, http::Request& req) {
  auto seat = seat_in_scope(ctx, req);
  if (!seat) return http::Response::error(seat.error());
  return http::Response::json(200, seat_json(*seat, snapshot(ctx)));
}

http::Response create_seat(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewSeat s;
  s.extension = r.required_string("extension", 2, 16);
  std::string password = r.required_string("sip_password", 8, 64);
  s.region_code = r.required_string("region_code", 1, 32);
  s.label = r.optional_string("label", 0, 64).value_or("");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (!is_digits(s.extension))
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_extension",
                                 "an extension is 2 to 16 digits", "extension");
  if (Status st = region_in_scope(req, s.region_code); !st) return http::Response::error(st.error());
  s.sip_realm = ctx.options.sip_realm;
  s.sip_ha1 = auth::sip_ha1(s.extension, s.sip_realm, password);
  auto created = ctx.repos.seats.create(s);
  if (!created) return http::Response::error(created.error());
  json detail = *body;
  detail["sip_password"] = "***";
  audit(ctx, req, "seat.create", "seat:" + std::to_string(created->id), detail);
  return http::Response::json(201, seat_json(*created, snapshot(ctx)))
      .with_header("Location", "/api/v1/seats/" + std::to_string(created->id));
}

http::Response update_seat(Context& ctx, http::Request& req) {
  auto existing = seat_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::SeatUpdate u;
  u.extension = r.optional_string("extension", 2, 16);
  auto password = r.optional_string("sip_password", 8, 64);
  u.region_code = r.optional_string("region_code", 1, 32);
  u.label = r.optional_string("label", 0, 64);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (u.extension && !is_digits(*u.extension))
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_extension",
                                 "an extension is 2 to 16 digits", "extension");
  if (u.extension && *u.extension == existing->extension) u.extension.reset();
  if (u.extension && !password)
    return http::Response::error(ErrorKind::kInvalidInput, "sip_password_required",
                                 "a new extension needs the phone password too", "sip_password");
  if (u.region_code) {
    if (Status st = region_in_scope(req, *u.region_code); !st)
      return http::Response::error(st.error());
  }
  SeatSnapshot snap = snapshot(ctx);
  if (u.extension && snap.held.count(existing->extension))
    return http::Response::error(ErrorKind::kConflict, "seat_in_use",
                                 "an agent sits at this seat; change its extension later",
                                 "extension");
  if (password) {
    u.sip_realm = ctx.options.sip_realm;
    u.sip_ha1 = auth::sip_ha1(u.extension.value_or(existing->extension), *u.sip_realm, *password);
  }
  auto updated = ctx.repos.seats.update(existing->id, u);
  if (!updated) return http::Response::error(updated.error());
  json detail = *body;
  if (detail.contains("sip_password")) detail["sip_password"] = "***";
  audit(ctx, req, "seat.update", "seat:" + std::to_string(existing->id), detail);
  return http::Response::json(200, seat_json(*updated, snap));
}

http::Response delete_seat(Context& ctx, http::Request& req) {
  auto existing = seat_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  if (snapshot(ctx).held.count(existing->extension))
    return http::Response::error(ErrorKind::kConflict, "seat_in_use",
                                 "an agent sits at seat " + existing->extension +
                                     "; remove it once they have left");
  if (Status st = ctx.repos.seats.remove(existing->id); !st)
    return http::Response::error(st.error());
  audit(ctx, req, "seat.delete", "seat:" + std::to_string(existing->id),
        {{"extension", existing->extension}, {"label", existing->label}});
  return http::Response::no_content();
}

Result<store::Agent> my_agent(Context& ctx, const http::Request& req) {
  auto agent = ctx.repos.agents.get_by_user(signed_in(req).user.id);
  if (!agent)
    return make_error(ErrorKind::kNotFound, "agent_not_found",
                      "you are not set up as an agent (ask an admin for an extension)");
  return agent;
}

// The agent's own extension and the seats of their region nobody else holds.
Result<json> seat_choices(Context& ctx, const http::Request& req, const store::Agent& agent) {
  auto seats = ctx.repos.seats.for_region(signed_in(req).user.region_code.value_or(""));
  if (!seats) return seats.error();
  SeatSnapshot snap = snapshot(ctx);
  auto picked = snap.picked.find(agent.id);
  std::string current = picked == snap.picked.end() ? agent.extension : picked->second;
  json choices = json::array();
  choices.push_back({{"kind", "own"},
                     {"extension", agent.extension},
                     {"label", ""},
                     {"seat_id", nullptr},
                     {"region_code", agent.region_code ? json(*agent.region_code) : json()},
                     {"registered", snap.registered.count(agent.extension) > 0},
                     {"current", current == agent.extension}});
  for (const auto& s : *seats) {
    auto held = snap.held.find(s.extension);
    if (held != snap.held.end() && held->second != agent.id) continue;  // someone sits there
    choices.push_back({{"kind", "seat"},
                       {"extension", s.extension},
                       {"label", s.label},
                       {"seat_id", s.id},
                       {"region_code", s.region_code},
                       {"registered", snap.registered.count(s.extension) > 0},
                       {"current", current == s.extension}});
  }
  return json{{"own_extension", agent.extension},
              {"current_extension", current},
              {"picking_available", ctx.seats != nullptr},
              {"choices", std::move(choices)}};
}

http::Response get_seat_choices(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {}); !st) return http::Response::error(st.error());
  auto agent = my_agent(ctx, req);
  if (!agent) return http::Response::error(agent.error());
  return reply(seat_choices(ctx, req, *agent));
}

http::Response put_my_extension(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  std::string extension = r.required_string("extension", 2, 16);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto agent = my_agent(ctx, req);
  if (!agent) return http::Response::error(agent.error());
  if (!ctx.seats) return http::Response::error(acd_missing());
  if (extension != agent->extension) {
    // Only a seat of the agent's region: never another agent's phone.
    auto seat = ctx.repos.seats.get_by_extension(extension);
    std::string region = signed_in(req).user.region_code.value_or("");
    bool reachable = seat && (region.empty() || store::in_scope(seat->region_code, region) ||
                              store::in_scope(region, seat->region_code));
    if (!reachable)
      return http::Response::error(ErrorKind::kNotFound, "seat_not_found",
                                   "no seat phone " + extension + " in your region",
                                   "extension");
  }
  if (Status st = ctx.seats->pick_extension(*agent, extension); !st) {
    Error e = st.error();
    if (e.field.empty()) e.field = "extension";
    return http::Response::error(e);
  }
  return reply(seat_choices(ctx, req, *agent));
}

json seat_schema(bool create) {
  json s = object_schema({{"extension", "string"},
                          {"sip_password", "string"},
                          {"region_code", "string"},
                          {"label", "string"}});
  if (create) s["required"] = {"extension", "sip_password", "region_code"};
  return s;
}

}  // namespace

void add_seat_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/seats", [&ctx](http::Request& req) { return list_seats(ctx, req); },
             route_doc("seats",
                       "Seat phones (hot-desking), with whether a phone is registered and which "
                       "agent sits there (q; paged)",
                       Permission::kAgentWrite));
  router.post("/api/v1/seats", [&ctx](http::Request& req) { return create_seat(ctx, req); },
              route_doc("seats",
                        "Register a seat phone: extension (never an agent's own), phone password "
                        "(stored as SIP digest HA1 only), region, label; audited",
                        Permission::kAgentWrite, seat_schema(true)));
  router.get("/api/v1/seats/{id}", [&ctx](http::Request& req) { return get_seat(ctx, req); },
             route_doc("seats", "One seat phone", Permission::kAgentWrite));
  router.patch("/api/v1/seats/{id}", [&ctx](http::Request& req) { return update_seat(ctx, req); },
               route_doc("seats",
                         "Change a seat's label, region, phone password or extension (with the "
                         "password); audited",
                         Permission::kAgentWrite, seat_schema(false)));
  router.del("/api/v1/seats/{id}", [&ctx](http::Request& req) { return delete_seat(ctx, req); },
             route_doc("seats", "Remove a seat phone nobody sits at; audited",
                       Permission::kAgentWrite));
  router.get("/api/v1/agents/me/seat-choices",
             [&ctx](http::Request& req) { return get_seat_choices(ctx, req); },
             route_doc("agents",
                       "Where I may sit: my own extension and the free seat phones of my region, "
                       "each with whether a phone is registered there now",
                       Permission::kAgentSelf));
  router.put("/api/v1/agents/me/extension",
             [&ctx](http::Request& req) { return put_my_extension(ctx, req); },
             route_doc("agents",
                       "Pick where I sit: my own extension or a free seat's; the ACD rings it "
                       "for me until I sign out, go offline or pick another (409 seat_taken)",
                       Permission::kAgentSelf, object_schema({{"extension", "string"}}, {"extension"})));
}

}  // namespace sy::api
