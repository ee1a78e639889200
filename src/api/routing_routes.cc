// Skills and queues: what the ACD routes by. Agents and supervisors read them; admins edit them.
#include "api/floor_json.h"
#include "api/queue_rules.h"
#include "api/routes.h"
#include "api/session.h"
#include "store/queue_repository.h"

namespace sy::api {
namespace {

using auth::Permission;

// The rules object, checked by the codec the ACD uses; stored as given.
std::optional<std::string> read_rules(http::JsonObjectReader& r) {
  const nlohmann::json* v = r.raw("rules");
  if (!v || v->is_null()) return std::nullopt;
  auto parsed = parse_queue_rules(*v);
  if (!parsed) {
    r.fail(parsed.error().field, parsed.error().code, parsed.error().message);
    return std::nullopt;
  }
  return v->dump();
}

template <class T>
http::Response reply_record(const Result<T>& r, int status = 200) {
  return r ? http::Response::json(status, to_json(*r)) : http::Response::error(r.error());
}

http::Response list_skills(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"q"}); !st) return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto skills = ctx.repos.skills.list(req.query_param("q").value_or(""), *page);
  return skills ? http::Response::json(200, floor_page_to_json(*skills))
                : http::Response::error(skills.error());
}

http::Response get_skill(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "skill_not_found");
  if (!id) return http::Response::error(id.error());
  return reply_record(ctx.repos.skills.get(*id));
}

http::Response create_skill(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewSkill s;
  s.name = r.required_string("name", 1, 32);
  s.display_name = r.optional_string("display_name", 0, 64).value_or("");
  s.kind = r.optional_enum("kind", {"business", "language"}).value_or("business");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto created = ctx.repos.skills.create(s);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "skill.create", "skill:" + std::to_string(created->id), *body);
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/skills/" + std::to_string(created->id));
}

http::Response update_skill(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "skill_not_found");
  if (!id) return http::Response::error(id.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::SkillUpdate u;
  u.display_name = r.optional_string("display_name", 0, 64);
  u.kind = r.optional_enum("kind", {"business", "language"});
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto updated = ctx.repos.skills.update(*id, u);
  if (updated) audit(ctx, req, "skill.update", "skill:" + std::to_string(*id), *body);
  return reply_record(updated);
}

http::Response delete_skill(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "skill_not_found");
  if (!id) return http::Response::error(id.error());
  if (Status st = ctx.repos.skills.remove(*id); !st) return http::Response::error(st.error());
  audit(ctx, req, "skill.delete", "skill:" + std::to_string(*id), nlohmann::json::object());
  return http::Response::no_content();
}

http::Response list_queues(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"q"}); !st) return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  auto queues = ctx.repos.queues.list(req.query_param("q").value_or(""), *page);
  return queues ? http::Response::json(200, floor_page_to_json(*queues))
                : http::Response::error(queues.error());
}

http::Response get_queue(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "queue_not_found");
  if (!id) return http::Response::error(id.error());
  return reply_record(ctx.repos.queues.get(*id));
}

// routing::Strategy by name; the schema lists the same names.
std::optional<std::string> read_strategy(http::JsonObjectReader& r) {
  return r.optional_enum("strategy", {"longest_idle", "least_occupied", "best_skill",
                                      "round_robin", "preferred_agent"});
}
constexpr std::string_view kStrategies[] = {"longest_idle", "least_occupied", "best_skill",
                                            "round_robin", "preferred_agent"};

http::Response create_queue(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewQueue q;
  q.name = r.required_string("name", 1, 32);
  q.display_name = r.optional_string("display_name", 0, 64).value_or("");
  q.strategy = read_strategy(r).value_or("longest_idle");
  q.service_level_s = static_cast<int>(r.optional_int("service_level_s", 1, 3600).value_or(20));
  q.skills = read_levels(r, "skills").value_or(std::vector<store::NamedLevel>{});
  q.rules_json = read_rules(r).value_or("{}");
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto created = ctx.repos.queues.create(q);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "queue.create", "queue:" + std::to_string(created->id), *body);
  return http::Response::json(201, to_json(*created))
      .with_header("Location", "/api/v1/queues/" + std::to_string(created->id));
}

