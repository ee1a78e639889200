// Knowledge-base articles and categories: writes, with their search tokens kept in the same
// transaction (see kb_repository.h; search itself is in kb_search.cc).
#include "store/kb_repository.h"

#include <algorithm>
#include <array>

#include "search/cjk_tokens.h"
#include "store/kb_rows.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr std::array<std::pair<KbState, std::string_view>, 3> kStateNames = {{
    {KbState::kDraft, "draft"}, {KbState::kPublished, "published"}, {KbState::kArchived, "archived"}}};

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

Error article_not_found() {
  return sql::not_found("kb_article_not_found", "no knowledge-base article with this id");
}
Error category_not_found(std::string field) {
  return sql::not_found("kb_category_not_found", "no knowledge-base category with this id",
                        std::move(field));
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

Status check_article(Connection& conn, const NewKbArticle& a) {
  if (blank(a.title) || utf8_length(a.title) > 200)
    return sql::invalid("invalid_title", "the title is required, at most 200 characters", "title");
  if (a.body.size() > 200000)
    return sql::invalid("invalid_body", "the body is at most 200,000 bytes", "body");
  if (a.body_format != "markdown" && a.body_format != "html")
    return sql::invalid("invalid_body_format", "body_format must be markdown or html",
                        "body_format");
  if (a.tags.size() > 20)
    return sql::invalid("invalid_tags", "at most 20 tags", "tags");
  for (std::size_t i = 0; i < a.tags.size(); ++i) {
    const auto& t = a.tags[i];
    if (blank(t) || utf8_length(t) > 32 || t.find(',') != std::string::npos)
      return sql::invalid("invalid_tags", "a tag is 1 to 32 characters without commas",
                          "tags[" + std::to_string(i) + "]");
  }
  if (a.valid_from && a.valid_to && *a.valid_to <= *a.valid_from)
    return sql::invalid("invalid_time_range", "valid_to must be after valid_from", "valid_to");
  Value cat[] = {Value{a.category_id}};
  auto has_cat = sql::exists(conn, "SELECT 1 FROM kb_categories WHERE id = $1", cat);
  if (!has_cat) return has_cat.error();
  if (!*has_cat) return category_not_found("category_id");
  if (a.region_code) {
    Value reg[] = {Value{*a.region_code}};
    auto has_region = sql::exists(conn, "SELECT 1 FROM regions WHERE code = $1", reg);
    if (!has_region) return has_region.error();
    if (!*has_region)
      return sql::not_found("region_not_found", "no region " + *a.region_code, "region_code");
  }
  return ok_status();
}

struct Tokens {
  std::string title, tags, body;
};

Tokens tokens_of(const NewKbArticle& a) {
  std::string tags;
  for (const auto& t : a.tags) tags += t + " ";
  return {search::index_tokens(a.title, true), search::index_tokens(tags, true),
          search::index_tokens(search::plain_text(a.body), false)};
}

NewKbArticle as_new(const KbArticle& a) {
  NewKbArticle n;
  n.title = a.title;
  n.body = a.body;
  n.body_format = a.body_format;
  n.category_id = a.category_id;
  n.tags = a.tags;
  n.region_code = a.region_code;
  n.valid_from = a.valid_from;
  n.valid_to = a.valid_to;
  n.author_id = a.author_id;
  n.state = a.state;
  return n;
}

}  // namespace

std::string_view to_string(KbState state) {
  for (const auto& [s, name] : kStateNames)
    if (s == state) return name;
  return "draft";
}

std::optional<KbState> parse_kb_state(std::string_view text) {
  for (const auto& [s, name] : kStateNames)
    if (name == text) return s;
  return std::nullopt;
}

