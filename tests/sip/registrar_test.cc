// The registrar of agent phones: the digest arithmetic (RFC 2617's worked example), the binding
// table, and SIPp as a real phone REGISTERing with digest auth against the adapter: 200 with the
// right password, 403 with a wrong one, 404 for an unknown extension, 423 below the minimum
// Expires, removal by Expires: 0 and expiry by the (manual) clock, each reported to the app.
#include "sip/registrar.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "sip/sip_adapter.h"
#include "sip_test_support.h"

namespace sy::sip {
namespace {

using namespace std::chrono_literals;

TEST(Digest, MatchesTheWorkedExampleOfRfc2617) {
  DigestCredentials c = parse_digest_params(
      {"username=\"Mufasa\"", "realm=\"testrealm@host.com\"",
       "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", "uri=\"/dir/index.html\"", "qop=auth",
       "nc=00000001", "cnonce=\"0a4f113b\"", "response=\"6629fae49393a05397450978507c4ef1\"",
       "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""});
  EXPECT_EQ(c.username, "Mufasa");
  std::string ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
  EXPECT_TRUE(digest_matches(c, ha1, "GET"));
  EXPECT_FALSE(digest_matches(c, md5_hex("Mufasa:testrealm@host.com:circle of life"), "GET"));
  EXPECT_FALSE(digest_matches(c, ha1, "REGISTER"));  // the method is part of the hash
  c.algorithm = "sha-256";
  EXPECT_FALSE(digest_matches(c, ha1, "GET"));
}

TEST(BindingTable, ReportsNewReplacedAndExpiredBindings) {
  BindingTable t;
  TimePoint t0{};
  auto first = t.bind("1001", "sip:1001@10.0.0.7:5062", "udp:10.0.0.7:5062", t0 + 60s);
  EXPECT_EQ(first.registered, "sip:1001@10.0.0.7:5062");
  EXPECT_FALSE(first.unregistered);
  auto refresh = t.bind("1001", "sip:1001@10.0.0.7:5062", "udp:10.0.0.7:5062", t0 + 120s);
  EXPECT_FALSE(refresh.registered);  // a refresh is not news
  auto moved = t.bind("1001", "sip:1001@10.0.0.8:5062", "udp:10.0.0.8:5062", t0 + 120s);
  EXPECT_EQ(moved.unregistered, UnregisterReason::kReplaced);
  EXPECT_EQ(moved.registered, "sip:1001@10.0.0.8:5062");
  t.bind("1002", "sip:1002@10.0.0.9", "udp:10.0.0.9:5060", t0 + 30s);
  EXPECT_TRUE(t.expire(t0 + 29s).empty());
  EXPECT_EQ(t.expire(t0 + 30s), std::vector<std::string>{"1002"});
  EXPECT_EQ(t.size(), 1u);
  EXPECT_TRUE(t.remove("1001"));
  EXPECT_FALSE(t.remove("1001"));
}

// A manual clock the SIP thread may read while the test advances it.
class SharedManualClock final : public Clock {
 public:
  TimePoint now() const override { return TimePoint{Duration{us_.load()}}; }
  void advance(Duration d) { us_ += d.count(); }

 private:
  std::atomic<int64_t> us_{1'800'000'000'000'000};
};

class PhoneEvents final : public RegistrationEvents {
 public:
  void on_phone_registered(const std::string& extension, const std::string& contact) override {
    std::lock_guard lock(mu_);
    log_.push_back("registered " + extension + " " + contact);
    cv_.notify_all();
  }
  void on_phone_unregistered(const std::string& extension, UnregisterReason reason) override {
    std::lock_guard lock(mu_);
    log_.push_back(std::string("unregistered ")
                       .append(extension)
                       .append(" ")
                       .append(unregister_reason_name(reason)));
    cv_.notify_all();
  }
  bool wait_for(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 5s, [&] { return log_.size() >= n; });
  }
  std::vector<std::string> log() {
    std::lock_guard lock(mu_);
    return log_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> log_;
};

class RegistrarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SipOptions options;
    options.host = "127.0.0.1";
    options.port = testing::free_sip_port();
    ASSERT_NE(options.port, 0);
    options.realm = "switchyard";
    options.min_expires_s = 30;
    options.clock = &clock_;
    options.registration_check_ms = 20;
    port_ = options.port;
    Registrar registrar;
    registrar.credentials = [](const std::string& ext) -> std::optional<PhoneCredential> {
      if (ext != "1001") return std::nullopt;
      return PhoneCredential{md5_hex("1001:switchyard:s3cret"), "switchyard"};
    };
    registrar.events = &events_;
    auto a = SipAdapter::start(options, handler_, registrar);
    ASSERT_TRUE(a) << a.error().message;
    adapter_ = std::move(*a);
  }
  void TearDown() override {
    if (adapter_) adapter_->stop();
  }
  int register_phone(const std::string& scenario, const std::string& ext,
                     const std::string& password, int expires, const std::string& more = "") {
    return testing::run_sipp(port_, scenario,
                             "-au " + ext + " -ap " + password + " -key ext " + ext +
                                 " -key expires " + std::to_string(expires) +
                                 " -key contact_port 5999 " + more);
  }

  SharedManualClock clock_;
  PhoneEvents events_;
  testing::RecordingHandler handler_;
  std::unique_ptr<SipAdapter> adapter_;
  uint16_t port_ = 0;
};

TEST_F(RegistrarTest, PhoneRegistersWithDigestAndIsReportedOnce) {
  ASSERT_EQ(register_phone("register.xml", "1001", "s3cret", 120), 0);
  ASSERT_TRUE(events_.wait_for(1));
  EXPECT_EQ(events_.log()[0], "registered 1001 sip:1001@127.0.0.1:5999;transport=UDP");
  auto bindings = adapter_->registrations();
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].extension, "1001");
  EXPECT_EQ(bindings[0].source.rfind("udp:127.0.0.1:", 0), 0u);
  EXPECT_EQ(bindings[0].expires_at, clock_.now() + 120s);
  EXPECT_FALSE(bindings[0].via_source);  // sent from where its Via says: called at its Contact
  // A refresh from the same contact is not news.
  ASSERT_EQ(register_phone("register.xml", "1001", "s3cret", 120), 0);
  EXPECT_EQ(adapter_->counters().registers, 4u);  // two challenged, two accepted
  EXPECT_EQ(events_.log().size(), 1u);
  // The same extension from another contact (a phone over TCP) takes the binding over.
  ASSERT_EQ(register_phone("register.xml", "1001", "s3cret", 120, "-t t1"), 0);
  ASSERT_TRUE(events_.wait_for(3));
  EXPECT_EQ(events_.log()[1], "unregistered 1001 replaced");
  EXPECT_EQ(events_.log()[2], "registered 1001 sip:1001@127.0.0.1:5999;transport=TCP");
  bindings = adapter_->registrations();
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].source.rfind("tcp:127.0.0.1:", 0), 0u);
}

