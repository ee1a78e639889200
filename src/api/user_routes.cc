// Users: who may sign in, with which role, region and extension. Admins manage them;
// supervisors and managers may list those in their region.
#include "api/routes.h"
#include "api/session.h"
#include "auth/secrets.h"
#include "events/hub.h"

namespace sy::api {
namespace {

using auth::Permission;


Status check_region_in_scope(const http::Request& req, const std::optional<std::string>& region,
                             const char* field) {
  store::RegionScope scope = scope_of(req);
  if (scope.unrestricted()) return {};
  if (!region || !scope.contains(*region))
    return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                      "you may only manage users inside your own region", field);
  return {};
}

http::Response list_users(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"role", "q", "disabled"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::UserFilter filter;
  if (auto role = req.query_param("role")) {
    filter.role = auth::parse_role(*role);
    if (!filter.role)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter",
                                   "unknown role '" + *role + "'", "role");
  }
  filter.q = req.query_param("q").value_or("");
  auto disabled = bool_query(req, "disabled");
  if (!disabled) return http::Response::error(disabled.error());
  filter.disabled = *disabled;
  filter.scope = scope_of(req).unrestricted() ? "" : *signed_in(req).user.region_code;
  auto users = ctx.repos.users.list(filter, *page);
  if (!users) return http::Response::error(users.error());
  return http::Response::json(200, page_to_json(*users));
}

Result<store::User> user_in_scope(Context& ctx, const http::Request& req) {
  auto id = id_param(req, "id", "user_not_found");
  if (!id) return id.error();
  auto user = ctx.repos.users.get(*id);
  if (!user) return user.error();
  store::RegionScope scope = scope_of(req);
  if (!scope.unrestricted() && (!user->region_code || !scope.contains(*user->region_code)))
    return make_error(ErrorKind::kNotFound, "user_not_found", "no such user");
  return user;
}

http::Response get_user(Context& ctx, http::Request& req) {
  auto user = user_in_scope(ctx, req);
  return user ? http::Response::json(200, to_json(*user)) : http::Response::error(user.error());
}

// Admin pages and the user's own desktop learn of the change as it happens.
void publish_user_changed(Context& ctx, const store::User& user) {
  ctx.events.publish(events::type::kUserChanged, {{"user", to_json(user)}},
                     {events::Audience::of_role(auth::Role::kAdmin), events::Audience::user(user.id)});
}

http::Response create_user(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewUser u;
  u.username = r.required_string("username", 1, 64);
  u.display_name = r.optional_string("display_name", 0, 64).value_or("");
  std::string role = r.required_enum("role", {"agent", "supervisor", "backoffice", "field", "manager", "admin"});
  u.region_code = r.optional_string("region_code", 1, 32);
  u.extension = r.optional_string("extension", 2, 16);
  u.mobile = r.optional_string("mobile", 0, 32);
  std::string password = r.required_string("password", 1, 128);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  u.role = *auth::parse_role(role);
  if (u.extension && u.extension->find_first_not_of("0123456789") != std::string::npos)
    return http::Response::error(ErrorKind::kInvalidInput, "invalid_extension",
                                 "an extension is 2 to 16 digits", "extension");
  if (Status st = check_region_in_scope(req, u.region_code, "region_code"); !st)
    return http::Response::error(st.error());
  if (Status st = auth::check_password_policy(password); !st) {
    Error e = st.error();
    e.field = "password";
    return http::Response::error(e);
  }
  auto hash = auth::hash_password(password);
  if (!hash) return http::Response::error(hash.error());
  u.password_hash = *hash;
  auto created = ctx.repos.users.create(u);
  if (!created) return http::Response::error(created.error());
  publish_user_changed(ctx, *created);
  audit(ctx, req, "user.create", "user:" + std::to_string(created->id),
        {{"username", created->username}, {"role", role}});
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/users/" + std::to_string(created->id));
}

