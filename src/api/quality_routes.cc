// Agent quality scoring: scoring forms (supervisors and admins edit them) and scores of recorded
// calls. A supervisor scores only calls they may see (their region's, or all when bound to
// none); scores are listed by agent, call, form and time.
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

json form_json(const store::QualityForm& f) {
  json items = json::array();
  for (const auto& it : f.items)
    items.push_back({{"id", it.id},
                     {"name", it.name},
                     {"description", it.description},
                     {"max_points", it.max_points},
                     {"weight", it.weight}});
  return {{"id", f.id},
          {"name", f.name},
          {"description", f.description},
          {"active", f.active},
          {"created_by", f.created_by ? json(*f.created_by) : json(nullptr)},
          {"items", std::move(items)},
          {"max_total", f.max_total()},
          {"created_at", format_rfc3339(f.created_at)},
          {"updated_at", format_rfc3339(f.updated_at)}};
}

json score_json(const store::QualityScore& s) {
  json items = json::array();
  for (const auto& it : s.items)
    items.push_back({{"item_id", it.item_id},
                     {"name", it.name},
                     {"points", it.points},
                     {"max_points", it.max_points},
                     {"weight", it.weight}});
  return {{"id", s.id},
          {"call_id", s.call_id},
          {"agent_id", s.agent_id},
          {"form", {{"id", s.form_id}, {"name", s.form_name}}},
          {"items", std::move(items)},
          {"total", s.total},
          {"max_total", s.max_total},
          {"comment", s.comment},
          {"scored_by", s.scored_by ? json(*s.scored_by) : json(nullptr)},
          {"scored_at", format_rfc3339(s.scored_at)}};
}

// The "items" array of a form body: [{"name","description","max_points","weight"}].
std::optional<std::vector<store::NewQualityFormItem>> read_items(http::JsonObjectReader& r,
                                                                 bool required, Status* error) {
  const json* raw = r.raw("items");
  if (!raw || raw->is_null()) {
    if (required) r.fail("items", "missing_field", "'items' is required");
    return std::nullopt;
  }
  if (!raw->is_array()) {
    r.fail("items", "invalid_type", "'items' must be an array");
    return std::nullopt;
  }
  std::vector<store::NewQualityFormItem> out;
  for (std::size_t i = 0; i < raw->size(); ++i) {
    http::JsonObjectReader ir((*raw)[i], "items[" + std::to_string(i) + "]");
    store::NewQualityFormItem it;
    it.name = ir.required_string("name", 1, 64);
    it.description = ir.optional_string("description", 0, 500).value_or("");
    it.max_points = static_cast<int>(ir.required_int("max_points", 1, 1000));
    it.weight = static_cast<int>(ir.optional_int("weight", 1, 100).value_or(1));
    if (Status st = ir.finish(); !st) {
      *error = st;
      return std::nullopt;
    }
    out.push_back(std::move(it));
  }
  return out;
}

http::Response list_forms(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"active"}); !st) return http::Response::error(st.error());
  auto active = bool_query(req, "active");
  if (!active) return http::Response::error(active.error());
  auto forms = ctx.repos.quality.forms(active->value_or(false));
  if (!forms) return http::Response::error(forms.error());
  json items = json::array();
  for (const auto& f : *forms) items.push_back(form_json(f));
  return http::Response::json(200, {{"items", std::move(items)}});
}

http::Response get_form(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "quality_form_not_found");
  if (!id) return http::Response::error(id.error());
  auto f = ctx.repos.quality.get_form(*id);
  return f ? http::Response::json(200, form_json(*f)) : http::Response::error(f.error());
}

http::Response create_form(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewQualityForm f;
  f.name = r.required_string("name", 1, 64);
  f.description = r.optional_string("description", 0, 2000).value_or("");
  f.active = r.optional_bool("active").value_or(true);
  Status item_error = ok_status();
  auto items = read_items(r, true, &item_error);
  if (!item_error) return http::Response::error(item_error.error());
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  f.items = std::move(*items);
  f.created_by = signed_in(req).user.id;
  auto created = ctx.repos.quality.create_form(f);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "quality.form.create", "quality_form:" + std::to_string(created->id), *body);
  return http::Response::json(201, form_json(*created))
      .with_header("Location", "/api/v1/quality/forms/" + std::to_string(created->id));
}

