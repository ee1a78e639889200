// Desktop presence on a manual clock: an agent whose last desktop connection has been gone for
// the grace period is reported once; a reconnect within the grace period is not reported.
#include <gtest/gtest.h>

#include "events/presence.h"

namespace sy::events {
namespace {

using std::chrono::seconds;

struct Recorder : DesktopGoneHandler {
  void on_desktop_gone(std::int64_t user_id, TimePoint since) override {
    gone.push_back({user_id, since});
  }
  std::vector<PresenceTracker::Gone> gone;
};

struct PresenceTest : ::testing::Test {
  ManualClock clock{from_unix_ms(1'795'000'000'000)};
  PresenceTracker presence{seconds(30)};
  Recorder rec;
  void tick() { presence.tick(clock.now(), rec); }
};

TEST_F(PresenceTest, ReportedOnceAfterTheGracePeriod) {
  presence.on_connections(7, 1, clock.now());
  clock.advance(seconds(100));
  TimePoint left = clock.now();
  presence.on_connections(7, 0, left);
  clock.advance(seconds(29));
  tick();
  EXPECT_TRUE(rec.gone.empty());
  clock.advance(seconds(1));
  tick();
  ASSERT_EQ(rec.gone.size(), 1u);
  EXPECT_EQ(rec.gone[0].user_id, 7);
  EXPECT_EQ(rec.gone[0].since, left);
  clock.advance(seconds(300));
  tick();
  EXPECT_EQ(rec.gone.size(), 1u);  // once per absence
}

TEST_F(PresenceTest, ReconnectWithinTheGracePeriodIsNotReported) {
  presence.on_connections(7, 1, clock.now());
  presence.on_connections(7, 0, clock.now());
  clock.advance(seconds(20));
  presence.on_connections(7, 1, clock.now());  // the page reloaded
  clock.advance(seconds(60));
  tick();
  EXPECT_TRUE(rec.gone.empty());
  EXPECT_TRUE(presence.connected(7));
}

TEST_F(PresenceTest, OnlyTheLastConnectionCounts) {
  presence.on_connections(7, 1, clock.now());
  presence.on_connections(7, 2, clock.now());  // a second tab
  presence.on_connections(7, 1, clock.now());  // one tab closed
  clock.advance(seconds(60));
  tick();
  EXPECT_TRUE(rec.gone.empty());
  presence.on_connections(7, 0, clock.now());
  clock.advance(seconds(30));
  tick();
  EXPECT_EQ(rec.gone.size(), 1u);
}

TEST_F(PresenceTest, EachAbsenceCountsFromItsOwnStart) {
  presence.on_connections(1, 1, clock.now());
  presence.on_connections(2, 1, clock.now());
  presence.on_connections(1, 0, clock.now());
  clock.advance(seconds(10));
  presence.on_connections(2, 0, clock.now());
  clock.advance(seconds(20));
  tick();
  ASSERT_EQ(rec.gone.size(), 1u);
  EXPECT_EQ(rec.gone[0].user_id, 1);
  clock.advance(seconds(10));
  tick();
  ASSERT_EQ(rec.gone.size(), 2u);
  EXPECT_EQ(rec.gone[1].user_id, 2);
  // Away again after coming back: a new absence, reported again.
  presence.on_connections(1, 1, clock.now());
  presence.on_connections(1, 0, clock.now());
  clock.advance(seconds(30));
  tick();
  EXPECT_EQ(rec.gone.size(), 3u);
}

TEST_F(PresenceTest, NeverConnectedIsNotAnAbsence) {
  presence.on_connections(9, 0, clock.now());
  clock.advance(seconds(60));
  tick();
  EXPECT_TRUE(rec.gone.empty());
}

}  // namespace
}  // namespace sy::events
