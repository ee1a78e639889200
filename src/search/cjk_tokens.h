// Chinese full-text search on engines that do not segment Chinese (SQLite FTS5, PostgreSQL
// 'simple' text search): text becomes space-separated tokens that both engines index verbatim.
// A run of CJK characters gives its overlapping bigrams (阶梯电价 → 阶梯 梯电 电价), so any
// two-character word inside it is found without a dictionary; ASCII letters and digits give
// lower-case words (95598, app). Titles and tags also give unigrams, so a one-character query
// still finds something. Queries are turned into the same tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sy::search {

// NFKC-lite: full-width ASCII → ASCII, ideographic space → space, ASCII lower-cased; invalid
// UTF-8 bytes are dropped.
std::string normalize(std::string_view text);

// Index tokens for a text, space-separated. `with_unigrams` adds every CJK character as well
// (for short fields: titles, tags). A lone CJK character between separators is always indexed.
std::string index_tokens(std::string_view text, bool with_unigrams);

// A parsed search query. Filler words agents type (怎么, 需要, 什么, 了, 吗 …) are removed and act
// as separators; what remains are terms: CJK runs of two or more characters and ASCII words.
struct Query {
  std::vector<std::string> terms;  // normalised, e.g. {"过户", "材料"}
  // The query is one CJK character (search-as-you-type's first keystroke): only titles and
  // tags are searched, by unigram.
  std::string single_char;
  bool empty() const { return terms.empty() && single_char.empty(); }
};
Query parse_query(std::string_view text);

// The tokens a term must all match (a CJK run → its bigrams; a word → itself).
std::vector<std::string> term_tokens(const std::string& term);

// Every distinct token of the query (for the "any term" fallback).
std::vector<std::string> all_tokens(const Query& q);

// Plain text from an article body in HTML or Markdown: tags, image references and Markdown
// markup removed, entities decoded, whitespace collapsed.
std::string plain_text(std::string_view body);

// HTML-escaped text with every occurrence of the query's terms (and their two-character
// pieces) wrapped in <mark>…</mark>. With max_chars > 0, a window of about that many characters
// around the densest matches, with "…" where text was cut.
std::string highlight(std::string_view plain, const Query& q, std::size_t max_chars = 0);

}  // namespace sy::search