http::Response update_queue(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "queue_not_found");
  if (!id) return http::Response::error(id.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::QueueUpdate u;
  u.display_name = r.optional_string("display_name", 0, 64);
  u.strategy = read_strategy(r);
  if (auto sl = r.optional_int("service_level_s", 1, 3600)) u.service_level_s = static_cast<int>(*sl);
  u.skills = read_levels(r, "skills");
  u.rules_json = read_rules(r);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto updated = ctx.repos.queues.update(*id, u);
  if (updated) audit(ctx, req, "queue.update", "queue:" + std::to_string(*id), *body);
  return reply_record(updated);
}

http::Response delete_queue(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "queue_not_found");
  if (!id) return http::Response::error(id.error());
  if (Status st = ctx.repos.queues.remove(*id); !st) return http::Response::error(st.error());
  audit(ctx, req, "queue.delete", "queue:" + std::to_string(*id), nlohmann::json::object());
  return http::Response::no_content();
}

nlohmann::json queue_schema() {
  nlohmann::json s = object_schema({{"name", "string"},
                                    {"display_name", "string"},
                                    {"strategy", "string"},
                                    {"service_level_s", "integer"},
                                    {"skills", "object"},
                                    {"rules", "object"}});
  nlohmann::json names = nlohmann::json::array();
  for (std::string_view n : kStrategies) names.push_back(std::string(n));
  s["properties"]["strategy"]["enum"] = names;
  s["properties"]["skills"]["additionalProperties"] = {
      {"type", "integer"}, {"minimum", 1}, {"maximum", 10}};
  return s;
}

}  // namespace

void add_routing_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/skills", [&ctx](http::Request& req) { return list_skills(ctx, req); },
             route_doc("skills", "List skills (q; paged)", Permission::kRoutingRead));
  router.post("/api/v1/skills", [&ctx](http::Request& req) { return create_skill(ctx, req); },
              route_doc("skills", "Create a skill (business skill or language)",
                        Permission::kRoutingWrite,
                        object_schema({{"name", "string"}, {"display_name", "string"},
                                       {"kind", "string"}},
                                      {"name"})));
  router.get("/api/v1/skills/{id}", [&ctx](http::Request& req) { return get_skill(ctx, req); },
             route_doc("skills", "One skill", Permission::kRoutingRead));
  router.patch("/api/v1/skills/{id}", [&ctx](http::Request& req) { return update_skill(ctx, req); },
               route_doc("skills", "Rename a skill or change its kind", Permission::kRoutingWrite,
                         object_schema({{"display_name", "string"}, {"kind", "string"}})));
  router.del("/api/v1/skills/{id}", [&ctx](http::Request& req) { return delete_skill(ctx, req); },
             route_doc("skills", "Delete a skill no queue requires", Permission::kRoutingWrite));

  router.get("/api/v1/queues", [&ctx](http::Request& req) { return list_queues(ctx, req); },
             route_doc("queues", "List queues (q; paged)", Permission::kRoutingRead));
  nlohmann::json create = queue_schema();
  create["required"] = {"name"};
  router.post("/api/v1/queues", [&ctx](http::Request& req) { return create_queue(ctx, req); },
              route_doc("queues",
                        "Create a queue: strategy, service level, default skills, waiting rules",
                        Permission::kRoutingWrite, create));
  router.get("/api/v1/queues/{id}", [&ctx](http::Request& req) { return get_queue(ctx, req); },
             route_doc("queues", "One queue", Permission::kRoutingRead));
  nlohmann::json update = queue_schema();
  update["properties"].erase("name");
  router.patch("/api/v1/queues/{id}", [&ctx](http::Request& req) { return update_queue(ctx, req); },
               route_doc("queues", "Change a queue (taken by the ACD at its next start)",
                         Permission::kRoutingWrite, update));
  router.del("/api/v1/queues/{id}", [&ctx](http::Request& req) { return delete_queue(ctx, req); },
             route_doc("queues", "Delete a queue", Permission::kRoutingWrite));
}

}  // namespace sy::api
