// Call records and recordings as telephony writes them and the call list reads them.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <set>

#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class CallRepoTest : public RepoTest {
 protected:
  std::int64_t add_agent(const std::string& username, const std::string& extension) {
    NewUser u;
    u.username = username;
    u.role = auth::Role::kAgent;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    auto user = repos_->users.create(u);
    EXPECT_TRUE(user.ok());
    NewAgent a;
    a.user_id = user.ok() ? user->id : 0;
    a.extension = extension;
    auto agent = repos_->agents.create(a);
    EXPECT_TRUE(agent.ok());
    return agent.ok() ? agent->id : 0;
  }
  template <class Fn>
  Status wait(Fn&& submit) {
    std::promise<Status> p;
    submit([&p](Status st) { p.set_value(st); });
    return p.get_future().get();
  }
};

TEST_P(CallRepoTest, ACallIsCreatedAnsweredAndFinishedThroughTheWriter) {
  seed_regions();
  std::int64_t agent = add_agent("agent1", "8001");
  TimePoint t0 = clock_.now();
  NewCall call{"c-0001", "inbound", "13800000001", "95598", std::nullopt, "350102-01", t0};
  SY_ASSERT_OK(wait([&](auto done) { repos_->calls.create(call, done); }));
  SY_EXPECT_CODE(repos_->calls.create(call), "call_exists");

  auto fresh = repos_->calls.get("c-0001");
  SY_ASSERT_OK(fresh);
  EXPECT_FALSE(fresh->ended_at.has_value());
  EXPECT_EQ(fresh->from_number, "13800000001");

  CallAnswered answered{t0 + std::chrono::seconds(40), agent, "repair", 12,
                        "offered to agent agent1 by longest_idle", "r-0001"};
  SY_ASSERT_OK(wait([&](auto done) { repos_->calls.update_on_answer("c-0001", answered, done); }));
  CallFinished finished;
  finished.ended_at = t0 + std::chrono::seconds(200);
  finished.end_reason = "caller_hangup";
  finished.ivr_path = {"welcome", "menu", "bill_login", "pin", "repair_queue"};
  finished.digits = {collected_digits("menu", "1", false), collected_digits("pin", "123456", true)};
  finished.survey_answers = {{"satisfaction", "satisfaction", "1"}, {"satisfaction", "again", ""}};
  SY_ASSERT_OK(wait([&](auto done) { repos_->calls.finish("c-0001", finished, done); }));
  SY_ASSERT_OK(repos_->recordings.create(
      {"r-0001", "c-0001", "/var/rec/r-0001.wav", RecordingFormat::kWav, 160000, 2560044, t0}));
  SY_ASSERT_OK(repos_->recordings.update_file("r-0001", "/var/rec/r-0001.mp3",
                                              RecordingFormat::kMp3, 160000, 320000));

  auto done = repos_->calls.get("c-0001");
  SY_ASSERT_OK(done);
  EXPECT_EQ(done->agent_id, agent);
  EXPECT_EQ(done->agent_username, "agent1");
  EXPECT_EQ(done->queue, "repair");
  EXPECT_EQ(done->wait_s, 12);
  EXPECT_EQ(done->end_reason, "caller_hangup");
  EXPECT_EQ(done->ivr_path, finished.ivr_path);
  ASSERT_EQ(done->digits.size(), 2u);
  EXPECT_EQ(done->digits[1].digits, "******");  // the PIN never reaches the database
  EXPECT_EQ(done->survey_answers, finished.survey_answers);  // "" : no valid answer
  EXPECT_TRUE(fresh->survey_answers.empty());
  EXPECT_EQ(done->recording_id, "r-0001");
  EXPECT_EQ(done->routing_reason, "offered to agent agent1 by longest_idle");
  auto rec = repos_->recordings.get("r-0001");
  SY_ASSERT_OK(rec);
  EXPECT_EQ(rec->format, RecordingFormat::kMp3);
  EXPECT_EQ(rec->size_bytes, 320000);

  SY_EXPECT_CODE(repos_->calls.finish("nope", finished), "call_not_found");
  SY_EXPECT_CODE(repos_->calls.get("bad id!"), "call_not_found");
  SY_EXPECT_CODE(repos_->recordings.create({"r-2", "nope", "/x.wav", RecordingFormat::kWav, 0, 0, t0}),
                 "call_not_found");
  call.id = "bad id";
  SY_EXPECT_CODE(repos_->calls.create(call), "invalid_call_id");
}