http::Response update_form(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "quality_form_not_found");
  if (!id) return http::Response::error(id.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::QualityFormUpdate u;
  u.name = r.optional_string("name", 1, 64);
  u.description = r.optional_string("description", 0, 2000);
  u.active = r.optional_bool("active");
  Status item_error = ok_status();
  u.items = read_items(r, false, &item_error);
  if (!item_error) return http::Response::error(item_error.error());
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto updated = ctx.repos.quality.update_form(*id, u);
  if (!updated) return http::Response::error(updated.error());
  audit(ctx, req, "quality.form.update", "quality_form:" + std::to_string(*id), *body);
  return http::Response::json(200, form_json(*updated));
}

http::Response delete_form(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "quality_form_not_found");
  if (!id) return http::Response::error(id.error());
  if (Status st = ctx.repos.quality.remove_form(*id); !st) return http::Response::error(st.error());
  audit(ctx, req, "quality.form.delete", "quality_form:" + std::to_string(*id), json::object());
  return http::Response::no_content();
}

// A call this user may see: their region's (or any when bound to none).
Status check_call_visible(Context& ctx, const http::Request& req, const std::string& call_id) {
  auto call = ctx.repos.calls.get(call_id);
  if (!call) {
    Error e = call.error();
    e.field = "call_id";
    return e;
  }
  store::RegionScope scope = scope_of(req);
  if (!scope.unrestricted() && (!call->region_code || !scope.contains(*call->region_code)))
    return make_error(ErrorKind::kNotFound, "call_not_found", "no such call", "call_id");
  return ok_status();
}

http::Response score_call(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewQualityScore s;
  s.call_id = r.required_string("call_id", 1, 64);
  s.form_id = r.required_int("form_id", 1);
  s.comment = r.optional_string("comment", 0, 2000).value_or("");
  const json* points = r.raw("points");
  if (!points || !points->is_array()) {
    r.fail("points", points ? "invalid_type" : "missing_field",
           "'points' must be an array of {\"item_id\", \"points\"}");
  } else {
    for (std::size_t i = 0; i < points->size(); ++i) {
      http::JsonObjectReader pr((*points)[i], "points[" + std::to_string(i) + "]");
      store::ItemPoints p;
      p.item_id = pr.required_int("item_id", 1);
      p.points = static_cast<int>(pr.required_int("points", 0, 1000));
      if (Status st = pr.finish(); !st) return http::Response::error(st.error());
      s.points.push_back(p);
    }
  }
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  if (Status st = check_call_visible(ctx, req, s.call_id); !st)
    return http::Response::error(st.error());
  s.scored_by = signed_in(req).user.id;
  auto scored = ctx.repos.quality.score_call(s);
  if (!scored) return http::Response::error(scored.error());
  audit(ctx, req, "quality.score", "call:" + s.call_id,
        {{"score_id", scored->id},
         {"agent_id", scored->agent_id},
         {"form_id", scored->form_id},
         {"total", scored->total},
         {"max_total", scored->max_total}});
  return http::Response::json(201, score_json(*scored))
      .with_header("Location", "/api/v1/quality/scores/" + std::to_string(scored->id));
}

http::Response get_score(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "quality_score_not_found");
  if (!id) return http::Response::error(id.error());
  auto s = ctx.repos.quality.get_score(*id);
  if (!s) return http::Response::error(s.error());
  if (!check_call_visible(ctx, req, s->call_id))
    return http::Response::error(ErrorKind::kNotFound, "quality_score_not_found",
                                 "no quality score with this id");
  return http::Response::json(200, score_json(*s));
}

Result<std::optional<std::int64_t>> positive_int_query(const http::Request& req,
                                                       std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::optional<std::int64_t>();
  std::int64_t out = 0;
  bool digits = !v->empty() && v->size() <= 18 &&
                v->find_first_not_of("0123456789") == std::string_view::npos;
  if (digits)
    for (char c : *v) out = out * 10 + (c - '0');
  if (!digits || out < 1)
    return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                      "'" + std::string(name) + "' must be a positive id", std::string(name));
  return std::optional<std::int64_t>(out);
}

