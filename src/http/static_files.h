// Private to src/http: serves the web UI from a web root (content types, ETag/Last-Modified,
// cache headers, SPA fallback to index.html, no escape from the root), or a built-in
// placeholder page while there is no web/dist.
#pragma once

#include <filesystem>
#include <string>

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

  std::filesystem::path root_;  // canonical; empty when the web root does not exist
};

// The Content-Security-Policy sent with pages (the UI talks only to this origin).
extern const char* const kPageCsp;

}  // namespace sy::http::internal
