// gzip and byte ranges for outgoing responses.
#include "http/encoding.h"

#include <zlib.h>

#include <charconv>
#include <stdexcept>

namespace sy::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// The q-value of one Accept-Encoding element's parameters ("q=0.5"); 1 when absent, 0 when
// malformed (a value we cannot read is not a yes).
double q_value(std::string_view params) {
  double q = 1.0;
  while (!params.empty()) {
    std::size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    std::size_t eq = p.find('=');
    if (eq == std::string_view::npos || !iequals(trim(p.substr(0, eq)), "q")) continue;
    std::string_view v = trim(p.substr(eq + 1));
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (v.empty() || (v[0] != '0' && v[0] != '1')) return 0.0;
    double value = v[0] == '1' ? 1.0 : 0.0;
    if (v.size() > 1) {
      if (v[1] != '.' || v.size() > 5) return 0.0;
      double scale = 0.1;
      for (std::size_t i = 2; i < v.size(); ++i, scale /= 10) {
        if (v[i] < '0' || v[i] > '9') return 0.0;
        value += (v[i] - '0') * scale;
      }
    }
    q = value > 1.0 ? 1.0 : value;
  }
  return q;
}

bool parse_size(std::string_view s, std::size_t& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "\"abc\"" → "\"abc-gz\"" (the gzip representation is a different entity); W/ tags keep W/.
std::string gzip_etag(std::string_view etag) {
  std::string out(etag);
  if (out.size() >= 2 && out.back() == '"') out.insert(out.size() - 1, "-gz");
  return out;
}

constexpr int kDynamicLevel = 1;  // API bodies: per response, so CPU first (as nginx's default)

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q;
  std::optional<double> star_q;
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    std::size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    double q = semi == std::string_view::npos ? 1.0 : q_value(item.substr(semi + 1));
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip_q = gzip_q ? std::max(*gzip_q, q) : q;
    } else if (coding == "*") {
      star_q = q;
    }
  }
  if (gzip_q) return *gzip_q > 0.0;
  return star_q && *star_q > 0.0;
}

bool is_compressible_type(std::string_view content_type) {
  std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (istarts_with(type, "text/")) return true;
  for (std::string_view t : {"application/json", "application/javascript", "application/xml",
                             "image/svg+xml", "application/x-javascript",
                             "application/manifest+json"}) {
    if (iequals(type, t)) return true;
  }
  // application/problem+json, application/atom+xml, …
  std::size_t plus = type.rfind('+');
  if (plus != std::string_view::npos && istarts_with(type, "application/")) {
    std::string_view suffix = type.substr(plus);
    return iequals(suffix, "+json") || iequals(suffix, "+xml");
  }
  return false;
}

std::string gzip_compress(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  std::size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  out.resize(produced);
  return out;
}

RangeResult parse_range(std::string_view value, std::size_t size, ByteRange& out) {
  value = trim(value);
  if (!istarts_with(value, "bytes=")) return RangeResult::kIgnore;
  std::string_view spec = trim(value.substr(6));
  if (spec.find(',') != std::string_view::npos) return RangeResult::kIgnore;
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeResult::kIgnore;
  std::string_view a = trim(spec.substr(0, dash));
  std::string_view b = trim(spec.substr(dash + 1));
  std::size_t first = 0;
  std::size_t last = 0;
  if (a.empty()) {  // suffix: the last n bytes
    std::size_t n = 0;
    if (!parse_size(b, n)) return RangeResult::kIgnore;
    if (n == 0 || size == 0) return RangeResult::kUnsatisfiable;
    first = n >= size ? 0 : size - n;
    last = size - 1;
  } else {
    if (!parse_size(a, first)) return RangeResult::kIgnore;
    if (b.empty()) {
      last = size == 0 ? 0 : size - 1;
    } else {
      if (!parse_size(b, last) || last < first) return RangeResult::kIgnore;
      if (size > 0 && last >= size) last = size - 1;
    }
    if (first >= size) return RangeResult::kUnsatisfiable;
  }
  out.first = first;
  out.last = last;
  return RangeResult::kSatisfiable;
}

namespace internal {

void apply_content_coding(const Request& req, Response& res) {
  bool bodiless = res.status == 204 || res.status == 304 || res.status < 200;
  if (bodiless || res.headers.has("Content-Encoding")) return;
  if (res.accept_ranges && res.status == 200) {
    res.headers.set("Accept-Ranges", "bytes");
    auto range = req.headers.get("Range");
    if (range && req.method == Method::kGet) {
      // If-Range: the range holds only while the client's copy (its ETag) is still current.
      auto if_range = req.headers.get("If-Range");
      auto etag = res.headers.get("ETag");
      bool current = !if_range || (etag && *if_range == *etag);
      const std::string& all = res.payload();
      ByteRange br;
      RangeResult rr = current ? parse_range(*range, all.size(), br) : RangeResult::kIgnore;
      if (rr == RangeResult::kSatisfiable) {
        res.status = 206;
        res.headers.set("Content-Range", "bytes " + std::to_string(br.first) + "-" +
                                             std::to_string(br.last) + "/" +
                                             std::to_string(all.size()));
        std::string part = all.substr(br.first, br.last - br.first + 1);
        res.shared_body.reset();
        res.body = std::move(part);
        return;  // a part is sent as it is stored, never compressed
      }
      if (rr == RangeResult::kUnsatisfiable) {
        std::string total = std::to_string(all.size());
        res = Response::error(ErrorKind::kInvalidInput, "range_not_satisfiable",
                              "the requested range starts past the end (" + total + " bytes)");
        res.status = 416;
        res.headers.set("Content-Range", "bytes */" + total);
        return;
      }
    }
  }
  if (!is_compressible_type(res.content_type) || res.payload().size() < kMinCompressBytes) return;
  res.headers.add("Vary", "Accept-Encoding");
  auto ae = req.headers.get("Accept-Encoding");
  if (!ae || !accepts_gzip(*ae)) return;
  std::string gz = gzip_compress(res.payload(), kDynamicLevel);
  if (gz.size() >= res.payload().size()) return;  // incompressible after all
  res.shared_body.reset();
  res.body = std::move(gz);
  res.headers.add("Content-Encoding", "gzip");
  if (auto etag = res.headers.get("ETag")) res.headers.set("ETag", gzip_etag(*etag));
}

}  // namespace internal

}  // namespace sy::http