bool kb_transition_allowed(KbState from, KbState to) {
  struct Edge {
    KbState from, to;
  };
  static constexpr Edge kEdges[] = {
      {KbState::kDraft, KbState::kPublished},    {KbState::kDraft, KbState::kArchived},
      {KbState::kPublished, KbState::kArchived}, {KbState::kPublished, KbState::kDraft},
      {KbState::kArchived, KbState::kDraft},
  };
  if (from == to) return true;
  return std::any_of(std::begin(kEdges), std::end(kEdges),
                     [&](const Edge& e) { return e.from == from && e.to == to; });
}

namespace kb_sql {

Result<std::int64_t> insert_category(Connection& conn, const NewKbCategory& c, TimePoint now) {
  if (blank(c.name) || utf8_length(c.name) > 64)
    return sql::invalid("invalid_name", "the name is required, at most 64 characters", "name");
  if (c.parent_id) {
    Value p[] = {Value{*c.parent_id}};
    auto found = sql::exists(conn, "SELECT 1 FROM kb_categories WHERE id = $1", p);
    if (!found) return found.error();
    if (!*found) return category_not_found("parent_id");
  }
  Value p[] = {int_or_null(c.parent_id), Value{c.name},
               Value{std::int64_t{c.sort_order}}, sql::ms(now), sql::ms(now)};
  auto id = conn.insert_returning_id(
      "INSERT INTO kb_categories (parent_id, name, sort_order, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      p);
  if (!id && sql::is_unique_violation(id.error(), "kb_categories"))
    return sql::conflict("kb_category_exists", "a category of that name exists here", "name");
  return id;
}

Result<std::int64_t> insert_article(Connection& conn, const NewKbArticle& a, TimePoint now) {
  SY_TRY(check_article(conn, a));
  std::optional<TimePoint> published;
  if (a.state == KbState::kPublished) published = now;
  Value p[] = {Value{a.title},
               Value{a.body},
               Value{a.body_format},
               Value{a.category_id},
               Value{join_tags(a.tags)},
               text_or_null(a.region_code),
               sql::opt_ms(a.valid_from),
               sql::opt_ms(a.valid_to),
               int_or_null(a.author_id),
               Value{std::string(to_string(a.state))},
               sql::opt_ms(published),
               sql::ms(now),
               sql::ms(now)};
  auto id = conn.insert_returning_id(
      "INSERT INTO kb_articles (title, body, body_format, category_id, tags, region_code, "
      "valid_from, valid_to, author_id, state, published_at, created_at, updated_at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      p);
  if (!id) return id.error();
  Tokens t = tokens_of(a);
  Value tp[] = {Value{*id}, Value{std::move(t.title)}, Value{std::move(t.tags)},
                Value{std::move(t.body)}};
  auto r = conn.exec(
      "INSERT INTO kb_search (article_id, title_tokens, tags_tokens, body_tokens) "
      "VALUES ($1, $2, $3, $4)",
      tp);
  if (!r) return r.error();
  return *id;
}

}  // namespace kb_sql

Result<KbCategory> KbRepository::create_category(const NewKbCategory& c) {
  std::int64_t id = 0;
  SY_TRY(db_.write([&](Connection& conn) -> Status {
    auto r = kb_sql::insert_category(conn, c, clock_.now());
    if (!r) return r.error();
    id = *r;
    return ok_status();
  }));
  auto all = categories();
  if (!all) return all.error();
  for (auto& cat : *all)
    if (cat.id == id) return cat;
  return category_not_found("");
}

Result<std::vector<KbCategory>> KbRepository::categories() {
  return sql::read_result<std::vector<KbCategory>>(
      db_, [](Connection& conn) { return kb_rows::all_categories(conn); });
}

Status KbRepository::remove_category(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto found = sql::exists(conn, "SELECT 1 FROM kb_categories WHERE id = $1", p);
    if (!found) return found.error();
    if (!*found) return category_not_found("");
    auto child = sql::exists(conn, "SELECT 1 FROM kb_categories WHERE parent_id = $1", p);
    if (!child) return child.error();
    auto used = sql::exists(conn, "SELECT 1 FROM kb_articles WHERE category_id = $1", p);
    if (!used) return used.error();
    if (*child || *used)
      return sql::conflict("kb_category_not_empty",
                           "the category still holds sub-categories or articles");
    auto r = conn.exec("DELETE FROM kb_categories WHERE id = $1", p);
    if (!r) return r.error();
    return ok_status();
  });
}