TEST_P(CallRepoTest, ListFiltersByNumberAgentQueueRegionAndTime) {
  seed_regions();
  std::int64_t a1 = add_agent("a1", "8001"), a2 = add_agent("a2", "8002");
  TimePoint t0 = clock_.now();
  for (int i = 0; i < 6; ++i) {
    std::string id = cat("c-", i);
    NewCall c{id, "inbound", i % 2 ? "13800000001" : "13900000002", "95598", std::nullopt,
              i < 3 ? "350102-01" : "350203-01", t0 + std::chrono::minutes(i)};
    SY_ASSERT_OK(repos_->calls.create(c));
    SY_ASSERT_OK(repos_->calls.update_on_answer(
        id, {t0 + std::chrono::minutes(i) + std::chrono::seconds(5), i % 3 ? a1 : a2,
             i < 4 ? "general" : "repair", 5, "", std::nullopt}));
  }
  auto all = repos_->calls.list({}, {1, 4});
  SY_ASSERT_OK(all);
  EXPECT_EQ(all->total, 6);
  ASSERT_EQ(all->items.size(), 4u);
  EXPECT_EQ(all->items[0].id, "c-5");  // newest first

  CallFilter f;
  f.from_number = "13800000001";
  EXPECT_EQ(repos_->calls.list(f, {1, 50})->total, 3);
  f = {};
  f.agent_id = a2;
  EXPECT_EQ(repos_->calls.list(f, {1, 50})->total, 2);
  f = {};
  f.queue = "repair";
  EXPECT_EQ(repos_->calls.list(f, {1, 50})->total, 2);
  f = {};
  f.scope = "350200";
  EXPECT_EQ(repos_->calls.list(f, {1, 50})->total, 3);
  f = {};
  f.from = t0 + std::chrono::minutes(2);
  f.to = t0 + std::chrono::minutes(4);
  EXPECT_EQ(repos_->calls.list(f, {1, 50})->total, 2);
  SY_EXPECT_CODE(repos_->calls.list({}, {0, 50}), "invalid_page");
}

// The child: telephony finishing calls as fast as it can, reporting each finish the writer
// acknowledged, until killed. Plain code only (no gtest) after fork.
[[noreturn]] void finish_calls_until_killed(const std::string& url, int ack_fd) {
  auto db = Database::open(url);
  if (!db) _exit(3);
  CallRepository calls(**db);
  std::atomic<int> failures{0};
  for (std::int64_t i = 1;; ++i) {
    std::string id = cat("k-", i);
    TimePoint t0 = from_unix_ms(1'795'000'000'000 + i);
    calls.create({id, "inbound", "13800000001", "95598", std::nullopt, std::nullopt, t0},
                 [&](Status st) { if (!st) ++failures; });
    CallFinished f;
    f.ended_at = t0 + std::chrono::seconds(60);
    f.end_reason = "caller_hangup";
    f.ivr_path = {"welcome", "menu"};
    calls.finish(id, f, [ack_fd, i, &failures](Status st) {
      if (!st || failures > 0) _exit(4);
      if (write(ack_fd, &i, sizeof i) != sizeof i) _exit(5);
    });
    if (i % 32 == 0) usleep(1000);  // let the writer group what is queued
  }
}

TEST_P(CallRepoTest, AnEndedCallsRecordSurvivesKillOnceAcknowledged) {
  repos_.reset();
  db_.reset();  // the child opens its own
  std::string db_url = url();
  KilledChild run =
      acked_until_killed([&](int ack_fd) { finish_calls_until_killed(db_url, ack_fd); }, 200);
  ASSERT_GE(run.acked.size(), 200u) << "the child stopped early (status " << run.status << ")";
  EXPECT_TRUE(WIFSIGNALED(run.status));
  const std::set<std::int64_t>& acked = run.acked;

  db_ = open_db(false);
  ASSERT_NE(db_, nullptr);
  CallRepository calls(*db_);
  for (std::int64_t i : acked) {
    auto call = calls.get(cat("k-", i));
    ASSERT_TRUE(call.ok()) << "acknowledged call k-" << i << " is gone";
    EXPECT_EQ(call->end_reason, "caller_hangup");
    EXPECT_EQ(call->ivr_path, (std::vector<std::string>{"welcome", "menu"}));
  }
}

SY_STORE_TEST_BOTH_BACKENDS(CallRepoTest);

}  // namespace
}  // namespace sy::store::testing
