// A bare server on the sy_http framework for benchmarking it alone (no database, no auth):
// GET /api/v1/echo returns a fixed JSON document of about the size of a screen pop.
//   http_echo_server [--port N] [--threads N] [--bytes N]
// Prints "listening on 127.0.0.1:PORT" and serves until SIGINT/SIGTERM.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

nlohmann::json fixed_document(std::size_t bytes) {
  nlohmann::json doc = {{"customer", {{"id", 42}, {"name", "张三"}, {"vip_level", 1}}},
                        {"accounts", nlohmann::json::array()}};
  std::string filler;
  while (doc.dump().size() + filler.size() < bytes) filler += "x";
  doc["padding"] = filler;
  return doc;
}

}  // namespace

int main(int argc, char** argv) {
  sy::http::ServerOptions options;
  options.port = 0;
  options.threads = 2;
  std::size_t bytes = 2048;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port") options.port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
    if (flag == "--threads") options.threads = std::atoi(argv[i + 1]);
    if (flag == "--bytes") bytes = static_cast<std::size_t>(std::atol(argv[i + 1]));
  }
  sy::http::Router router;
  sy::metrics::Registry registry;
  const std::string body = fixed_document(bytes).dump();
  router.get("/api/v1/echo", [&body](sy::http::Request&) {
    return sy::http::Response::text(200, body, "application/json; charset=utf-8");
  });
  sy::http::Server server(options, router, registry);
  if (auto st = server.start(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().message.c_str());
    return 1;
  }
  std::printf("listening on 127.0.0.1:%u\n", server.port());
  std::fflush(stdout);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) pause();
  server.stop();
  return 0;
}