http::Response update_user(Context& ctx, http::Request& req) {
  auto existing = user_in_scope(ctx, req);
  if (!existing) return http::Response::error(existing.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::UserUpdate u;
  u.display_name = r.optional_string("display_name", 0, 64);
  auto role = r.optional_enum("role", {"agent", "supervisor", "backoffice", "field", "manager", "admin"});
  if (r.is_null("region_code")) {
    (void)r.raw("region_code");
    u.region_code = std::optional<std::string>{};
  } else if (auto region = r.optional_string("region_code", 1, 32)) {
    u.region_code = std::optional<std::string>{*region};
  }
  if (r.is_null("extension")) {
    (void)r.raw("extension");
    u.extension = std::optional<std::string>{};
  } else if (auto ext = r.optional_string("extension", 2, 16)) {
    u.extension = std::optional<std::string>{*ext};
  }
  if (r.is_null("mobile")) {
    (void)r.raw("mobile");
    u.mobile = std::optional<std::string>{};
  } else if (auto mobile = r.optional_string("mobile", 0, 32)) {
    u.mobile = std::optional<std::string>{*mobile};
  }
  u.disabled = r.optional_bool("disabled");
  auto password = r.optional_string("password", 1, 128);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (role) u.role = auth::parse_role(*role);
  if (u.region_code) {
    if (Status st = check_region_in_scope(req, *u.region_code, "region_code"); !st)
      return http::Response::error(st.error());
  }
  const SignedIn& me = signed_in(req);
  bool demotes_admin = existing->role == auth::Role::kAdmin && !existing->disabled &&
                       ((u.role && *u.role != auth::Role::kAdmin) || (u.disabled && *u.disabled));
  if (demotes_admin) {
    auto admins = ctx.repos.users.count_admins();
    if (!admins) return http::Response::error(admins.error());
    if (*admins <= 1)
      return http::Response::error(ErrorKind::kConflict, "last_admin",
                                   "this is the last active admin; create another one first");
  }
  if (existing->id == me.user.id && u.disabled && *u.disabled)
    return http::Response::error(ErrorKind::kConflict, "cannot_disable_self",
                                 "you cannot disable your own account", "disabled");
  if (password) {
    if (Status st = auth::check_password_policy(*password); !st) {
      Error e = st.error();
      e.field = "password";
      return http::Response::error(e);
    }
    auto hash = auth::hash_password(*password);
    if (!hash) return http::Response::error(hash.error());
    u.password_hash = *hash;
  }
  auto updated = ctx.repos.users.update(existing->id, u);
  if (!updated) return http::Response::error(updated.error());
  if ((u.disabled && *u.disabled) || password) {
    auto removed = ctx.repos.sessions.remove_all_for_user(existing->id);
    if (!removed) return http::Response::error(removed.error());
    ctx.events.close_user(existing->id, events::kSignedOut);
  } else if (u.role || u.region_code) {
    // What the user's desktop may receive changed: it reconnects with the new rights.
    ctx.events.close_user(existing->id, events::kAccountChanged);
  }
  publish_user_changed(ctx, *updated);
  nlohmann::json detail = *body;
  if (detail.contains("password")) detail["password"] = "***";
  audit(ctx, req, "user.update", "user:" + std::to_string(existing->id), detail);
  return http::Response::json(200, to_json(*updated));
}

}  // namespace

void add_user_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/users", [&ctx](http::Request& req) { return list_users(ctx, req); },
             route_doc("users", "List users (filters: role, q, disabled; paged)",
                       Permission::kUserRead));
  router.post("/api/v1/users", [&ctx](http::Request& req) { return create_user(ctx, req); },
              route_doc("users", "Create a user", Permission::kUserWrite,
                        object_schema({{"username", "string"},
                                       {"display_name", "string"},
                                       {"role", "string"},
                                       {"region_code", "string"},
                                       {"extension", "string"},
                                       {"mobile", "string"},
                                       {"password", "string"}},
                                      {"username", "role", "password"})));
  router.get("/api/v1/users/{id}", [&ctx](http::Request& req) { return get_user(ctx, req); },
             route_doc("users", "One user", Permission::kUserRead));
  router.patch("/api/v1/users/{id}", [&ctx](http::Request& req) { return update_user(ctx, req); },
               route_doc("users",
                         "Change a user's name, role, region, extension, password or disable it",
                         Permission::kUserWrite,
                         object_schema({{"display_name", "string"},
                                        {"role", "string"},
                                        {"region_code", "string"},
                                        {"extension", "string"},
                                        {"mobile", "string"},
                                        {"disabled", "boolean"},
                                        {"password", "string"}})));
}

}  // namespace sy::api
