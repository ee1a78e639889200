// Private to src/store: knowledge-base rows to records, shared by kb_repository.cc and
// kb_search.cc.
#pragma once

#include <optional>
#include <vector>

#include "store/kb_repository.h"

namespace sy::store::kb_rows {

// The article columns, alias a, in the order article_from_row reads them.
extern const char* const kArticleColumns;
inline constexpr std::size_t kArticleColumnCount = 14;

KbArticle article_from_row(const Row& row);
Result<std::optional<KbArticle>> load_article(Connection& conn, std::int64_t id);
// Parents before children; siblings by sort_order, then name.
Result<std::vector<KbCategory>> all_categories(Connection& conn);
// `root` and every category below it.
std::vector<std::int64_t> subtree(const std::vector<KbCategory>& all, std::int64_t root);

}  // namespace sy::store::kb_rows
