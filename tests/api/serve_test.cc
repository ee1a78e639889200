// The `switchyard serve` binary as an operator meets it: clear errors for a corrupt or
// unreachable database and a bad setting, the first admin's password printed once, and
// acknowledged writes surviving kill -9.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

#include "api_harness.h"
#include "child_process.h"

namespace sy::test {
namespace {

namespace fs = std::filesystem;

class Process {
 public:
  Process(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    ChildPipes c = start_child(args, env, /*merge_stderr=*/false, /*stdin_pipe=*/false);
    pid_ = c.pid;
    out_ = c.out;
    err_ = c.err;
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      wait_exit();
    }
    close(out_);
    close(err_);
  }
  // Reads stdout until a line matches `re` (returns it) or the time runs out ("").
  std::string wait_for_line(const std::regex& re, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto nl = out_buf_.find('\n');
      while (nl != std::string::npos) {
        std::string line = out_buf_.substr(0, nl);
        out_buf_.erase(0, nl + 1);
        stdout_all_ += line + "\n";
        if (std::regex_search(line, re)) return line;
        nl = out_buf_.find('\n');
      }
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 200) > 0) {
        char buf[4096];
        ssize_t n = read(out_, buf, sizeof buf);
        if (n <= 0) return "";
        out_buf_.append(buf, static_cast<std::size_t>(n));
      }
    }
    return "";
  }
  int wait_exit() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string read_all_stderr() {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = read(err_, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
    return s;
  }
  std::string read_all_stdout() {
    char buf[4096];
    ssize_t n;
    while ((n = read(out_, buf, sizeof buf)) > 0) out_buf_.append(buf, static_cast<std::size_t>(n));
    return stdout_all_ + out_buf_;
  }
  void signal(int sig) { kill(pid_, sig); }
  const std::string& stdout_seen() const { return stdout_all_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  bool exited_ = false;
  std::string out_buf_, stdout_all_;
};

fs::path temp_dir() {
  std::random_device rd;
  fs::path d = fs::temp_directory_path() / ("sy-serve-test-" + std::to_string(rd()));
  fs::create_directories(d);
  return d;
}

std::vector<std::string> serve_args(const fs::path& dir) {
  return {SY_BINARY, "serve", "--data", dir.string(), "--http", "127.0.0.1:0"};
}

const std::regex kServing(R"(open http://127\.0\.0\.1:(\d+)/)");

std::uint16_t port_of(const std::string& line) {
  std::smatch m;
  std::regex_search(line, m, kServing);
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

TEST(Serve, CorruptDatabaseExitsWithAClearMessage) {
  fs::path dir = temp_dir();
  std::ofstream(dir / "switchyard.db") << std::string(8192, 'Z');
  Process p(serve_args(dir));
  EXPECT_EQ(p.wait_exit(), 1);
  std::string err = p.read_all_stderr();
  EXPECT_NE(err.find("switchyard serve:"), std::string::npos) << err;
  EXPECT_NE(err.find("switchyard.db"), std::string::npos) << err;
  fs::remove_all(dir);
}

TEST(Serve, UnreachablePostgresExitsWithoutShowingThePassword) {
  Process p({SY_BINARY, "serve", "--db", "postgresql://sy:topsecret@127.0.0.1:1/sy", "--http",
             "127.0.0.1:0"});
  EXPECT_EQ(p.wait_exit(), 1);
  std::string err = p.read_all_stderr();
  EXPECT_NE(err.find("127.0.0.1"), std::string::npos) << err;
  EXPECT_EQ(err.find("topsecret"), std::string::npos) << err;
}

TEST(Serve, BadSettingStopsStartUpNamingTheKey) {
  Process p(serve_args(temp_dir()), {"SWITCHYARD_HTTP_THREADS=lots"});
  EXPECT_EQ(p.wait_exit(), 2);
  EXPECT_NE(p.read_all_stderr().find("http.threads"), std::string::npos);
}

TEST(Serve, FirstStartPrintsTheAdminPasswordOnce) {
  fs::path dir = temp_dir();
  std::string password;
  {
    Process p(serve_args(dir));
    std::string line = p.wait_for_line(std::regex("admin.*密码"));
    ASSERT_FALSE(line.empty()) << p.read_all_stderr();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(密码 (\S+))")));
    password = m[1];
    std::string serving = p.wait_for_line(kServing);
    ASSERT_FALSE(serving.empty());
    Client c(port_of(serving));
    EXPECT_EQ(c.login("admin", password).status, 200);
    EXPECT_EQ(c.get("/healthz").status, 200);
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(), 0);
  }
  {
    Process p(serve_args(dir));
    std::string serving = p.wait_for_line(kServing);
    ASSERT_FALSE(serving.empty());
    EXPECT_EQ(p.stdout_seen().find(password), std::string::npos);
    EXPECT_EQ(p.stdout_seen().find("密码"), std::string::npos);
    Client c(port_of(serving));
    EXPECT_EQ(c.login("admin", password).status, 200);
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(), 0);
  }
  fs::remove_all(dir);
}

