// Content negotiation on the way out: gzip for compressible bodies when the client accepts it
// (Accept-Encoding with q-values), and single byte ranges (Range → 206 / 416) for responses that
// offer them (files, recordings). Ranged responses are never compressed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace sy::http {

// Bodies smaller than this are sent as they are: gzip would save little and cost a header.
inline constexpr std::size_t kMinCompressBytes = 1024;

// Whether an Accept-Encoding value admits gzip: "gzip" or "x-gzip" with q > 0, or "*" with
// q > 0 when gzip is not named. "gzip;q=0" refuses; an absent header means identity here.
bool accepts_gzip(std::string_view accept_encoding);

// text/*, application/json, application/javascript, application/xml, image/svg+xml (and
// +json / +xml types). Not images, fonts, audio, PDF or XLSX (already compressed).
bool is_compressible_type(std::string_view content_type);

// One gzip member (RFC 1952) holding `data`; level 1 (fast) … 9 (small).
std::string gzip_compress(std::string_view data, int level);

// A parsed "Range: bytes=…" against a body of `size` bytes: the first and last byte, inclusive.
struct ByteRange {
  std::size_t first = 0;
  std::size_t last = 0;
};
enum class RangeResult { kIgnore, kSatisfiable, kUnsatisfiable };
// One range only ("bytes=a-b", "bytes=a-", "bytes=-n"); several ranges or a malformed value are
// ignored (the whole body is sent, as RFC 9110 allows).
RangeResult parse_range(std::string_view value, std::size_t size, ByteRange& out);

namespace internal {

// Applied by the server to every response before it is written: Range on responses with
// accept_ranges (GET, status 200), then gzip for compressible bodies of at least
// kMinCompressBytes when the request accepts it (Content-Encoding: gzip, Vary:
// Accept-Encoding). Responses that already carry a Content-Encoding are left alone.
void apply_content_coding(const Request& req, Response& res);

}  // namespace internal

}  // namespace sy::http