http::Response list_scores(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"agent", "call", "form", "since", "until"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::QualityScoreFilter f;
  auto agent = positive_int_query(req, "agent");
  if (!agent) return http::Response::error(agent.error());
  f.agent_id = *agent;
  auto form = positive_int_query(req, "form");
  if (!form) return http::Response::error(form.error());
  f.form_id = *form;
  if (auto call = req.query_param("call")) f.call_id = std::string(*call);
  auto since = time_query(req, "since");
  if (!since) return http::Response::error(since.error());
  auto until = time_query(req, "until");
  if (!until) return http::Response::error(until.error());
  f.from = *since;
  f.to = *until;
  auto scores = ctx.repos.quality.scores(f, *page);
  if (!scores) return http::Response::error(scores.error());
  // Region-bound supervisors see scores of their region's calls only.
  store::RegionScope scope = scope_of(req);
  json items = json::array();
  for (const auto& s : scores->items)
    if (scope.unrestricted() || check_call_visible(ctx, req, s.call_id))
      items.push_back(score_json(s));
  return http::Response::json(200, {{"items", std::move(items)},
                                    {"total", scores->total},
                                    {"total_exact", scores->total_exact},
                                    {"page", scores->page},
                                    {"page_size", scores->page_size}});
}

json form_schema() {
  return object_schema({{"name", "string"},
                        {"description", "string"},
                        {"active", "boolean"},
                        {"items", "array"}});
}

}  // namespace

void add_quality_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/quality/forms", [&ctx](http::Request& req) { return list_forms(ctx, req); },
             route_doc("quality", "Scoring forms by name (active=true: only those in use)",
                       Permission::kQualityRead));
  router.post("/api/v1/quality/forms",
              [&ctx](http::Request& req) { return create_form(ctx, req); },
              route_doc("quality",
                        "Add a scoring form: items [{name, description, max_points 1..1000, "
                        "weight 1..100}]; a score's total is Σ points × weight",
                        Permission::kQualityWrite, [] {
                          json s = form_schema();
                          s["required"] = {"name", "items"};
                          return s;
                        }()));
  router.get("/api/v1/quality/forms/{id}",
             [&ctx](http::Request& req) { return get_form(ctx, req); },
             route_doc("quality", "One scoring form with its items", Permission::kQualityRead));
  router.patch("/api/v1/quality/forms/{id}",
               [&ctx](http::Request& req) { return update_form(ctx, req); },
               route_doc("quality",
                         "Edit a scoring form (items, when given, replace the form's items; "
                         "scores already given keep theirs)",
                         Permission::kQualityWrite, form_schema()));
  router.del("/api/v1/quality/forms/{id}",
             [&ctx](http::Request& req) { return delete_form(ctx, req); },
             route_doc("quality", "Delete a scoring form no call was scored with",
                       Permission::kQualityWrite));
  router.post("/api/v1/quality/scores",
              [&ctx](http::Request& req) { return score_call(ctx, req); },
              route_doc("quality",
                        "Score a recorded call's agent against a form: points [{item_id, "
                        "points}] for every item of the form, comment",
                        Permission::kQualityWrite,
                        object_schema({{"call_id", "string"},
                                       {"form_id", "integer"},
                                       {"points", "array"},
                                       {"comment", "string"}},
                                      {"call_id", "form_id", "points"})));
  router.get("/api/v1/quality/scores",
             [&ctx](http::Request& req) { return list_scores(ctx, req); },
             route_doc("quality",
                       "Scores, newest first (agent: agent id; call: call id; form: form id; "
                       "since, until: RFC 3339 scoring-time range; paged)",
                       Permission::kQualityRead));
  router.get("/api/v1/quality/scores/{id}",
             [&ctx](http::Request& req) { return get_score(ctx, req); },
             route_doc("quality", "One score with its per-item points", Permission::kQualityRead));
}

}  // namespace sy::api
