// The knowledge base: articles (tariffs, policies, business rules, outage plans, scripts) in a
// category tree, with a review state and a validity period, and Chinese full-text search over
// them. Search is the same on both databases: text becomes CJK n-gram tokens in C++
// (search/cjk_tokens.h); SQLite ranks with FTS5 bm25, PostgreSQL with ts_rank; titles weigh
// most, then tags, then the body. Snippets and highlights are made here, so both agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

// draft → published → archived; an archived article may go back to draft for rework, and a
// published one back to draft to withdraw it.
enum class KbState { kDraft, kPublished, kArchived };
std::string_view to_string(KbState state);
std::optional<KbState> parse_kb_state(std::string_view text);
bool kb_transition_allowed(KbState from, KbState to);

struct KbCategory {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string name;
  int sort_order = 0;
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewKbCategory {
  std::optional<std::int64_t> parent_id;
  std::string name;
  int sort_order = 0;
};

struct KbArticle {
  std::int64_t id = 0;
  std::string title;
  std::string body;
  std::string body_format = "markdown";  // markdown | html
  std::int64_t category_id = 0;
  std::vector<std::string> tags;
  std::optional<std::string> region_code;  // nullopt: province-wide
  std::optional<TimePoint> valid_from;
  std::optional<TimePoint> valid_to;  // exclusive
  std::optional<std::int64_t> author_id;
  KbState state = KbState::kDraft;
  std::optional<TimePoint> published_at;
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewKbArticle {
  std::string title;
  std::string body;
  std::string body_format = "markdown";
  std::int64_t category_id = 0;
  std::vector<std::string> tags;
  std::optional<std::string> region_code;
  std::optional<TimePoint> valid_from;
  std::optional<TimePoint> valid_to;
  std::optional<std::int64_t> author_id;
  KbState state = KbState::kDraft;
};

// Fields present are changed; an inner nullopt clears a nullable field.
struct KbArticleUpdate {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::string> body_format;
  std::optional<std::int64_t> category_id;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::optional<std::string>> region_code;
  std::optional<std::optional<TimePoint>> valid_from;
  std::optional<std::optional<TimePoint>> valid_to;
  std::optional<KbState> state;
};

struct KbFilter {
  std::string query;                        // as typed; empty: list by last update
  std::optional<std::int64_t> category_id;  // this category and its sub-categories
  // Articles that apply to a customer in this region: those for the region itself, for any
  // region above it (a city's article applies to its counties) and province-wide ones.
  std::optional<std::string> region_code;
  std::optional<KbState> state;         // nullopt: any state
  std::optional<TimePoint> valid_at;    // only articles valid at that time
};

struct KbHit {
  KbArticle article;
  std::string title_html;  // HTML-escaped title, query terms in <mark>
  std::string snippet;     // HTML-escaped excerpt of the body, query terms in <mark>
  double score = 0;        // higher is better; 0 when listing without a query
};

struct KbSearchResult {
  std::vector<KbHit> items;
  std::int64_t total = 0;
  // Counting stopped: more than kKbMaxCounted matched (total is that cap), or a common word
  // matched more articles than are ranked (total counts the ranked ones): a lower bound.
  bool total_capped = false;
  int page = 1;
  int page_size = kDefaultPageSize;
  // "all": every query term matched; "any": nothing matched all terms, so articles matching
  // some of them are ranked; "list": no query; "none": the query had nothing searchable.
  std::string match = "list";
};

inline constexpr std::int64_t kKbMaxCounted = 1000;

class KbRepository {
 public:
  KbRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_name" (empty or over 64 characters);
  // not_found "kb_category_not_found" (field parent_id); conflict "kb_category_exists".
  Result<KbCategory> create_category(const NewKbCategory& c);
  // Every category, parents before children, siblings by sort_order then name.
  Result<std::vector<KbCategory>> categories();
  // Errors: kb_category_not_found; conflict "kb_category_not_empty" (has sub-categories or
  // articles).
  Status remove_category(std::int64_t id);

  // Errors: invalid_input "invalid_title", "invalid_body_format", "invalid_tags",
  // "invalid_time_range"; not_found "kb_category_not_found" (field category_id),
  // "region_not_found" (field region_code).
  Result<KbArticle> create(const NewKbArticle& a);
  // not_found "kb_article_not_found".
  Result<KbArticle> get(std::int64_t id);
  // Same errors as create, and conflict "invalid_transition" for a state change not allowed.
  Result<KbArticle> update(std::int64_t id, const KbArticleUpdate& u);
  // not_found "kb_article_not_found".
  Status remove(std::int64_t id);

  // Ranked search (or a listing without a query). Errors: invalid_page / invalid_page_size,
  // kb_category_not_found (field category).
  Result<KbSearchResult> search(const KbFilter& filter, const PageRequest& page);

 private:
  Database& db_;
  const Clock& clock_;
};

// Statements on a given connection, for the repository and bulk loading (demo data, bench).
namespace kb_sql {
Result<std::int64_t> insert_category(Connection& conn, const NewKbCategory& c, TimePoint now);
// Validates like KbRepository::create, inserts the article and its search tokens.
Result<std::int64_t> insert_article(Connection& conn, const NewKbArticle& a, TimePoint now);
}  // namespace kb_sql

}  // namespace sy::store
