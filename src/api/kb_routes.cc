// The knowledge base: search (GET /kb/articles?q=…, fit for search-as-you-type), articles with
// their review state, and the category tree. Agents and other readers see published articles
// valid today; supervisors, managers and admins (kb.write) see and edit every state.
#include <algorithm>
#include <map>
#include <set>

#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;

bool is_editor(const http::Request& req) {
  return auth::allows(signed_in(req).user.role, Permission::kKbWrite);
}

std::map<std::int64_t, std::string> category_names(Context& ctx) {
  std::map<std::int64_t, std::string> out;
  if (auto all = ctx.repos.kb.categories())
    for (const auto& c : *all) out[c.id] = c.name;
  return out;
}

json article_json(const store::KbArticle& a, const std::map<std::int64_t, std::string>& cats) {
  auto cat = cats.find(a.category_id);
  return {{"id", a.id},
          {"title", a.title},
          {"body", a.body},
          {"body_format", a.body_format},
          {"category", {{"id", a.category_id}, {"name", cat == cats.end() ? "" : cat->second}}},
          {"tags", a.tags},
          {"region_code", a.region_code ? json(*a.region_code) : json(nullptr)},
          {"valid_from", time_or_null(a.valid_from)},
          {"valid_to", time_or_null(a.valid_to)},
          {"author_id", a.author_id ? json(*a.author_id) : json(nullptr)},
          {"state", std::string(store::to_string(a.state))},
          {"published_at", time_or_null(a.published_at)},
          {"created_at", format_rfc3339(a.created_at)},
          {"updated_at", format_rfc3339(a.updated_at)}};
}

json hit_json(const store::KbHit& h, const std::map<std::int64_t, std::string>& cats) {
  const auto& a = h.article;
  auto cat = cats.find(a.category_id);
  return {{"id", a.id},
          {"title", a.title},
          {"title_html", h.title_html},
          {"snippet", h.snippet},
          {"score", h.score},
          {"category", {{"id", a.category_id}, {"name", cat == cats.end() ? "" : cat->second}}},
          {"tags", a.tags},
          {"region_code", a.region_code ? json(*a.region_code) : json(nullptr)},
          {"state", std::string(store::to_string(a.state))},
          {"valid_from", time_or_null(a.valid_from)},
          {"valid_to", time_or_null(a.valid_to)},
          {"updated_at", format_rfc3339(a.updated_at)}};
}

http::Response bad_param(std::string field, std::string message) {
  return http::Response::error(ErrorKind::kInvalidInput, "invalid_parameter", std::move(message),
                               std::move(field));
}

http::Response search_articles(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"q", "category", "region", "state", "valid_at"}); !st)
    return http::Response::error(st.error());
  auto page = page_of(req);
  if (!page) return http::Response::error(page.error());
  store::KbFilter f;
  f.query = req.query_param("q").value_or("");
  if (f.query.size() > 200) return bad_param("q", "'q' is at most 200 bytes");
  if (auto c = req.query_param("category")) {
    std::int64_t id = 0;
    bool digits = !c->empty() && c->size() <= 18 &&
                  std::all_of(c->begin(), c->end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (digits)
      for (char ch : *c) id = id * 10 + (ch - '0');
    if (!digits || id < 1) return bad_param("category", "'category' must be a category id");
    f.category_id = id;
  }
  if (auto r = req.query_param("region")) {
    if (r->empty() || r->size() > 32) return bad_param("region", "'region' must be a region code");
    f.region_code = *r;
  }
  auto valid_at = time_query(req, "valid_at");
  if (!valid_at) return http::Response::error(valid_at.error());
  auto state = req.query_param("state");
  if (state && *state != "any" && !store::parse_kb_state(*state))
    return bad_param("state", "'state' must be draft, published, archived or any");
  if (is_editor(req)) {
    if (state && *state != "any") f.state = store::parse_kb_state(*state);
    f.valid_at = *valid_at;
  } else {
    // Readers see what is published and in force now, whatever they ask for.
    if (state && *state != "published")
      return http::Response::error(ErrorKind::kForbidden, "forbidden",
                                   "only knowledge-base editors see unpublished articles",
                                   "state");
    f.state = store::KbState::kPublished;
    f.valid_at = valid_at->value_or(ctx.clock.now());
  }
  auto found = ctx.repos.kb.search(f, *page);
  if (!found) return http::Response::error(found.error());
  auto cats = category_names(ctx);
  json items = json::array();
  for (const auto& h : found->items) items.push_back(hit_json(h, cats));
  return http::Response::json(200, {{"items", std::move(items)},
                                    {"total", found->total},
                                    {"total_capped", found->total_capped},
                                    {"match", found->match},
                                    {"page", found->page},
                                    {"page_size", found->page_size}});
}

