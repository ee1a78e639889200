// SMS end to end through a real Kannel: bearerbox with a fake SMSC link, smsbox serving HTTP
// sendsms, and Kannel's fakesmsc playing the carrier's SMSC, all on free 127.0.0.1 ports with a
// generated kannel.conf. The real `switchyard serve` is pointed at smsbox (sms.* settings via
// the environment); dispatching a work order to a field crew member and urging it must put the
// Chinese texts on the air to that member's mobile, and an SMS acknowledged by a 200 must
// survive kill -9 of the server. Without the Kannel binaries the test fails and says what to
// install (./test.sh installs them).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "api_harness.h"
#include "child_process.h"

namespace sy::test {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

const char* kBearerbox = "/usr/sbin/bearerbox";
const char* kSmsbox = "/usr/sbin/smsbox";
const char* kFakesmsc = "/usr/lib/kannel/test/fakesmsc";

// A child process whose stdout and stderr go to one pipe the test reads; stdin is a pipe the
// test holds open (fakesmsc reads messages to send from it and stops at its end).
class Child {
 public:
  explicit Child(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    ChildPipes c = start_child(args, env, /*merge_stderr=*/true, /*stdin_pipe=*/true);
    pid_ = c.pid;
    out_ = c.out;
    in_ = c.in;
    fcntl(out_, F_SETFL, O_NONBLOCK);
  }
  ~Child() {
    kill9();
    close(out_);
    close(in_);
  }
  void kill9() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      exited_ = true;
    }
  }
  // Everything printed so far.
  const std::string& output() {
    char buf[4096];
    ssize_t n;
    while ((n = read(out_, buf, sizeof buf)) > 0) all_.append(buf, static_cast<std::size_t>(n));
    return all_;
  }
  // Waits until the output matches `re`; returns the first match's groups ("" on timeout).
  std::smatch wait_for(const std::regex& re, std::chrono::seconds timeout) {
    auto deadline = Steady::now() + timeout;
    std::smatch m;
    while (Steady::now() < deadline) {
      const std::string& text = output();
      if (std::regex_search(text, m, re)) return m;
      pollfd p{out_, POLLIN, 0};
      poll(&p, 1, 100);
    }
    return m;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
  bool exited_ = false;
  std::string all_;
};

