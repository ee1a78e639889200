// CJK n-gram tokens, query parsing and highlighting (see cjk_tokens.h). Works on code points;
// normalisation maps one code point to one code point, so positions in the normalised text
// are positions in the original and highlights wrap the original characters.
#include "search/cjk_tokens.h"

#include <algorithm>
#include <array>
#include <set>

namespace sy::search {
namespace {

using Text = std::u32string;

Text decode(std::string_view s) {
  Text out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      ++i;  // invalid lead byte or truncated sequence: dropped
      continue;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool valid = true;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) {
        valid = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!valid) {
      ++i;
      continue;
    }
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (!overlong && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) out.push_back(cp);
    i += len;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode(const Text& t, std::size_t from = 0, std::size_t n = Text::npos) {
  std::string out;
  std::size_t end = n == Text::npos ? t.size() : std::min(t.size(), from + n);
  for (std::size_t i = from; i < end; ++i) append_utf8(out, t[i]);
  return out;
}

char32_t fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII
  if (c == 0x3000) c = U' ';
  if (c >= U'A' && c <= U'Z') c += 32;
  return c;
}

bool is_cjk(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}
bool is_word(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9'); }

Text fold_all(const Text& t) {
  Text out(t);
  for (auto& c : out) c = fold(c);
  return out;
}

enum class Kind { kCjk, kWord };
struct Run {
  Kind kind;
  std::size_t begin, end;  // [begin, end) in the folded text
};

std::vector<Run> runs_of(const Text& t) {
  std::vector<Run> out;
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_cjk(t[i]) || is_word(t[i])) {
      bool cjk = is_cjk(t[i]);
      std::size_t j = i + 1;
      while (j < t.size() && (cjk ? is_cjk(t[j]) : is_word(t[j]))) ++j;
      out.push_back({cjk ? Kind::kCjk : Kind::kWord, i, j});
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

// Filler that carries no meaning in an agent's query; longest first so 怎么办 wins over 怎么.
const std::vector<Text>& filler_words() {
  static const std::vector<Text> words = [] {
    std::vector<Text> w = {
        U"为什么", U"怎么办", U"怎么样", U"怎么", U"怎样", U"如何", U"什么", U"时候", U"哪些",
        U"哪里", U"哪个", U"需要", U"可以", U"能不能", U"能否", U"是否", U"请问", U"一下",
        U"我想", U"我要", U"我家", U"我们", U"你们", U"办理", U"多久", U"多长时间", U"有没有",
        U"的", U"了", U"吗", U"呢", U"吧", U"啊", U"得", U"我", U"你"};
    std::sort(w.begin(), w.end(), [](const Text& a, const Text& b) { return a.size() > b.size(); });
    return w;
  }();
  return words;
}

// The folded query with filler replaced by spaces.
Text strip_filler(Text t) {
  for (std::size_t i = 0; i < t.size();) {
    bool hit = false;
    for (const Text& w : filler_words()) {
      if (t.compare(i, w.size(), w) == 0) {
        for (std::size_t k = 0; k < w.size(); ++k) t[i + k] = U' ';
        i += w.size();
        hit = true;
        break;
      }
    }
    if (!hit) ++i;
  }
  return t;
}

void add_token(std::string& out, const Text& t, std::size_t from, std::size_t n) {
  if (!out.empty()) out.push_back(' ');
  for (std::size_t i = from; i < from + n; ++i) append_utf8(out, t[i]);
}

std::string escape_html(const Text& t, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    switch (t[i]) {
      case U'<': out += "&lt;"; break;
      case U'>': out += "&gt;"; break;
      case U'&': out += "&amp;"; break;
      case U'"': out += "&quot;"; break;
      case U'\'': out += "&#39;"; break;
      default: append_utf8(out, t[i]);
    }
  }
  return out;
}

}  // namespace

std::string normalize(std::string_view text) { return encode(fold_all(decode(text))); }

std::string index_tokens(std::string_view text, bool with_unigrams) {
  Text t = fold_all(decode(text));
  std::string out;
  out.reserve(text.size() * 2);
  for (const Run& r : runs_of(t)) {
    std::size_t n = r.end - r.begin;
    if (r.kind == Kind::kWord) {
      add_token(out, t, r.begin, n);
      continue;
    }
    if (n == 1 || with_unigrams)
      for (std::size_t i = r.begin; i < r.end; ++i) add_token(out, t, i, 1);
    for (std::size_t i = r.begin; i + 1 < r.end; ++i) add_token(out, t, i, 2);
  }
  return out;
}

Query parse_query(std::string_view text) {
  Query q;
  Text folded = fold_all(decode(text));
  std::vector<Run> whole = runs_of(folded);
  if (whole.size() == 1 && whole[0].kind == Kind::kCjk && whole[0].end - whole[0].begin == 1) {
    q.single_char = encode(folded, whole[0].begin, 1);
    return q;
  }
  Text t = strip_filler(folded);
  std::set<std::string> seen;
  for (const Run& r : runs_of(t)) {
    std::size_t n = r.end - r.begin;
    if (r.kind == Kind::kCjk && n < 2) continue;  // a lone character inside a longer query
    std::string term = encode(t, r.begin, n);
    if (seen.insert(term).second) q.terms.push_back(std::move(term));
  }
  if (q.terms.empty()) {
    // Only filler or lone characters: search the whole query as typed rather than nothing.
    for (const Run& r : whole) {
      std::string term = encode(folded, r.begin, r.end - r.begin);
      if (r.end - r.begin >= 2 || r.kind == Kind::kWord) {
        if (seen.insert(term).second) q.terms.push_back(std::move(term));
      }
    }
    if (q.terms.empty() && !whole.empty()) q.single_char = encode(folded, whole[0].begin, 1);
  }
  return q;
}

std::vector<std::string> term_tokens(const std::string& term) {
  Text t = decode(term);
  if (t.empty()) return {};
  if (!is_cjk(t[0]) || t.size() < 2) return {term};
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    std::string bigram = encode(t, i, 2);
    if (std::find(out.begin(), out.end(), bigram) == out.end()) out.push_back(bigram);
  }
  return out;
}

