// Static files for the web UI, with the SPA fallback and the placeholder page.
#include "http/static_files.h"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

#include "http/encoding.h"

namespace sy::http::internal {

namespace fs = std::filesystem;

const char* const kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

namespace {

// Files above this size are read per request and sent uncompressed; the cache holds at most
// kMaxCacheBytes (identity and gzip bytes).
constexpr std::size_t kMaxCachedFileBytes = 16u << 20;
constexpr std::size_t kMaxCacheBytes = 256u << 20;

constexpr const char* kPlaceholder = R"(<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0;
       display: flex; min-height: 100vh; align-items: center; justify-content: center;
       background: #f4f6f9; color: #1f2d3d; }
main { text-align: center; }
h1 { font-weight: 500; }
a { color: #1f6fd1; }
</style>
</head>
<body>
<main>
<h1>Switchyard 坐席工作台即将上线</h1>
<p>The agent desktop is coming soon. The API is available now:
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a></p>
</main>
</body>
</html>
)";

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool has_dot_segment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == ".." || seg == ".") return true;
    start = end + 1;
  }
  return false;
}

bool last_segment_has_extension(std::string_view path) {
  std::string_view last = path.substr(path.rfind('/') + 1);
  return last.find('.') != std::string_view::npos;
}

Response not_found(const Request& req) {
  return Response::error(ErrorKind::kNotFound, "not_found", "no file at " + req.path);
}

}  // namespace

StaticFiles::StaticFiles(std::string web_root) {
  std::error_code ec;
  fs::path root = fs::canonical(web_root, ec);
  if (!ec && fs::is_directory(root, ec)) root_ = root;
}

Response StaticFiles::serve(const Request& req) const {
  const std::string& path = req.path;
  if (path.empty() || path.front() != '/' || path.find('\\') != std::string::npos ||
      has_dot_segment(path)) {
    return Response::error(ErrorKind::kInvalidInput, "invalid_path",
                           "the path must not contain '.', '..' or '\\' segments");
  }
  if (root_.empty()) return fallback(req);
  // Leading slashes are dropped: root_ / "/etc/passwd" would be "/etc/passwd".
  fs::path file = root_ / fs::path(path.substr(path.find_first_not_of('/') == std::string::npos
                                                   ? path.size()
                                                   : path.find_first_not_of('/')));
  if (path.back() == '/') file /= "index.html";
  std::error_code ec;
  fs::path real = fs::canonical(file, ec);
  if (!ec && fs::is_directory(real, ec)) {
    real = fs::canonical(real / "index.html", ec);
  }
  if (ec || !fs::is_regular_file(real, ec)) return fallback(req);
  // Symbolic links inside the root must not lead outside it.
  const std::string& root_text = root_.native();
  const std::string& real_text = real.native();
  if (real_text.size() <= root_text.size() || real_text.compare(0, root_text.size(), root_text) ||
      real_text[root_text.size()] != '/') {
    return not_found(req);
  }
  return serve_file(req, real);
}

Response StaticFiles::fallback(const Request& req) const {
  // Missing assets are 404; anything that looks like a page route gets the app (SPA).
  if (last_segment_has_extension(req.path) && req.path != "/index.html") return not_found(req);
  if (!root_.empty()) {
    std::error_code ec;
    fs::path index = root_ / "index.html";
    if (fs::is_regular_file(index, ec)) return serve_file(req, index);
  }
  Response r = Response::text(200, kPlaceholder, "text/html; charset=utf-8");
  r.headers.add("Cache-Control", "no-cache");
  r.headers.add("Content-Security-Policy", kPageCsp);
  return r;
}