std::uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool listening(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

bool wait_listening(std::uint16_t port, std::chrono::seconds timeout) {
  auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    if (listening(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a child process starting
  }
  return false;
}

// fakesmsc prints a UCS-2 message as URL-encoded big-endian UTF-16: back to UTF-8.
std::string ucs2_url_to_utf8(const std::string& text) {
  std::string bytes;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      bytes += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (text[i] == '+') {
      bytes += ' ';
    } else {
      bytes += text[i];
    }
  }
  std::string out;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    std::uint32_t c = (static_cast<unsigned char>(bytes[i]) << 8) | static_cast<unsigned char>(bytes[i + 1]);
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < bytes.size()) {
      std::uint32_t lo = (static_cast<unsigned char>(bytes[i + 2]) << 8) | static_cast<unsigned char>(bytes[i + 3]);
      c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

struct Received {
  std::string from, to, text;
};

// Every message fakesmsc got: "Got message N: <from to ucs-2 %XX...>".
std::vector<Received> received(Child& smsc) {
  static const std::regex kGot(R"(Got message \d+: <(\S+) (\S+) (text|ucs-2) ([^>]*)>)");
  std::vector<Received> out;
  const std::string& text = smsc.output();
  for (std::sregex_iterator it(text.begin(), text.end(), kGot), end; it != end; ++it) {
    const std::smatch& m = *it;
    out.push_back({m[1], m[2], m[3] == "ucs-2" ? ucs2_url_to_utf8(m[4]) : std::string(m[4])});
  }
  return out;
}

std::vector<Received> wait_received(Child& smsc, std::size_t count, std::chrono::seconds timeout) {
  auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    auto got = received(smsc);
    if (got.size() >= count) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // real Kannel, real time
  }
  return received(smsc);
}

class KannelSms : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* bin : {kBearerbox, kSmsbox, kFakesmsc}) {
      ASSERT_TRUE(fs::exists(bin))
          << bin << " is missing: this test needs a real Kannel. Install the Debian packages "
          << "kannel and kannel-extras (scripts/install-deps.sh does; ./test.sh runs it).";
    }
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("sy-kannel-test-" + std::to_string(rd()));
    fs::create_directories(dir_ / "server");
    admin_port_ = free_port();
    box_port_ = free_port();
    smsc_port_ = free_port();
    sendsms_port_ = free_port();
    std::ofstream conf(dir_ / "kannel.conf");
    conf << "group = core\n"
         << "admin-port = " << admin_port_ << "\nadmin-password = admin-secret\n"
         << "admin-interface = 127.0.0.1\nadmin-allow-ip = 127.0.0.1\n"
         << "smsbox-port = " << box_port_ << "\nsmsbox-interface = 127.0.0.1\n"
         << "box-allow-ip = 127.0.0.1\nlog-level = 0\n"
         << "log-file = \"" << (dir_ / "bearerbox.log").string() << "\"\n\n"
         << "group = smsc\nsmsc = fake\nsmsc-id = carrier\nhost = 127.0.0.1\n"
         << "port = " << smsc_port_ << "\nconnect-allow-ip = 127.0.0.1\n\n"
         << "group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = " << box_port_ << "\n"
         << "sendsms-port = " << sendsms_port_ << "\nsendsms-interface = 127.0.0.1\n"
         << "global-sender = 95598\nlog-level = 0\n"
         << "log-file = \"" << (dir_ / "smsbox.log").string() << "\"\n\n"
         << "group = sendsms-user\nusername = switchyard\npassword = sms-secret\n"
         << "max-messages = 4\nconcatenation = true\n";
    conf.close();
    bearerbox_ = std::make_unique<Child>(std::vector<std::string>{kBearerbox, "-v", "2", (dir_ / "kannel.conf").string()});
    ASSERT_TRUE(wait_listening(smsc_port_, std::chrono::seconds(20)))
        << "bearerbox did not open the SMSC port:\n" << bearerbox_->output() << log("bearerbox.log");
    smsc_ = std::make_unique<Child>(std::vector<std::string>{
        kFakesmsc, "-H", "127.0.0.1", "-r", std::to_string(smsc_port_), "-i", "0.1", "-m", "0"});
    smsbox_ = std::make_unique<Child>(std::vector<std::string>{kSmsbox, "-v", "2", (dir_ / "kannel.conf").string()});
    ASSERT_TRUE(wait_listening(sendsms_port_, std::chrono::seconds(20)))
        << "smsbox did not open the sendsms port:\n" << smsbox_->output() << log("smsbox.log");
  }
  std::string log(const char* name) const {
    std::ifstream in(dir_ / name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void TearDown() override {
    smsbox_.reset();
    smsc_.reset();
    bearerbox_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<Child> start_server() {
    auto s = std::make_unique<Child>(
        std::vector<std::string>{SY_BINARY, "serve", "--data", (dir_ / "server").string(),
                                 "--http", "127.0.0.1:0", "--sip", "127.0.0.1:0"},
        std::vector<std::string>{
            "SWITCHYARD_SMS_KANNEL_URL=http://127.0.0.1:" + std::to_string(sendsms_port_),
            "SWITCHYARD_SMS_USERNAME=switchyard", "SWITCHYARD_SMS_PASSWORD=sms-secret",
            "SWITCHYARD_SMS_FROM=95598"});
    return s;
  }
  static std::uint16_t port_of(Child& server) {
    auto m = server.wait_for(std::regex(R"(open http://127\.0\.0\.1:(\d+)/)"), std::chrono::seconds(60));
    return m.empty() ? 0 : static_cast<std::uint16_t>(std::stoi(m[1]));
  }

  fs::path dir_;
  std::uint16_t admin_port_ = 0, box_port_ = 0, smsc_port_ = 0, sendsms_port_ = 0;
  std::unique_ptr<Child> bearerbox_, smsc_, smsbox_;
};

TEST_F(KannelSms, DispatchAndUrgeReachTheCrewsMobileInChineseAndSurviveKill9) {
  std::string password;
  std::int64_t order_id = 0;
  std::string number;
  {
    auto server = start_server();
    auto pw = server->wait_for(std::regex("admin.*密码 (\\S+)"), std::chrono::seconds(60));
    ASSERT_FALSE(pw.empty()) << server->output();
    password = pw[1];
    std::uint16_t port = port_of(*server);
    ASSERT_NE(port, 0) << server->output();
    Client c(port);
    ASSERT_EQ(c.login("admin", password).status, 200);
    ASSERT_EQ(c.post("/api/v1/regions", {{"code", "350000"}, {"name", "福建省"}, {"level", "province"}}).status, 201);
    ASSERT_EQ(c.post("/api/v1/regions", {{"code", "350102"}, {"parent_code", "350000"}, {"name", "鼓楼区"}, {"level", "county"}}).status, 201);
    auto crew = c.post("/api/v1/users", {{"username", "crew1"}, {"display_name", "抢修一班 张工"},
                                         {"role", "field"}, {"region_code", "350102"},
                                         {"mobile", "+86 139 0000 1234"},
                                         {"password", "Crew-password-1"}});
    ASSERT_EQ(crew.status, 201) << crew.body;
    EXPECT_EQ(crew.json()["mobile"], "13900001234");
    auto other = c.post("/api/v1/users", {{"username", "crew2"}, {"role", "field"},
                                          {"region_code", "350102"}, {"mobile", "13700007777"},
                                          {"password", "Crew-password-2"}});
    ASSERT_EQ(other.status, 201) << other.body;
    auto order = c.post("/api/v1/work-orders", {{"type", "repair"}, {"region", "350102"},
                                                {"description", "东街12号整栋停电"},
                                                {"channel", "voice"}});
    ASSERT_EQ(order.status, 201) << order.body;
    order_id = order.json()["id"].get<std::int64_t>();
    number = order.json()["number"].get<std::string>();
    auto dispatched = c.post("/api/v1/work-orders/" + std::to_string(order_id) + "/transitions",
                             {{"action", "dispatch"}, {"assignee_id", crew.json()["id"]}});
    ASSERT_EQ(dispatched.status, 200) << dispatched.body;
    server->kill9();  // at once: the SMS was acknowledged with the dispatch, it must not be lost
  }
  auto server = start_server();
  std::uint16_t port = port_of(*server);
  ASSERT_NE(port, 0) << server->output();
  auto got = wait_received(*smsc_, 1, std::chrono::seconds(30));
  ASSERT_GE(got.size(), 1u) << "fakesmsc received nothing:\n" << smsc_->output() << "\nserver:\n"
                            << server->output() << "\nsmsbox:\n" << log("smsbox.log");
  EXPECT_EQ(got[0].to, "13900001234");
  EXPECT_EQ(got[0].from, "95598");
  EXPECT_EQ(got[0].text, "工单" + number + "（故障报修）已派给您，请及时处理：东街12号整栋停电");

  Client c(port);
  ASSERT_EQ(c.login("admin", password).status, 200);
  auto urged = c.post("/api/v1/work-orders/" + std::to_string(order_id) + "/transitions",
                      {{"action", "urge"}, {"note", "客户再次来电催促"}});
  ASSERT_EQ(urged.status, 200) << urged.body;
  got = wait_received(*smsc_, 2, std::chrono::seconds(30));
  ASSERT_EQ(got.size(), 2u) << smsc_->output();
  EXPECT_EQ(got[1].to, "13900001234");
  EXPECT_EQ(got[1].text, "工单" + number + "（故障报修）被催办，请尽快处理：客户再次来电催促");
  for (const Received& r : got) EXPECT_NE(r.to, "13700007777");
}

}  // namespace
}  // namespace sy::test