TEST(Serve, AcknowledgedWritesSurviveKill9) {
  fs::path dir = temp_dir();
  std::vector<std::string> codes;
  std::string password;
  {
    Process p(serve_args(dir));
    std::string line = p.wait_for_line(std::regex("admin.*密码"));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(密码 (\S+))")));
    password = m[1];
    Client c(port_of(p.wait_for_line(kServing)));
    ASSERT_EQ(c.login("admin", password).status, 200);
    ASSERT_EQ(c.post("/api/v1/regions", {{"code", "350000"}, {"name", "福建省"}, {"level", "province"}}).status, 201);
    for (int i = 0; i < 20; ++i) {
      std::string code = "3501" + std::to_string(10 + i);
      auto r = c.post("/api/v1/regions", {{"code", code}, {"parent_code", "350000"}, {"name", "区" + code}, {"level", "county"}});
      ASSERT_EQ(r.status, 201) << r.body;
      codes.push_back(code);
    }
    p.signal(SIGKILL);
    p.wait_exit();
  }
  {
    Process p(serve_args(dir));
    Client c(port_of(p.wait_for_line(kServing)));
    ASSERT_EQ(c.login("admin", password).status, 200);
    for (const auto& code : codes) EXPECT_EQ(c.get("/api/v1/regions/" + code).status, 200) << code;
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(), 0);
  }
  fs::remove_all(dir);
}

// Work orders answered 201 are durable: creates run in parallel, the server is killed with
// SIGKILL while they are in flight, and after a restart every acknowledged order is there with
// its audit row.
TEST(Serve, AcknowledgedWorkOrdersSurviveKill9) {
  fs::path dir = temp_dir();
  std::string password;
  std::mutex mu;
  std::vector<std::pair<std::int64_t, std::string>> acknowledged;  // id, number
  {
    Process p(serve_args(dir));
    std::string line = p.wait_for_line(std::regex("admin.*密码"));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(密码 (\S+))")));
    password = m[1];
    Client c(port_of(p.wait_for_line(kServing)));
    ASSERT_EQ(c.login("admin", password).status, 200);
    ASSERT_EQ(c.post("/api/v1/regions", {{"code", "350000"}, {"name", "福建省"}, {"level", "province"}}).status, 201);
    ASSERT_EQ(c.post("/api/v1/regions", {{"code", "350102"}, {"parent_code", "350000"}, {"name", "鼓楼区"}, {"level", "county"}}).status, 201);
    std::atomic<int> acks{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&, t] {
        Client w = c;  // same session, own connections
        for (int i = 0; i < 200 && !stop; ++i) {
          try {
            auto r = w.post("/api/v1/work-orders",
                            {{"type", "repair"},
                             {"region", "350102"},
                             {"description", "停电 " + std::to_string(t) + "-" + std::to_string(i)},
                             {"channel", "voice"}});
            if (r.status != 201) continue;
            auto j = r.json();
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.emplace_back(j["id"].get<std::int64_t>(), j["number"].get<std::string>());
            ++acks;
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acks < 60 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    p.signal(SIGKILL);  // mid-flight: other creates are still being sent
    p.wait_exit();
    stop = true;
    for (auto& w : workers) w.join();
  }
  ASSERT_GE(acknowledged.size(), 60u);
  {
    Process p(serve_args(dir));
    Client c(port_of(p.wait_for_line(kServing)));
    ASSERT_EQ(c.login("admin", password).status, 200);
    for (const auto& [id, number] : acknowledged) {
      auto r = c.get("/api/v1/work-orders/" + std::to_string(id));
      ASSERT_EQ(r.status, 200) << number;
      auto j = r.json();
      EXPECT_EQ(j["number"], number);
      ASSERT_GE(j["transitions"].size(), 1u);
      EXPECT_EQ(j["transitions"][0]["action"], "create");
    }
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(), 0);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sy::test
