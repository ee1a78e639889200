// Knowledge-base rows to records (see kb_rows.h).
#include "store/kb_rows.h"

#include <algorithm>
#include <map>

#include "store/sql_support.h"

namespace sy::store::kb_rows {

const char* const kArticleColumns =
    "a.id, a.title, a.body, a.body_format, a.category_id, a.tags, a.region_code, a.valid_from, "
    "a.valid_to, a.author_id, a.state, a.published_at, a.created_at, a.updated_at";

KbArticle article_from_row(const Row& row) {
  KbArticle a;
  a.id = row.i64(0);
  a.title = row.text(1);
  a.body = row.text(2);
  a.body_format = row.text(3);
  a.category_id = row.i64(4);
  std::string tags = row.text(5);
  std::size_t pos = 0;
  while (pos < tags.size()) {
    std::size_t comma = tags.find(',', pos);
    if (comma == std::string::npos) comma = tags.size();
    if (comma > pos) a.tags.push_back(tags.substr(pos, comma - pos));
    pos = comma + 1;
  }
  a.region_code = row.opt_text(6);
  a.valid_from = sql::opt_time_at(row, 7);
  a.valid_to = sql::opt_time_at(row, 8);
  a.author_id = row.opt_i64(9);
  a.state = parse_kb_state(row.text(10)).value_or(KbState::kDraft);
  a.published_at = sql::opt_time_at(row, 11);
  a.created_at = sql::time_at(row, 12);
  a.updated_at = sql::time_at(row, 13);
  return a;
}

Result<std::optional<KbArticle>> load_article(Connection& conn, std::int64_t id) {
  Value p[] = {Value{id}};
  auto row = conn.query_one(std::string("SELECT ") + kArticleColumns +
                                " FROM kb_articles a WHERE a.id = $1",
                            p);
  if (!row) return row.error();
  if (!*row) return std::optional<KbArticle>();
  return std::optional<KbArticle>(article_from_row(**row));
}

Result<std::vector<KbCategory>> all_categories(Connection& conn) {
  auto rows = conn.query(
      "SELECT id, parent_id, name, sort_order, created_at, updated_at FROM kb_categories "
      "ORDER BY sort_order, name, id");
  if (!rows) return rows.error();
  std::multimap<std::int64_t, KbCategory> by_parent;  // parent id (0 for roots) → children
  for (const Row& r : *rows) {
    KbCategory c;
    c.id = r.i64(0);
    c.parent_id = r.opt_i64(1);
    c.name = r.text(2);
    c.sort_order = static_cast<int>(r.i64(3));
    c.created_at = sql::time_at(r, 4);
    c.updated_at = sql::time_at(r, 5);
    by_parent.emplace(c.parent_id.value_or(0), std::move(c));
  }
  // Depth-first from the roots, keeping the query's sibling order.
  std::vector<KbCategory> out;
  auto visit = [&](auto&& self, std::int64_t parent) -> void {
    auto [lo, hi] = by_parent.equal_range(parent);
    std::vector<KbCategory> kids;
    for (auto it = lo; it != hi; ++it) kids.push_back(it->second);
    for (auto& k : kids) {
      std::int64_t id = k.id;
      out.push_back(std::move(k));
      if (out.size() <= rows->size()) self(self, id);
    }
  };
  visit(visit, 0);
  return out;
}

std::vector<std::int64_t> subtree(const std::vector<KbCategory>& all, std::int64_t root) {
  std::vector<std::int64_t> out{root};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& c : all)
      if (c.parent_id == out[i] &&
          std::find(out.begin(), out.end(), c.id) == out.end())
        out.push_back(c.id);
  return out;
}

}  // namespace sy::store::kb_rows
