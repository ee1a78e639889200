// The SMS worker's bookkeeping on the real outbox (SQLite and PostgreSQL) with a manual clock:
// sent once accepted, retried with doubling backoff on transport failures, given up after
// max_attempts or at once when Kannel refuses. The sender here records and answers as told;
// the real Kannel sender is exercised against a real Kannel in kannel_sms_test.
#include "notify/sms_worker.h"

#include <deque>

#include "store/repo_test_support.h"

namespace sy::notify {
namespace {

using std::chrono::seconds;
using store::testing::RepoTest;

class ScriptedSender final : public SmsSender {
 public:
  SendOutcome send(const std::string& to, const std::string& text) override {
    sent.emplace_back(to, text);
    if (answers.empty()) return {SendOutcome::Kind::kSent, "202 0: Accepted for delivery"};
    SendOutcome a = answers.front();
    answers.pop_front();
    return a;
  }
  std::deque<SendOutcome> answers;
  std::vector<std::pair<std::string, std::string>> sent;
};

class SmsWorkerTest : public RepoTest {
 protected:
  void queue(const std::string& to, const std::string& text) {
    Status st = db_->write([&](store::Connection& conn) {
      return store::sms_sql::enqueue(conn, to, text, "work_order.assigned", std::nullopt,
                                     clock_.now());
    });
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  store::SmsMessage only() {
    auto all = repos_->sms_outbox.recent();
    EXPECT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 1u);
    return all->front();
  }
};

TEST_P(SmsWorkerTest, RetriesWithBackoffThenSends) {
  ScriptedSender sender;
  SmsWorkerOptions options;
  options.first_backoff = seconds(10);
  options.max_backoff = seconds(25);
  SmsWorker worker(repos_->sms_outbox, sender, clock_, options);
  EXPECT_EQ(worker.backoff(1), seconds(10));
  EXPECT_EQ(worker.backoff(2), seconds(20));
  EXPECT_EQ(worker.backoff(3), seconds(25));
  queue("13900001234", "工单已派给您");
  sender.answers = {{SendOutcome::Kind::kRetry, "connect: Connection refused"},
                    {SendOutcome::Kind::kRetry, "503 Service unavailable"}};
  EXPECT_EQ(worker.run_once(), 0);
  EXPECT_EQ(only().attempts, 1);
  EXPECT_EQ(only().state, "queued");
  EXPECT_EQ(only().last_error, "connect: Connection refused");
  EXPECT_EQ(only().next_attempt_at, clock_.now() + seconds(10));
  clock_.advance(seconds(9));
  EXPECT_EQ(worker.run_once(), 0);
  EXPECT_EQ(sender.sent.size(), 1u);  // not due yet
  clock_.advance(seconds(1));
  EXPECT_EQ(worker.run_once(), 0);
  EXPECT_EQ(only().attempts, 2);
  EXPECT_EQ(only().next_attempt_at, clock_.now() + seconds(20));
  clock_.advance(seconds(20));
  EXPECT_EQ(worker.run_once(), 1);
  EXPECT_EQ(only().state, "sent");
  EXPECT_EQ(only().attempts, 3);
  EXPECT_EQ(only().sent_at, clock_.now());
  ASSERT_EQ(sender.sent.size(), 3u);
  EXPECT_EQ(sender.sent[2].first, "13900001234");
  EXPECT_EQ(sender.sent[2].second, "工单已派给您");
  clock_.advance(seconds(60));
  EXPECT_EQ(worker.run_once(), 0);  // sent once only
  EXPECT_EQ(sender.sent.size(), 3u);
}

TEST_P(SmsWorkerTest, RefusalsAndExhaustedRetriesEndAsFailed) {
  ScriptedSender sender;
  SmsWorkerOptions options;
  options.max_attempts = 2;
  SmsWorker worker(repos_->sms_outbox, sender, clock_, options);
  queue("13900001234", "a");
  sender.answers = {{SendOutcome::Kind::kRejected, "403 Authorization failed for sendsms"}};
  worker.run_once();
  EXPECT_EQ(only().state, "failed");
  EXPECT_EQ(only().last_error, "403 Authorization failed for sendsms");
  clock_.advance(std::chrono::hours(1));
  worker.run_once();
  EXPECT_EQ(sender.sent.size(), 1u);

  auto first = only().id;
  queue("13900005678", "b");
  sender.answers = {{SendOutcome::Kind::kRetry, "timed out"}, {SendOutcome::Kind::kRetry, "timed out"}};
  worker.run_once();
  clock_.advance(std::chrono::hours(1));
  worker.run_once();
  auto all = repos_->sms_outbox.recent();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_NE(all->front().id, first);
  EXPECT_EQ(all->front().state, "failed");
  EXPECT_EQ(all->front().attempts, 2);
}

TEST(KannelSender, RefusesAUrlItCannotUse) {
  for (const char* url : {"https://127.0.0.1:13013", "127.0.0.1:13013", "http://:13013",
                          "http://host:abc"}) {
    auto s = KannelSender::create(KannelOptions{url, "u", "p", ""});
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.error().code, "invalid_kannel_url");
  }
  EXPECT_TRUE(KannelSender::create(KannelOptions{"http://127.0.0.1:13013", "u", "p", ""}).ok());
  EXPECT_EQ(url_encode("工单 a&b"), "%E5%B7%A5%E5%8D%95%20a%26b");
}

TEST(KannelSender, NothingListeningIsATransportFailureToRetry) {
  // Port 1 on the loopback: refused at once.
  auto s = KannelSender::create(KannelOptions{"http://127.0.0.1:1", "u", "p", ""});
  ASSERT_TRUE(s.ok());
  SendOutcome out = (*s)->send("13900001234", "x");
  EXPECT_EQ(out.kind, SendOutcome::Kind::kRetry);
  EXPECT_NE(out.detail.find("connect"), std::string::npos) << out.detail;
}

SY_STORE_TEST_BOTH_BACKENDS(SmsWorkerTest);

}  // namespace
}  // namespace sy::notify
