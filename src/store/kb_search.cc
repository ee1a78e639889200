// Knowledge-base search: the query becomes CJK n-gram tokens (search/cjk_tokens.h) matched by
// FTS5 on SQLite and by a 'simple' tsvector on PostgreSQL, filtered by state, validity,
// category subtree and region, ranked (title > tags > body), then highlighted here so both
// databases give the same snippets.
#include <algorithm>

#include "search/cjk_tokens.h"
#include "store/kb_repository.h"
#include "store/kb_rows.h"
#include "store/region_scope.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr std::size_t kSnippetChars = 90;

// Tokens are letters, digits and CJK characters only (cjk_tokens.h), so quoting them is safe.
std::string fts_match(const search::Query& q, bool all) {
  if (!q.single_char.empty()) return "{title_tokens tags_tokens} : \"" + q.single_char + "\"";
  std::string out;
  for (const auto& tok : search::all_tokens(q)) {
    if (!out.empty()) out += all ? " AND " : " OR ";
    out += "\"" + tok + "\"";
  }
  return out;
}

std::string pg_tsquery(const search::Query& q, bool all) {
  if (!q.single_char.empty()) return "'" + q.single_char + "':AB";
  std::string out;
  for (const auto& tok : search::all_tokens(q)) {
    if (!out.empty()) out += all ? " & " : " | ";
    out += "'" + tok + "'";
  }
  return out;
}

// Filters on articles (alias a) shared by listing and search.
Status add_filters(Connection& conn, sql::Filter& f, const KbFilter& filter) {
  if (filter.state) f.where("a.state = " + f.param(Value{std::string(to_string(*filter.state))}));
  if (filter.valid_at) {
    std::string at = f.param(sql::ms(*filter.valid_at));
    f.where("(a.valid_from IS NULL OR a.valid_from <= " + at + ") AND (a.valid_to IS NULL OR " +
            "a.valid_to > " + at + ")");
  }
  if (filter.category_id) {
    auto all = kb_rows::all_categories(conn);
    if (!all) return all.error();
    bool known = std::any_of(all->begin(), all->end(),
                             [&](const KbCategory& c) { return c.id == *filter.category_id; });
    if (!known)
      return sql::not_found("kb_category_not_found", "no knowledge-base category with this id",
                            "category");
    std::string in;
    for (std::int64_t id : kb_rows::subtree(*all, *filter.category_id)) {
      if (!in.empty()) in += ", ";
      in += f.param(Value{id});
    }
    f.where("a.category_id IN (" + in + ")");
  }
  if (filter.region_code) {
    std::string in;
    for (const auto& code : ancestor_codes(*filter.region_code)) {
      if (!in.empty()) in += ", ";
      in += f.param(Value{code});
    }
    f.where(in.empty() ? std::string("a.region_code IS NULL")
                       : "a.region_code IS NULL OR a.region_code IN (" + in + ")");
  }
  return ok_status();
}

std::string plain_excerpt(const std::string& body) {
  return search::highlight(search::plain_text(body), search::Query{}, kSnippetChars);
}

Result<KbSearchResult> list_articles(Connection& conn, const KbFilter& filter,
                                     const PageRequest& page) {
  sql::Filter f;
  SY_TRY(add_filters(conn, f, filter));
  auto listed = sql::fetch_page<KbArticle>(
      conn, std::string("SELECT ") + kb_rows::kArticleColumns, " FROM kb_articles a", f,
      "a.updated_at DESC, a.id DESC", page, kb_rows::article_from_row);
  if (!listed) return listed.error();
  KbSearchResult out;
  out.page = page.page;
  out.page_size = page.page_size;
  out.total = listed->total;
  for (auto& a : listed->items) {
    KbHit h;
    h.title_html = search::highlight(a.title, search::Query{});
    h.snippet = plain_excerpt(a.body);
    h.article = std::move(a);
    out.items.push_back(std::move(h));
  }
  return out;
}

// One run of the ranked query: every token required (all) or any of them.
Result<KbSearchResult> ranked(Connection& conn, const KbFilter& filter, const search::Query& q,
                             bool all, const PageRequest& page) {
  bool pg = conn.dialect() == Dialect::kPostgres;
  sql::Filter f;
  std::string match = f.param(Value{pg ? pg_tsquery(q, all) : fts_match(q, all)});
  std::string from, score;
  if (pg) {
    from = " FROM kb_search s JOIN kb_articles a ON a.id = s.article_id";
    f.where("s.tsv @@ to_tsquery('simple', " + match + ")");
    score = "ts_rank(s.tsv, to_tsquery('simple', " + match + "))";
  } else {
    // CROSS JOIN keeps the FTS index as the outer loop; otherwise SQLite may walk the state
    // index and probe FTS once per article (0.6 s at 100,000 articles instead of < 10 ms).
    from = " FROM kb_fts CROSS JOIN kb_articles a ON a.id = kb_fts.rowid";
    f.where("kb_fts MATCH " + match);
    score = "-bm25(kb_fts, 10.0, 4.0, 1.0)";
  }
  SY_TRY(add_filters(conn, f, filter));
  std::string where = f.where_sql();
  // Counting stops past the cap: a one-character query may match most of a large base.
  auto counted = sql::count(conn, "SELECT COUNT(*) FROM (SELECT 1" + from + where + " LIMIT " +
                                      std::to_string(kKbMaxCounted + 1) + ") AS t",
                            f.params());
  if (!counted) return counted.error();
  KbSearchResult out;
  out.page = page.page;
  out.page_size = page.page_size;
  out.match = all ? "all" : "any";
  out.total = std::min(*counted, kKbMaxCounted);
  out.total_capped = *counted > kKbMaxCounted;
  if (*counted <= static_cast<std::int64_t>(page.page - 1) * page.page_size) return out;
  std::string limit = f.limit_offset(page);
  // One character matches most titles of a large base: newest first lets the index stop after
  // a page instead of ranking every match.
  std::string order = q.single_char.empty() ? " ORDER BY score DESC, a.id"
                      : pg                  ? " ORDER BY a.id DESC"
                                            : " ORDER BY kb_fts.rowid DESC";
  auto rows = conn.query(std::string("SELECT ") + kb_rows::kArticleColumns + ", " + score +
                             " AS score" + from + where + order + limit,
                         f.params());
  if (!rows) return rows.error();
  for (const Row& r : *rows) {
    KbHit h;
    h.article = kb_rows::article_from_row(r);
    h.score = r.f64(kb_rows::kArticleColumnCount);
    h.title_html = search::highlight(h.article.title, q);
    h.snippet = search::highlight(search::plain_text(h.article.body), q, kSnippetChars);
    out.items.push_back(std::move(h));
  }
  return out;
}

}  // namespace

Result<KbSearchResult> KbRepository::search(const KbFilter& filter, const PageRequest& page) {
  SY_TRY(check_page(page));
  return sql::read_result<KbSearchResult>(db_, [&](Connection& conn) -> Result<KbSearchResult> {
    if (filter.query.find_first_not_of(" \t\r\n") == std::string::npos)
      return list_articles(conn, filter, page);
    search::Query q = search::parse_query(filter.query);
    if (q.empty()) {
      KbSearchResult none;
      none.page = page.page;
      none.page_size = page.page_size;
      none.match = "none";
      return none;
    }
    auto hits = ranked(conn, filter, q, true, page);
    if (!hits || hits->total > 0 || search::all_tokens(q).size() < 2) return hits;
    return ranked(conn, filter, q, false, page);
  });
}

}  // namespace sy::store