std::vector<std::string> all_tokens(const Query& q) {
  std::vector<std::string> out;
  if (!q.single_char.empty()) out.push_back(q.single_char);
  for (const auto& term : q.terms)
    for (auto& tok : term_tokens(term))
      if (std::find(out.begin(), out.end(), tok) == out.end()) out.push_back(std::move(tok));
  return out;
}

std::string plain_text(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  std::size_t i = 0;
  auto space = [&] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  while (i < body.size()) {
    char c = body[i];
    if (c == '<') {  // an HTML tag: dropped
      std::size_t end = body.find('>', i);
      if (end == std::string_view::npos) break;
      space();
      i = end + 1;
    } else if (c == '!' && i + 1 < body.size() && body[i + 1] == '[') {  // ![alt](url)
      std::size_t close = body.find("](", i);
      std::size_t end = close == std::string_view::npos ? close : body.find(')', close);
      if (end == std::string_view::npos) {
        ++i;
        continue;
      }
      space();
      i = end + 1;
    } else if (c == '&') {
      static constexpr std::array<std::pair<std::string_view, char>, 6> kEntities = {{
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
          {"&nbsp;", ' '}}};
      bool hit = false;
      for (const auto& [name, ch] : kEntities) {
        if (body.substr(i, name.size()) == name) {
          out.push_back(ch);
          i += name.size();
          hit = true;
          break;
        }
      }
      if (!hit) out.push_back(body[i++]);
    } else if (c == '#' || c == '*' || c == '`' || c == '>' || c == '|') {
      ++i;  // Markdown markup
    } else if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space();
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  std::size_t start = out.find_first_not_of(' ');
  return start == std::string::npos ? std::string() : out.substr(start);
}

std::string highlight(std::string_view plain, const Query& q, std::size_t max_chars) {
  Text original = decode(plain);
  Text folded = fold_all(original);
  std::vector<Text> patterns;
  if (!q.single_char.empty()) patterns.push_back(decode(q.single_char));
  for (const auto& term : q.terms) {
    patterns.push_back(decode(term));
    for (const auto& tok : term_tokens(term)) patterns.push_back(decode(tok));
  }
  std::vector<char> marked(folded.size(), 0);
  for (const Text& p : patterns) {
    if (p.empty()) continue;
    for (std::size_t at = folded.find(p); at != Text::npos; at = folded.find(p, at + 1)) {
      // ASCII words match whole words only (so "app" does not light up "application").
      if (is_word(p.front())) {
        bool left_ok = at == 0 || !is_word(folded[at - 1]);
        bool right_ok = at + p.size() >= folded.size() || !is_word(folded[at + p.size()]);
        if (!left_ok || !right_ok) continue;
      }
      std::fill(marked.begin() + at, marked.begin() + at + p.size(), 1);
    }
  }
  std::size_t from = 0, to = original.size();
  if (max_chars > 0 && original.size() > max_chars) {
    // The window holding the most marked characters; ties keep the earliest.
    std::size_t best = 0, best_count = 0, count = 0;
    for (std::size_t i = 0; i < original.size(); ++i) {
      count += marked[i];
      if (i >= max_chars) count -= marked[i - max_chars];
      if (i + 1 >= max_chars && count > best_count) {
        best_count = count;
        best = i + 1 - max_chars;
      }
    }
    // A little context before the first match in the window.
    std::size_t first = best;
    while (first < best + max_chars && !marked[first]) ++first;
    std::size_t lead = std::min<std::size_t>(max_chars / 5, first);
    from = best_count == 0 ? 0 : std::min(first - lead, original.size() - max_chars);
    to = from + max_chars;
  }
  std::string out;
  if (from > 0) out += "…";
  std::size_t i = from;
  while (i < to) {
    std::size_t j = i;
    while (j < to && marked[j] == marked[i]) ++j;
    if (marked[i]) out += "<mark>";
    out += escape_html(original, i, j);
    if (marked[i]) out += "</mark>";
    i = j;
  }
  if (to < original.size()) out += "…";
  return out;
}

}  // namespace sy::search