Result<KbArticle> KbRepository::create(const NewKbArticle& a) {
  std::int64_t id = 0;
  SY_TRY(db_.write([&](Connection& conn) -> Status {
    auto r = kb_sql::insert_article(conn, a, clock_.now());
    if (!r) return r.error();
    id = *r;
    return ok_status();
  }));
  return get(id);
}

Result<KbArticle> KbRepository::get(std::int64_t id) {
  return sql::read_result<KbArticle>(db_, [&](Connection& conn) {
    return sql::found_or(kb_rows::load_article(conn, id), article_not_found());
  });
}

Result<KbArticle> KbRepository::update(std::int64_t id, const KbArticleUpdate& u) {
  TimePoint now = clock_.now();
  SY_TRY(db_.write([&](Connection& conn) -> Status {
    auto cur = kb_rows::load_article(conn, id);
    if (!cur) return cur.error();
    if (!*cur) return article_not_found();
    KbArticle a = std::move(**cur);
    if (u.state) {
      if (!kb_transition_allowed(a.state, *u.state))
        return sql::conflict("invalid_transition",
                             "an article cannot go from " + std::string(to_string(a.state)) +
                                 " to " + std::string(to_string(*u.state)),
                             "state");
      if (*u.state == KbState::kPublished && a.state != KbState::kPublished) a.published_at = now;
      a.state = *u.state;
    }
    if (u.title) a.title = *u.title;
    if (u.body) a.body = *u.body;
    if (u.body_format) a.body_format = *u.body_format;
    if (u.category_id) a.category_id = *u.category_id;
    if (u.tags) a.tags = *u.tags;
    if (u.region_code) a.region_code = *u.region_code;
    if (u.valid_from) a.valid_from = *u.valid_from;
    if (u.valid_to) a.valid_to = *u.valid_to;
    NewKbArticle n = as_new(a);
    SY_TRY(check_article(conn, n));
    Value p[] = {Value{a.title},           Value{a.body},
                 Value{a.body_format},     Value{a.category_id},
                 Value{join_tags(a.tags)}, text_or_null(a.region_code),
                 sql::opt_ms(a.valid_from), sql::opt_ms(a.valid_to),
                 Value{std::string(to_string(a.state))}, sql::opt_ms(a.published_at),
                 sql::ms(now),             Value{id}};
    auto r = conn.exec(
        "UPDATE kb_articles SET title = $1, body = $2, body_format = $3, category_id = $4, "
        "tags = $5, region_code = $6, valid_from = $7, valid_to = $8, state = $9, "
        "published_at = $10, updated_at = $11 WHERE id = $12",
        p);
    if (!r) return r.error();
    Tokens tk = tokens_of(n);
    Value tp[] = {Value{std::move(tk.title)}, Value{std::move(tk.tags)},
                  Value{std::move(tk.body)}, Value{id}};
    auto t = conn.exec(
        "UPDATE kb_search SET title_tokens = $1, tags_tokens = $2, body_tokens = $3 "
        "WHERE article_id = $4",
        tp);
    if (!t) return t.error();
    return ok_status();
  }));
  return get(id);
}

Status KbRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto found = sql::exists(conn, "SELECT 1 FROM kb_articles WHERE id = $1", p);
    if (!found) return found.error();
    if (!*found) return article_not_found();
    auto s = conn.exec("DELETE FROM kb_search WHERE article_id = $1", p);
    if (!s) return s.error();
    auto r = conn.exec("DELETE FROM kb_articles WHERE id = $1", p);
    if (!r) return r.error();
    return ok_status();
  });
}

}  // namespace sy::store