// Articles for the call the agent has on screen, from its IVR path (nodes in order, e.g.
// menu,bill_account,bill_pin,bill_with_arrears) and queue: the deepest node's searches first,
// the best published articles in force of each, without repeats.
http::Response suggest_articles(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"ivr_path", "queue", "region", "limit"}); !st)
    return http::Response::error(st.error());
  std::string path = req.query_param("ivr_path").value_or("");
  if (path.size() > 2000) return bad_param("ivr_path", "'ivr_path' is at most 2000 bytes");
  std::string queue = req.query_param("queue").value_or("");
  if (queue.size() > 64) return bad_param("queue", "'queue' is at most 64 bytes");
  auto limit = int_query(req, "limit", 1, 20);
  if (!limit) return http::Response::error(limit.error());
  std::size_t max_items = static_cast<std::size_t>(limit->value_or(6));
  std::vector<std::string> nodes;
  for (std::size_t pos = 0; pos <= path.size();) {
    std::size_t comma = path.find(',', pos);
    if (comma == std::string::npos) comma = path.size();
    if (comma > pos) nodes.push_back(path.substr(pos, comma - pos));
    pos = comma + 1;
  }
  std::vector<std::pair<std::string, std::string>> searches;  // (reason, query)
  auto add = [&](const std::string& key) {
    auto rule = ctx.options.kb_suggestions.find(key);
    if (rule == ctx.options.kb_suggestions.end()) return;
    for (const auto& q : rule->second) {
      bool seen = std::any_of(searches.begin(), searches.end(),
                              [&](const auto& s) { return s.second == q; });
      if (!seen) searches.emplace_back(key, q);
    }
  };
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) add(*it);
  if (!queue.empty()) add("queue:" + queue);
  store::KbFilter f;
  f.state = store::KbState::kPublished;
  f.valid_at = ctx.clock.now();
  if (auto r = req.query_param("region")) {
    if (r->empty() || r->size() > 32) return bad_param("region", "'region' must be a region code");
    f.region_code = *r;
  }
  auto cats = category_names(ctx);
  json items = json::array();
  std::set<std::int64_t> shown;
  // Round robin over the searches: each contributes its best article before any its second.
  std::vector<std::vector<store::KbHit>> found;
  for (const auto& [reason, query] : searches) {
    f.query = query;
    auto hits = ctx.repos.kb.search(f, {1, 3});
    if (!hits) return http::Response::error(hits.error());
    found.push_back(std::move(hits->items));
  }
  for (std::size_t rank = 0; rank < 3 && items.size() < max_items; ++rank)
    for (std::size_t i = 0; i < found.size() && items.size() < max_items; ++i) {
      if (rank >= found[i].size() || !shown.insert(found[i][rank].article.id).second) continue;
      json h = hit_json(found[i][rank], cats);
      h["reason"] = {{"node", searches[i].first}, {"query", searches[i].second}};
      items.push_back(std::move(h));
    }
  return http::Response::json(200, {{"items", std::move(items)}});
}

// The article when the caller may see it: editors see all, readers published ones in force.
Result<store::KbArticle> visible_article(Context& ctx, const http::Request& req) {
  auto id = id_param(req, "id", "kb_article_not_found");
  if (!id) return id.error();
  auto a = ctx.repos.kb.get(*id);
  if (!a || is_editor(req)) return a;
  TimePoint now = ctx.clock.now();
  bool in_force = a->state == store::KbState::kPublished &&
                  (!a->valid_from || *a->valid_from <= now) && (!a->valid_to || *a->valid_to > now);
  if (!in_force)
    return make_error(ErrorKind::kNotFound, "kb_article_not_found",
                      "no knowledge-base article with this id");
  return a;
}

