// Knowledge-base search: the query becomes CJK n-gram tokens (search/cjk_tokens.h) matched by
// FTS5 on SQLite and by a 'simple' tsvector on PostgreSQL, filtered by state, validity,
// category subtree and region, ranked (title > tags > body), then highlighted here so both
// databases give the same snippets. Ranking works on a bounded candidate set (the newest
// title/tag matches and the newest matches anywhere), so a common word costs no more than a
// rare one.
#include <algorithm>
#include <map>
#include <set>

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

// Articles whose title or tags match are ranked from at most this many of the newest of
// them, and articles matching anywhere from at most kBodyCandidates: a common word (电费 is
// in two thirds of a large base) would otherwise rank every match on every keystroke. Scoring
// a match costs several microseconds, so together they bound a search to a few milliseconds;
// the title matches fill the first pages of a common word anyway.
constexpr int kTitleCandidates = 300;
constexpr int kBodyCandidates = 250;

struct Candidate {
  std::int64_t id = 0;
  double score = 0;
};

// One stage of the candidate set: the newest matches in titles and tags (title) or anywhere,
// at most `limit`, each scored (bm25 on SQLite, ts_rank on PostgreSQL).
Result<std::vector<Candidate>> stage(Connection& conn, const search::Query& q, bool all,
                                     bool title, int limit) {
  std::string sql;
  std::vector<Value> params;
  if (conn.dialect() == Dialect::kPostgres) {
    // title_tsv (0007) holds only title and tags: small, so ranking it costs little.
    std::string vec = title ? "title_tsv" : "tsv";
    params = {Value{pg_tsquery(q, all)}};
    sql = "SELECT article_id, CAST(ts_rank(" + vec + ", to_tsquery('simple', $1)) AS DOUBLE "
          "PRECISION) FROM (SELECT article_id, " + vec + " FROM kb_search WHERE " + vec +
          " @@ to_tsquery('simple', $1) ORDER BY article_id DESC LIMIT " +
          std::to_string(limit) + ") c";
  } else {
    std::string match = fts_match(q, all);
    params = {Value{title ? "{title_tokens tags_tokens} : (" + match + ")" : match}};
    sql = "SELECT rowid, -bm25(kb_fts, 10.0, 4.0, 1.0) FROM kb_fts WHERE kb_fts MATCH $1 "
          "ORDER BY rowid DESC LIMIT " + std::to_string(limit);
  }
  auto rows = conn.query(sql, params);
  if (!rows) return rows.error();
  std::vector<Candidate> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) out.push_back({r.i64(0), r.f64(1)});
  return out;
}

// The candidates (by id) that pass the article filters.
Result<std::set<std::int64_t>> passing(Connection& conn, const KbFilter& filter,
                                       const std::vector<Candidate>& cands) {
  std::set<std::int64_t> pass;
  if (cands.empty()) return pass;
  sql::Filter f;
  std::string in;
  for (const auto& c : cands) {
    if (!in.empty()) in += ", ";
    in += f.param(Value{c.id});
  }
  f.where("a.id IN (" + in + ")");
  SY_TRY(add_filters(conn, f, filter));
  // On SQLite the covering index (0007) is named: without statistics the planner would walk
  // the state index over every published article instead of looking up the candidates.
  bool pg = conn.dialect() == Dialect::kPostgres;
  auto kept = conn.query(std::string("SELECT a.id FROM kb_articles a") +
                             (pg ? "" : " INDEXED BY kb_articles_search_filter") + f.where_sql(),
                         f.params());
  if (!kept) return kept.error();
  for (const Row& r : *kept) pass.insert(r.i64(0));
  return pass;
}