std::shared_ptr<const StaticFiles::Entry> StaticFiles::load(const fs::path& file, long long size,
                                                            long long mtime_ns) const {
  auto read_all = [](const fs::path& p) -> std::optional<std::string> {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream data;
    data << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(data).str();
  };
  const std::string& key = file.native();
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it != cache_.end() && it->second->size == size && it->second->mtime_ns == mtime_ns) {
    return it->second;
  }
  auto entry = std::make_shared<Entry>();
  entry->size = size;
  entry->mtime_ns = mtime_ns;
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  entry->etag = etag;
  auto data = read_all(file);
  if (!data) return nullptr;
  entry->identity = std::make_shared<const std::string>(std::move(*data));
  std::size_t bytes = entry->identity->size();
  bool cacheable = bytes <= kMaxCachedFileBytes;
  if (cacheable && bytes >= kMinCompressBytes &&
      is_compressible_type(content_type_for_path(file.native()))) {
    // A precompressed sibling from the build, if it is at least as new as the file.
    fs::path gz_path = file;
    gz_path += ".gz";
    struct stat gz_st {};
    std::optional<std::string> gz;
    if (::stat(gz_path.c_str(), &gz_st) == 0 && S_ISREG(gz_st.st_mode) &&
        gz_st.st_mtim.tv_sec >= static_cast<std::time_t>(mtime_ns / 1000000000LL)) {
      gz = read_all(gz_path);
    }
    if (!gz) gz = gzip_compress(*entry->identity, 9);
    if (gz->size() < bytes) entry->gzip = std::make_shared<const std::string>(std::move(*gz));
  }
  if (entry->gzip) bytes += entry->gzip->size();
  if (it != cache_.end()) {
    cached_bytes_ -= it->second->identity->size() +
                     (it->second->gzip ? it->second->gzip->size() : 0);
    cache_.erase(it);
  }
  if (cacheable && cached_bytes_ + bytes > kMaxCacheBytes) {
    // Full: drop what a rebuild replaced or removed (Vite names files by content, so old
    // builds leave entries behind); if that is not enough, start afresh.
    for (auto e = cache_.begin(); e != cache_.end();) {
      struct stat cur {};
      bool current = ::stat(e->first.c_str(), &cur) == 0 && cur.st_size == e->second->size &&
                     static_cast<long long>(cur.st_mtim.tv_sec) * 1000000000LL +
                             static_cast<long long>(cur.st_mtim.tv_nsec) ==
                         e->second->mtime_ns;
      if (current) {
        ++e;
        continue;
      }
      cached_bytes_ -= e->second->identity->size() + (e->second->gzip ? e->second->gzip->size() : 0);
      e = cache_.erase(e);
    }
    if (cached_bytes_ + bytes > kMaxCacheBytes) {
      cache_.clear();
      cached_bytes_ = 0;
    }
  }
  if (cacheable && cached_bytes_ + bytes <= kMaxCacheBytes) {
    cached_bytes_ += bytes;
    cache_.emplace(key, entry);
  } else {
    entry->gzip.reset();  // not kept: sent as it is rather than compressed per request
  }
  return entry;
}

Response StaticFiles::serve_file(const Request& req, const fs::path& file) const {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return not_found(req);
  long long mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                       static_cast<long long>(st.st_mtim.tv_nsec);
  auto entry = load(file, static_cast<long long>(st.st_size), mtime_ns);
  if (!entry) return not_found(req);
  Response r;
  std::string rel = file.native().substr(root_.native().size());
  r.headers.add("Cache-Control",
                rel.rfind("/assets/", 0) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
  // gzip when the client takes it, except for a Range request: parts are of the stored bytes.
  bool gzip = entry->gzip && !req.headers.has("Range");
  if (gzip) {
    auto ae = req.headers.get("Accept-Encoding");
    gzip = ae && accepts_gzip(*ae);
  }
  std::string etag = entry->etag;
  if (gzip) etag.insert(etag.size() - 1, "-gz");
  r.headers.add("ETag", etag);
  r.headers.add("Last-Modified", http_date(st.st_mtim.tv_sec));
  r.headers.add("Content-Security-Policy", kPageCsp);
  if (entry->gzip) r.headers.add("Vary", "Accept-Encoding");
  auto inm = req.headers.get("If-None-Match");
  if (inm && (inm->find(etag) != std::string_view::npos || *inm == "*")) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = std::string(content_type_for_path(file.native()));
  if (gzip) {
    r.shared_body = entry->gzip;
    r.headers.add("Content-Encoding", "gzip");
  } else {
    r.shared_body = entry->identity;
    r.accept_ranges = true;
  }
  return r;
}

}  // namespace sy::http::internal