http::Response get_article(Context& ctx, http::Request& req) {
  auto a = visible_article(ctx, req);
  return a ? http::Response::json(200, article_json(*a, category_names(ctx)))
           : http::Response::error(a.error());
}

// An optional RFC 3339 time field; null clears it (PATCH).
std::optional<std::optional<TimePoint>> read_time(http::JsonObjectReader& r, std::string_view name) {
  if (r.is_null(name)) {
    (void)r.raw(name);
    return std::optional<TimePoint>{};
  }
  auto text = r.optional_string(name, 1, 64);
  if (!text || !r.ok()) return std::nullopt;
  TimePoint t;
  if (!parse_rfc3339(*text, &t)) {
    r.fail(name, "invalid_value", "'" + std::string(name) + "' must be an RFC 3339 time");
    return std::nullopt;
  }
  return std::optional<TimePoint>{t};
}

std::optional<std::optional<std::string>> read_region(http::JsonObjectReader& r) {
  if (r.is_null("region_code")) {
    (void)r.raw("region_code");
    return std::optional<std::string>{};
  }
  if (auto code = r.optional_string("region_code", 1, 32)) return std::optional<std::string>{*code};
  return std::nullopt;
}

http::Response create_article(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewKbArticle a;
  a.title = r.required_string("title", 1, 200);
  a.body = r.optional_string("body", 0, 200000).value_or("");
  a.body_format = r.optional_enum("body_format", {"markdown", "html"}).value_or("markdown");
  a.category_id = r.required_int("category_id", 1);
  a.tags = r.optional_string_array("tags", 20, 32).value_or(std::vector<std::string>{});
  a.region_code = read_region(r).value_or(std::nullopt);
  a.valid_from = read_time(r, "valid_from").value_or(std::nullopt);
  a.valid_to = read_time(r, "valid_to").value_or(std::nullopt);
  if (auto s = r.optional_enum("state", {"draft", "published", "archived"})) a.state = *store::parse_kb_state(*s);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  a.author_id = signed_in(req).user.id;
  auto created = ctx.repos.kb.create(a);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "kb.article.create", "kb_article:" + std::to_string(created->id),
        {{"title", created->title}, {"state", std::string(store::to_string(created->state))}});
  return http::Response::json(201, article_json(*created, category_names(ctx)))
      .with_header("Location", "/api/v1/kb/articles/" + std::to_string(created->id));
}

http::Response update_article(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "kb_article_not_found");
  if (!id) return http::Response::error(id.error());
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::KbArticleUpdate u;
  u.title = r.optional_string("title", 1, 200);
  u.body = r.optional_string("body", 0, 200000);
  u.body_format = r.optional_enum("body_format", {"markdown", "html"});
  u.category_id = r.optional_int("category_id", 1);
  u.tags = r.optional_string_array("tags", 20, 32);
  u.region_code = read_region(r);
  u.valid_from = read_time(r, "valid_from");
  u.valid_to = read_time(r, "valid_to");
  if (auto s = r.optional_enum("state", {"draft", "published", "archived"})) u.state = store::parse_kb_state(*s);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto updated = ctx.repos.kb.update(*id, u);
  if (!updated) return http::Response::error(updated.error());
  audit(ctx, req, "kb.article.update", "kb_article:" + std::to_string(*id), *body);
  return http::Response::json(200, article_json(*updated, category_names(ctx)));
}

http::Response delete_article(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "kb_article_not_found");
  if (!id) return http::Response::error(id.error());
  if (Status st = ctx.repos.kb.remove(*id); !st) return http::Response::error(st.error());
  audit(ctx, req, "kb.article.delete", "kb_article:" + std::to_string(*id), json::object());
  return http::Response::no_content();
}

json category_json(const store::KbCategory& c) {
  return {{"id", c.id},
          {"parent_id", c.parent_id ? json(*c.parent_id) : json(nullptr)},
          {"name", c.name},
          {"sort_order", c.sort_order}};
}

