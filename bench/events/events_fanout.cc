// Event fan-out benchmark (design §10: a state change reaches 1,000 connected desktops, p99 ≤
// 50 ms). A server process (the real HTTP server, API routes and event hub over SQLite) and a
// client process (N Boost.Beast WebSocket desktops on one thread), both on 127.0.0.1. Each
// round the server publishes one agent.state event addressed to a queue every desktop
// supervises, stamped with CLOCK_MONOTONIC; the client notes when each desktop received it.
// Figures: per round the time until the last desktop has it (p50/p99/max over rounds), every
// single delivery's latency, and the server's resident memory per connection.
//
//   build/bench/events_fanout [--desktops 1000] [--rounds 200] [--gap-ms 20]
//
// The client process reads every desktop's socket on one thread, so the figure includes the
// time one machine takes to read 1,000 messages in turn: an upper bound for real desktops.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/api.h"
#include "auth/secrets.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "store/db.h"
#include "store/repositories.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono;

std::int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// CPU time (user + system) a process has used, in milliseconds.
double cpu_ms(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i)
    if (i == 14 || i == 15) ticks += std::stod(f);
  return ticks * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

void write_line(int fd, const std::string& s) {
  std::string l = s + "\n";
  if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) std::perror("write");
}

std::string read_line(int fd) {
  std::string out;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') out += c;
  return out;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

struct Args {
  int desktops = 1000;
  int rounds = 200;
  int gap_ms = 20;
};

// ---- the server process ----

int run_server(const Args& a, int cmd_fd, int reply_fd, const std::filesystem::path& dir) {
  auto db = sy::store::Database::open("sqlite:" + (dir / "bench.db").string());
  if (!db || !(*db)->migrate()) return 1;
  sy::api::ApiOptions options;
  options.events.subscriber_queue = 1024;
  sy::api::Context ctx(**db, sy::SystemClock::instance(), options);
  // Desktops: supervisors of the whole province (each sees the queue's events), one session each.
  std::ofstream tokens(dir / "tokens");
  std::vector<std::thread> makers;
  std::vector<std::string> all_tokens(a.desktops);
  std::atomic<int> failures{0};
  for (int t = 0; t < 16; ++t) {
    makers.emplace_back([&, t] {
      for (int i = t; i < a.desktops; i += 16) {
        sy::store::NewUser u;
        u.username = "desk" + std::to_string(i);
        u.role = sy::auth::Role::kSupervisor;
        u.password_hash = "unused";  // these users never sign in with a password
        auto user = ctx.repos.users.create(u);
        if (!user) {
          ++failures;
          continue;
        }
        std::string token = sy::auth::random_token();
        sy::store::Session s;
        s.token_hash = sy::auth::sha256_hex(token);
        s.user_id = user->id;
        s.csrf_token = sy::auth::random_token();
        s.created_at = ctx.clock.now();
        s.expires_at = s.created_at + hours(1);
        if (!ctx.repos.sessions.create(s)) ++failures;
        all_tokens[i] = token;
      }
    });
  }
  for (auto& m : makers) m.join();
  if (failures) return 1;
  for (auto& t : all_tokens) tokens << t << "\n";
  tokens.close();

  sy::metrics::Registry registry;
  sy::http::Router router;
  sy::api::register_api(router, ctx);
  sy::http::ServerOptions so;
  so.port = 0;
  so.threads = 2;
  so.web_root = (dir / "none").string();
  sy::http::Server server(so, router, registry);
  if (!server.start()) return 1;
  write_line(reply_fd, std::to_string(server.port()));
  for (;;) {
    std::string cmd = read_line(cmd_fd);
    if (cmd == "publish") {
      ctx.events.publish("agent.state",
                         {{"agent_id", 42}, {"state", "ready"}, {"t0_ns", mono_ns()}},
                         {sy::events::Audience::user(42), sy::events::Audience::queue("general")});
    } else if (cmd == "stats") {
      auto st = ctx.events.stats();
      write_line(reply_fd, std::to_string(st.subscribers) + " " + std::to_string(st.dropped_slow));
    } else {
      break;
    }
  }
  server.stop();
  return 0;
}

// ---- the client process ----

struct Desktop {
  explicit Desktop(asio::io_context& ioc) : ws(ioc) {}
  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buf;
  std::int64_t last_latency_ns = -1;
  std::int64_t received = 0;
};

struct Round {
  std::int64_t all_ns = 0;  // until the last desktop had it
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

void start_read(Desktop& d, std::vector<double>& deliveries, std::int64_t& pending) {
  d.ws.async_read(d.buf, [&d, &deliveries, &pending](beast::error_code ec, std::size_t) {
    if (ec) return;
    std::int64_t now = mono_ns();
    auto data = d.buf.data();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    auto at = text.find("\"t0_ns\":");
    if (at != std::string_view::npos) {
      std::int64_t t0 = std::strtoll(text.data() + at + 8, nullptr, 10);
      d.last_latency_ns = now - t0;
      deliveries.push_back((now - t0) / 1e6);
      ++d.received;
      --pending;
    }
    d.buf.consume(d.buf.size());
    start_read(d, deliveries, pending);
  });
}

int run_client(const Args& a, int cmd_fd, int reply_fd, pid_t server_pid,
               const std::filesystem::path& dir) {
  std::uint16_t port = static_cast<std::uint16_t>(std::stoi(read_line(reply_fd)));
  std::vector<std::string> tokens;
  std::ifstream in(dir / "tokens");
  for (std::string t; std::getline(in, t);) tokens.push_back(t);
  long rss_before = rss_kib(server_pid);

  asio::io_context ioc;
  std::vector<std::unique_ptr<Desktop>> desks;
  auto connect_start = steady_clock::now();
  for (int i = 0; i < a.desktops; ++i) {
    auto d = std::make_unique<Desktop>(ioc);
    beast::error_code ec;
    d->ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    std::string cookie = "sy_session=" + tokens.at(i);
    d->ws.set_option(websocket::stream_base::decorator(
        [cookie](websocket::request_type& r) { r.set(beast::http::field::cookie, cookie); }));
    if (!ec) d->ws.handshake("127.0.0.1:" + std::to_string(port), "/api/v1/events", ec);
    if (ec) {
      std::fprintf(stderr, "desktop %d: %s\n", i, ec.message().c_str());
      return 1;
    }
    d->ws.read(d->buf);  // hello
    d->buf.consume(d->buf.size());
    desks.push_back(std::move(d));
  }
  double connect_s = duration<double>(steady_clock::now() - connect_start).count();
  write_line(cmd_fd, "stats");
  std::string stats = read_line(reply_fd);
  long rss_after = rss_kib(server_pid);

  std::vector<double> deliveries;
  deliveries.reserve(std::size_t(a.desktops) * a.rounds);
  std::int64_t pending = 0;
  for (auto& d : desks) start_read(*d, deliveries, pending);
  std::vector<double> rounds_ms;
  int incomplete = 0;
  double server_cpu_start = cpu_ms(server_pid), client_cpu_start = cpu_ms(getpid());
  for (int r = 0; r < a.rounds; ++r) {
    pending = a.desktops;
    for (auto& d : desks) d->last_latency_ns = -1;
    write_line(cmd_fd, "publish");
    auto give_up = steady_clock::now() + seconds(2);
    while (pending > 0 && steady_clock::now() < give_up) ioc.run_one_for(milliseconds(100));
    if (pending > 0) {
      ++incomplete;
      continue;
    }
    std::int64_t worst = 0;
    for (auto& d : desks) worst = std::max(worst, d->last_latency_ns);
    rounds_ms.push_back(worst / 1e6);
    auto pause_until = steady_clock::now() + milliseconds(a.gap_ms);
    while (steady_clock::now() < pause_until) ioc.run_one_for(milliseconds(1));
  }
  double server_cpu = cpu_ms(server_pid) - server_cpu_start;
  double client_cpu = cpu_ms(getpid()) - client_cpu_start;
  write_line(cmd_fd, "stats");
  std::string stats_end = read_line(reply_fd);
  long rss_end = rss_kib(server_pid);

  std::printf("event fan-out: %d WebSocket desktops on 127.0.0.1, %d rounds, %d ms apart\n",
              a.desktops, a.rounds, a.gap_ms);
  std::printf("  conditions: server 2 HTTP threads (own process), client 1 thread, %u cores\n",
              std::thread::hardware_concurrency());
  std::printf("  connect + handshake + hello for all desktops: %.2f s; hub subscribers/dropped: %s\n",
              connect_s, stats.c_str());
  std::printf("  time until ALL desktops had the event (per round): p50 %.2f ms, p99 %.2f ms, "
              "max %.2f ms (%zu rounds complete, %d incomplete)\n",
              pct(rounds_ms, 0.5), pct(rounds_ms, 0.99), pct(rounds_ms, 1.0), rounds_ms.size(),
              incomplete);
  std::printf("  single deliveries: p50 %.2f ms, p99 %.2f ms (%zu)\n", pct(deliveries, 0.5),
              pct(deliveries, 0.99), deliveries.size());
  std::printf("  CPU per round: server %.2f ms, client %.2f ms (load average at the end: %s)\n",
              server_cpu / a.rounds, client_cpu / a.rounds, load_average().c_str());
  std::printf("  server RSS: %ld KiB before, %ld KiB with %d desktops (%.1f KiB per connection), "
              "%ld KiB after the rounds; hub at the end (subscribers dropped): %s\n",
              rss_before, rss_after, a.desktops,
              double(rss_after - rss_before) / std::max(1, a.desktops), rss_end, stats_end.c_str());
  std::printf("  target (design §10): p99 <= 50 ms -> %s\n",
              incomplete == 0 && pct(rounds_ms, 0.99) <= 50 ? "met" : "NOT met");
  write_line(cmd_fd, "quit");
  return incomplete == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (k == "--desktops") a.desktops = std::clamp(v, 1, 5000);
    else if (k == "--rounds") a.rounds = std::clamp(v, 1, 2000);
    else if (k == "--gap-ms") a.gap_ms = std::clamp(v, 0, 1000);
    else {
      std::fprintf(stderr, "usage: %s [--desktops N] [--rounds R] [--gap-ms MS]\n", argv[0]);
      return 2;
    }
  }
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("sy-events-bench-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  int to_server[2], to_client[2];
  if (pipe(to_server) != 0 || pipe(to_client) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    close(to_server[1]);
    close(to_client[0]);
    _exit(run_server(a, to_server[0], to_client[1], dir));
  }
  close(to_server[0]);
  close(to_client[1]);
  int rc = run_client(a, to_server[1], to_client[0], pid, dir);
  close(to_server[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc != 0 ? rc : (WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}