TEST_F(RegistrarTest, WrongPasswordIsRefused403AfterTheChallenge) {
  EXPECT_EQ(register_phone("register_403.xml", "1001", "guess", 120), 0);
  EXPECT_TRUE(adapter_->registrations().empty());
  EXPECT_EQ(adapter_->counters().registers_refused, 1u);
  EXPECT_TRUE(events_.log().empty());
}

TEST_F(RegistrarTest, GuessingAPhonesPasswordIsRefusedWithoutChallengeForAWhile) {
  EXPECT_EQ(register_phone("register_403.xml", "1001", "guess", 120, "-m 10"), 0);
  // Even the right password is refused now, without a challenge to answer.
  EXPECT_EQ(register_phone("register_blocked.xml", "1001", "s3cret", 120), 0);
  EXPECT_TRUE(adapter_->registrations().empty());
  clock_.advance(61s);
  EXPECT_EQ(register_phone("register.xml", "1001", "s3cret", 120), 0);
  EXPECT_EQ(adapter_->registrations().size(), 1u);
}

TEST(AuthFailureLimiter, BlocksAfterTooManyFailuresInTheWindowOnly) {
  AuthFailureLimiter limiter(3, 60s, 30s);
  TimePoint t{};
  limiter.failed("10.0.0.1", t);
  limiter.failed("10.0.0.1", t + 30s);
  limiter.failed("10.0.0.1", t + 61s);  // the first failure has left the window
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t + 61s));
  limiter.failed("10.0.0.1", t + 62s);
  EXPECT_TRUE(limiter.blocked("10.0.0.1", t + 62s));
  EXPECT_FALSE(limiter.blocked("10.0.0.2", t + 62s));
  EXPECT_TRUE(limiter.blocked("10.0.0.1", t + 91s));
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t + 92s));
}

TEST_F(RegistrarTest, UnknownExtensionIsRefused404) {
  EXPECT_EQ(register_phone("register_404.xml", "2002", "s3cret", 120), 0);
  EXPECT_TRUE(adapter_->registrations().empty());
}

TEST_F(RegistrarTest, TooShortExpiresGets423) {
  EXPECT_EQ(register_phone("register_423.xml", "1001", "s3cret", 5), 0);
  EXPECT_TRUE(adapter_->registrations().empty());
}

TEST_F(RegistrarTest, ExpiresZeroRemovesTheBindingAndTheAppHearsOfIt) {
  ASSERT_EQ(register_phone("register.xml", "1001", "s3cret", 120), 0);
  ASSERT_EQ(register_phone("register.xml", "1001", "s3cret", 0), 0);
  ASSERT_TRUE(events_.wait_for(2));
  EXPECT_EQ(events_.log()[1], "unregistered 1001 removed");
  EXPECT_TRUE(adapter_->registrations().empty());
}

TEST_F(RegistrarTest, ABindingNotRefreshedExpiresAndTheAppHearsOfIt) {
  ASSERT_EQ(register_phone("register.xml", "1001", "s3cret", 40), 0);
  ASSERT_TRUE(events_.wait_for(1));
  clock_.advance(39s);
  EXPECT_EQ(adapter_->registrations().size(), 1u);
  clock_.advance(1s);
  ASSERT_TRUE(events_.wait_for(2));
  EXPECT_EQ(events_.log()[1], "unregistered 1001 expired");
  EXPECT_TRUE(adapter_->registrations().empty());
}

}  // namespace
}  // namespace sy::sip