http::Response list_categories(Context& ctx, http::Request&) {
  auto all = ctx.repos.kb.categories();
  if (!all) return http::Response::error(all.error());
  json items = json::array();
  for (const auto& c : *all) items.push_back(category_json(c));
  return http::Response::json(200, {{"items", std::move(items)}});
}

http::Response create_category(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  store::NewKbCategory c;
  c.name = r.required_string("name", 1, 64);
  c.parent_id = r.optional_int("parent_id", 1);
  c.sort_order = static_cast<int>(r.optional_int("sort_order", -1000000, 1000000).value_or(0));
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  auto created = ctx.repos.kb.create_category(c);
  if (!created) return http::Response::error(created.error());
  audit(ctx, req, "kb.category.create", "kb_category:" + std::to_string(created->id), *body);
  return http::Response::json(201, category_json(*created));
}

http::Response delete_category(Context& ctx, http::Request& req) {
  auto id = id_param(req, "id", "kb_category_not_found");
  if (!id) return http::Response::error(id.error());
  if (Status st = ctx.repos.kb.remove_category(*id); !st) return http::Response::error(st.error());
  audit(ctx, req, "kb.category.delete", "kb_category:" + std::to_string(*id), json::object());
  return http::Response::no_content();
}

json article_schema() {
  return object_schema({{"title", "string"},
                        {"body", "string"},
                        {"body_format", "string"},
                        {"category_id", "integer"},
                        {"tags", "array"},
                        {"region_code", "string"},
                        {"valid_from", "string"},
                        {"valid_to", "string"},
                        {"state", "string"}});
}

}  // namespace

void add_kb_routes(http::Router& router, Context& ctx) {
  router.get("/api/v1/kb/articles", [&ctx](http::Request& req) { return search_articles(ctx, req); },
             route_doc("kb",
                       "Search the knowledge base (q: Chinese or ASCII text; category incl. "
                       "sub-categories; region: articles applying there; state and valid_at for "
                       "editors; paged). Hits carry title_html and snippet with <mark> highlights",
                       Permission::kKbRead));
  router.post("/api/v1/kb/articles", [&ctx](http::Request& req) { return create_article(ctx, req); },
              route_doc("kb", "Write an article (draft unless state says otherwise)",
                        Permission::kKbWrite, [] {
                          json s = article_schema();
                          s["required"] = {"title", "category_id"};
                          return s;
                        }()));
  router.get("/api/v1/kb/suggestions",
             [&ctx](http::Request& req) { return suggest_articles(ctx, req); },
             route_doc("kb",
                       "Articles for a call from its IVR path (ivr_path: node ids in order, "
                       "comma-separated; queue; region; limit 1..20, default 6). Each hit says "
                       "which node and search suggested it",
                       Permission::kKbRead));
  router.get("/api/v1/kb/articles/{id}", [&ctx](http::Request& req) { return get_article(ctx, req); },
             route_doc("kb", "One article", Permission::kKbRead));
  router.patch("/api/v1/kb/articles/{id}",
               [&ctx](http::Request& req) { return update_article(ctx, req); },
               route_doc("kb", "Edit an article or move it draft → published → archived",
                         Permission::kKbWrite, article_schema()));
  router.del("/api/v1/kb/articles/{id}",
             [&ctx](http::Request& req) { return delete_article(ctx, req); },
             route_doc("kb", "Delete an article", Permission::kKbWrite));
  router.get("/api/v1/kb/categories",
             [&ctx](http::Request& req) { return list_categories(ctx, req); },
             route_doc("kb", "The category tree, parents before children", Permission::kKbRead));
  router.post("/api/v1/kb/categories",
              [&ctx](http::Request& req) { return create_category(ctx, req); },
              route_doc("kb", "Add a category", Permission::kKbWrite,
                        object_schema({{"name", "string"},
                                       {"parent_id", "integer"},
                                       {"sort_order", "integer"}},
                                      {"name"})));
  router.del("/api/v1/kb/categories/{id}",
             [&ctx](http::Request& req) { return delete_category(ctx, req); },
             route_doc("kb", "Delete an empty category", Permission::kKbWrite));
}

}  // namespace sy::api