// One run of the ranked query: every token required (all) or any of them. Title and tag
// matches come first; when they alone fill the page asked for, body matches (which rank below
// them) are not scored at all. The hits are sorted by score (then id) and only the page is
// loaded.
Result<KbSearchResult> ranked(Connection& conn, const KbFilter& filter, const search::Query& q,
                             bool all, const PageRequest& page) {
  KbSearchResult out;
  out.page = page.page;
  out.page_size = page.page_size;
  out.match = all ? "all" : "any";
  std::size_t first = static_cast<std::size_t>(page.page - 1) * page.page_size;
  std::size_t last_wanted = first + static_cast<std::size_t>(page.page_size);

  auto titles = stage(conn, q, all, true, kTitleCandidates);
  if (!titles) return titles.error();
  auto pass = passing(conn, filter, *titles);
  if (!pass) return pass.error();
  std::map<std::int64_t, double> best;
  for (const auto& c : *titles)
    if (pass->count(c.id)) best[c.id] = c.score;
  bool complete = false;  // every match was scored
  if (best.size() < last_wanted) {
    auto body = stage(conn, q, all, false, kBodyCandidates);
    if (!body) return body.error();
    complete = static_cast<int>(body->size()) < kBodyCandidates;
    std::vector<Candidate> fresh;
    for (const auto& c : *body) {
      auto it = best.find(c.id);
      if (it != best.end()) {
        it->second = std::max(it->second, c.score);
      } else {
        fresh.push_back(c);
      }
    }
    auto more = passing(conn, filter, fresh);
    if (!more) return more.error();
    for (const auto& c : fresh)
      if (more->count(c.id)) best.emplace(c.id, c.score);
  }
  std::vector<Candidate> hits;
  hits.reserve(best.size());
  for (const auto& [id, score] : best) hits.push_back({id, score});
  std::sort(hits.begin(), hits.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  auto n = static_cast<std::int64_t>(hits.size());
  out.total = std::min(n, kKbMaxCounted);
  // Unscored or cut matches make the count a lower bound.
  out.total_capped = n > kKbMaxCounted || !complete;
  if (first >= hits.size()) return out;
  std::size_t last = std::min(hits.size(), last_wanted);
  sql::Filter pf;
  std::string in;
  for (std::size_t i = first; i < last; ++i) {
    if (!in.empty()) in += ", ";
    in += pf.param(Value{hits[i].id});
  }
  pf.where("a.id IN (" + in + ")");
  auto rows = conn.query(std::string("SELECT ") + kb_rows::kArticleColumns +
                             " FROM kb_articles a" + pf.where_sql(),
                         pf.params());
  if (!rows) return rows.error();
  std::map<std::int64_t, KbArticle> loaded;
  for (const Row& r : *rows) {
    KbArticle a = kb_rows::article_from_row(r);
    loaded.emplace(a.id, std::move(a));
  }
  for (std::size_t i = first; i < last; ++i) {
    auto a = loaded.find(hits[i].id);
    if (a == loaded.end()) continue;  // deleted meanwhile
    KbHit h;
    h.article = std::move(a->second);
    h.score = hits[i].score;
    h.title_html = search::highlight(h.article.title, q);
    h.snippet = search::highlight(search::plain_text(h.article.body), q, kSnippetChars);
    out.items.push_back(std::move(h));
  }
  return out;
}

// A one-character query (search-as-you-type's first keystroke) matches titles and tags by
// unigram; it matches most titles of a large base, so the newest come first and the index
// stops after a page instead of ranking every match.
Result<KbSearchResult> newest_by_character(Connection& conn, const KbFilter& filter,
                                           const search::Query& q, const PageRequest& page) {
  bool pg = conn.dialect() == Dialect::kPostgres;
  sql::Filter f;
  std::string match = f.param(Value{pg ? pg_tsquery(q, true) : fts_match(q, true)});
  std::string from, score;
  if (pg) {
    from = " FROM kb_search s JOIN kb_articles a ON a.id = s.article_id";
    f.where("s.title_tsv @@ to_tsquery('simple', " + match + ")");
    score = "ts_rank(s.title_tsv, to_tsquery('simple', " + match + "))";
  } else {
    // CROSS JOIN keeps the FTS index as the outer loop; otherwise SQLite may walk the state
    // index and probe FTS once per article.
    from = " FROM kb_fts CROSS JOIN kb_articles a ON a.id = kb_fts.rowid";
    f.where("kb_fts MATCH " + match);
    score = "-bm25(kb_fts, 10.0, 4.0, 1.0)";
  }
  SY_TRY(add_filters(conn, f, filter));
  std::string where = f.where_sql();
  auto counted = sql::count(conn, "SELECT COUNT(*) FROM (SELECT 1" + from + where + " LIMIT " +
                                      std::to_string(kKbMaxCounted + 1) + ") AS t",
                            f.params());
  if (!counted) return counted.error();
  KbSearchResult out;
  out.page = page.page;
  out.page_size = page.page_size;
  out.match = "all";
  out.total = std::min(*counted, kKbMaxCounted);
  out.total_capped = *counted > kKbMaxCounted;
  if (*counted <= static_cast<std::int64_t>(page.page - 1) * page.page_size) return out;
  std::string limit = f.limit_offset(page);
  std::string order = pg ? " ORDER BY a.id DESC" : " ORDER BY kb_fts.rowid DESC";
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
    if (!q.single_char.empty()) return newest_by_character(conn, filter, q, page);
    auto hits = ranked(conn, filter, q, true, page);
    if (!hits || hits->total > 0 || search::all_tokens(q).size() < 2) return hits;
    return ranked(conn, filter, q, false, page);
  });
}

}  // namespace sy::store
