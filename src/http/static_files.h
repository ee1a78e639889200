// Private to src/http: serves the web UI from a web root (content types, ETag/Last-Modified,
// cache headers, SPA fallback to index.html, no escape from the root), or a built-in
// placeholder page while there is no web/dist. Files are read once and kept in memory (keyed
// by path, size and mtime) together with their gzip form — a precompressed "file.gz" next to
// the file when the build made one, else compressed once at level 9 — so no request
// compresses a static file.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/request.h"
#include "http/response.h"

namespace sy::http::internal {

class StaticFiles {
 public:
  explicit StaticFiles(std::string web_root);
  // For GET and HEAD requests outside the API; never serves a file outside the root.
  Response serve(const Request& req) const;

 private:
  Response serve_file(const Request& req, const std::filesystem::path& file) const;
  Response fallback(const Request& req) const;

  struct Entry {
    long long size = 0;
    long long mtime_ns = 0;
    std::string etag;  // "size-mtime" in hex, quoted
    std::shared_ptr<const std::string> identity;
    std::shared_ptr<const std::string> gzip;  // null: not compressible, small or not cached
  };
  // The cached entry for this file, (re)loaded when its size or mtime changed; null when the
  // file cannot be read.
  std::shared_ptr<const Entry> load(const std::filesystem::path& file, long long size,
                                    long long mtime_ns) const;

  std::filesystem::path root_;  // canonical; empty when the web root does not exist
  mutable std::mutex mu_;  // guards cache_ and cached_bytes_; held while a file is loaded
  mutable std::unordered_map<std::string, std::shared_ptr<const Entry>> cache_;
  mutable std::size_t cached_bytes_ = 0;
};

// The Content-Security-Policy sent with pages (the UI talks only to this origin).
extern const char* const kPageCsp;

}  // namespace sy::http::internal
