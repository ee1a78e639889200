// The wallboard's alarm thresholds per queue, kept on the server so every wall display and
// supervisor turns the same tiles red: read by whoever reads queues, set by supervisors and
// admins (audited).
#include "api/json_codec.h"
#include "api/routes.h"
#include "api/session.h"
#include "store/queue_threshold_repository.h"

namespace sy::api {
namespace {

using auth::Permission;
using nlohmann::json;

store::QueueThresholdRepository thresholds(Context& ctx) { return {ctx.db, ctx.clock}; }

json to_json(const store::QueueThresholds& t, const std::string& queue) {
  json j{{"queue_id", t.queue_id},
         {"queue", queue},
         {"waiting", t.waiting},
         {"longest_wait_s", t.longest_wait_s},
         {"service_level_pct", t.service_level_pct},
         {"is_default", !t.stored},
         {"updated_by", t.updated_by ? json(*t.updated_by) : json()},
         {"updated_at", t.updated_at ? json(format_rfc3339(*t.updated_at)) : json()}};
  return j;
}

http::Response get_thresholds(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "queue_not_found");
  if (!id) return http::Response::error(id.error());
  auto queue = ctx.repos.queues.get(*id);
  if (!queue) return http::Response::error(queue.error());
  auto t = thresholds(ctx).get(*id);
  if (!t) return http::Response::error(t.error());
  return http::Response::json(200, to_json(*t, queue->name));
}

http::Response put_thresholds(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  auto waiting = r.optional_int("waiting", 0, 1000);
  auto longest = r.optional_int("longest_wait_s", 0, 3600);
  auto level = r.optional_int("service_level_pct", 0, 100);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto id = id_param(req, "id", "queue_not_found");
  if (!id) return http::Response::error(id.error());
  auto queue = ctx.repos.queues.get(*id);
  if (!queue) return http::Response::error(queue.error());
  auto before = thresholds(ctx).get(*id);
  if (!before) return http::Response::error(before.error());
  store::QueueThresholds next = *before;
  if (waiting) next.waiting = static_cast<int>(*waiting);
  if (longest) next.longest_wait_s = static_cast<int>(*longest);
  if (level) next.service_level_pct = static_cast<int>(*level);
  auto saved = thresholds(ctx).put(next, signed_in(req).user.id);
  if (!saved) return http::Response::error(saved.error());
  audit(ctx, req, "queue.thresholds", "queue:" + std::to_string(*id),
        {{"queue", queue->name},
         {"from", {before->waiting, before->longest_wait_s, before->service_level_pct}},
         {"to", {saved->waiting, saved->longest_wait_s, saved->service_level_pct}}});
  return http::Response::json(200, to_json(*saved, queue->name));
}

// Every queue's thresholds (the defaults where none were set), for a wallboard in one request.
http::Response list_thresholds(Context& ctx, http::Request&) {
  auto queues = ctx.repos.queues.all();
  if (!queues) return http::Response::error(queues.error());
  auto stored = thresholds(ctx).all();
  if (!stored) return http::Response::error(stored.error());
  json items = json::array();
  for (const auto& q : *queues) {
    store::QueueThresholds t;
    t.queue_id = q.id;
    for (const auto& s : *stored)
      if (s.queue_id == q.id) t = s;
    items.push_back(to_json(t, q.name));
  }
  return http::Response::json(200, json{{"items", items}, {"total", items.size()}});
}

json thresholds_schema() {
  return object_schema({{"queue_id", "integer"},
                        {"queue", "string"},
                        {"waiting", "integer"},
                        {"longest_wait_s", "integer"},
                        {"service_level_pct", "integer"},
                        {"is_default", "boolean"},
                        {"updated_by", "integer"},
                        {"updated_at", "string"}});
}

}  // namespace

void add_wallboard_routes(http::Router& router, Context& ctx) {
  http::RouteDoc list = route_doc(
      "queues", "Wallboard thresholds of every queue (the defaults where none were set)",
      Permission::kRoutingRead);
  list.responses.push_back({200, "Thresholds", object_schema({{"items", "array"}, {"total", "integer"}})});
  router.get("/api/v1/queue-thresholds",
             [&ctx](http::Request& req) { return list_thresholds(ctx, req); }, list);
  http::RouteDoc get = route_doc(
      "queues",
      "A queue's wallboard thresholds: its tile turns red above `waiting` callers waiting, when "
      "a caller waited longer than `longest_wait_s`, or under `service_level_pct` today",
      Permission::kRoutingRead);
  get.responses.push_back({200, "Thresholds", thresholds_schema()});
  router.get("/api/v1/queues/{id}/thresholds",
             [&ctx](http::Request& req) { return get_thresholds(ctx, req); }, get);
  http::RouteDoc put = route_doc(
      "queues",
      "Supervisor or admin: set a queue's wallboard thresholds (fields left out keep their "
      "value); every wallboard shows them; audited",
      Permission::kAgentSupervise,
      object_schema({{"waiting", "integer"},
                     {"longest_wait_s", "integer"},
                     {"service_level_pct", "integer"}}));
  put.responses.push_back({200, "Thresholds", thresholds_schema()});
  router.put("/api/v1/queues/{id}/thresholds",
             [&ctx](http::Request& req) { return put_thresholds(ctx, req); }, put);
}

}  // namespace sy::api
