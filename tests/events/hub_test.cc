// The hub: sequence numbers, filtering per subscriber, resume from the replay window or a
// clear resync_required, bounded queues that drop only the slow subscriber, and session close.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "events/hub.h"

namespace sy::events {
namespace {

nlohmann::json next_json(Subscription& s) {
  auto m = s.pop();
  if (!m) return nullptr;
  if (!m->text) return {{"closed", m->close_reason}};
  return nlohmann::json::parse(*m->text);
}

std::vector<nlohmann::json> drain(Subscription& s) {
  std::vector<nlohmann::json> out;
  for (auto j = next_json(s); !j.is_null(); j = next_json(s)) out.push_back(j);
  return out;
}

std::vector<std::uint64_t> seqs_of_type(const std::vector<nlohmann::json>& msgs,
                                        const std::string& type) {
  std::vector<std::uint64_t> out;
  for (const auto& m : msgs)
    if (m.value("type", "") == type) out.push_back(m["seq"].get<std::uint64_t>());
  return out;
}

struct HubTest : ::testing::Test {
  ManualClock clock{from_unix_ms(1'795'000'000'000)};

  std::shared_ptr<Subscription> agent(EventHub& hub, std::int64_t id,
                                      std::optional<std::uint64_t> since = std::nullopt,
                                      std::function<void()> wake = {}) {
    EventHub::SubscribeRequest r;
    r.interest = interest_for(id, auth::Role::kAgent, "");
    r.session_key = "session-" + std::to_string(id);
    r.since = since;
    r.wake = std::move(wake);
    return hub.subscribe(std::move(r));
  }
};

TEST_F(HubTest, EventShapeAndIncreasingSequence) {
  EventHub hub(clock);
  auto a = agent(hub, 1);
  auto hello = next_json(*a);
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["seq"], 0);
  EXPECT_EQ(hello["data"]["stream"], hub.stream_id());
  std::uint64_t s1 = hub.publish("agent.state", {{"state", "ready"}}, {Audience::user(1)});
  clock.advance(std::chrono::milliseconds(1500));
  std::uint64_t s2 = hub.publish("agent.state", {{"state", "break"}}, {Audience::user(1)});
  EXPECT_LT(s1, s2);
  auto m1 = next_json(*a);
  auto m2 = next_json(*a);
  EXPECT_EQ(m1["type"], "agent.state");
  EXPECT_EQ(m1["at"], "2026-11-18T11:06:40.000Z");
  EXPECT_EQ(m2["at"], "2026-11-18T11:06:41.500Z");
  EXPECT_EQ(m1["seq"], s1);
  EXPECT_EQ(m2["data"]["state"], "break");
  EXPECT_EQ(m1.size(), 4u);  // type, at, seq, data
  EXPECT_TRUE(next_json(*a).is_null());
}

TEST_F(HubTest, AgentDoesNotSeeAnotherAgentsEvents) {
  EventHub hub(clock);
  auto a = agent(hub, 1);
  auto b = agent(hub, 2);
  hub.publish("call.offered", {{"call_id", "c1"}}, {Audience::user(1), Audience::queue("general")});
  hub.publish("call.offered", {{"call_id", "c2"}}, {Audience::user(2), Audience::queue("general")});
  auto am = drain(*a);
  auto bm = drain(*b);
  ASSERT_EQ(am.size(), 2u);  // hello + own call
  ASSERT_EQ(bm.size(), 2u);
  EXPECT_EQ(am[1]["data"]["call_id"], "c1");
  EXPECT_EQ(bm[1]["data"]["call_id"], "c2");
}

TEST_F(HubTest, ResumeGetsEverythingMissedThenHello) {
  EventHub hub(clock);
  auto a = agent(hub, 1);
  hub.publish("agent.state", {{"n", 1}}, {Audience::user(1)});
  auto seen = drain(*a);
  std::uint64_t last = seen.back()["seq"];
  a->cancel();
  // While disconnected: two for this agent, one for somebody else.
  std::uint64_t m1 = hub.publish("agent.state", {{"n", 2}}, {Audience::user(1)});
  hub.publish("agent.state", {{"n", 3}}, {Audience::user(2)});
  std::uint64_t m3 = hub.publish("call.offered", {{"n", 4}}, {Audience::user(1)});
  auto again = agent(hub, 1, last);
  auto msgs = drain(*again);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0]["seq"], m1);
  EXPECT_EQ(msgs[1]["seq"], m3);
  EXPECT_EQ(msgs[2]["type"], "hello");
  EXPECT_EQ(msgs[2]["seq"], m3);
  EXPECT_EQ(msgs[2]["data"]["replayed"], 2);
  // Live events continue after the replay.
  std::uint64_t m5 = hub.publish("agent.state", {{"n", 5}}, {Audience::user(1)});
  EXPECT_EQ(seqs_of_type(drain(*again), "agent.state"), std::vector<std::uint64_t>{m5});
}

TEST_F(HubTest, ResumeFromTheCurrentSequenceReplaysNothing) {
  EventHub hub(clock);
  hub.publish("x", {}, {Audience::user(1)});
  auto a = agent(hub, 1, hub.last_seq());
  auto msgs = drain(*a);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["type"], "hello");
  EXPECT_EQ(msgs[0]["data"]["replayed"], 0);
}

TEST_F(HubTest, GapBeyondTheWindowAsksForResync) {
  HubOptions o;
  o.replay_events = 3;
  EventHub hub(clock, o);
  for (int i = 0; i < 5; ++i) hub.publish("x", {{"i", i}}, {Audience::user(1)});
  // Seq 1 and 2 fell out of the window: a client that saw only seq 1 missed seq 2.
  auto a = agent(hub, 1, 1);
  auto msgs = drain(*a);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["type"], "resync_required");
  EXPECT_EQ(msgs[0]["seq"], 5);
  EXPECT_EQ(msgs[0]["data"]["since"], 1);
  EXPECT_EQ(msgs[0]["data"]["oldest_seq"], 3);
  // A client that saw seq 2 still gets 3, 4, 5.
  auto b = agent(hub, 1, 2);
  EXPECT_EQ(seqs_of_type(drain(*b), "x"), (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST_F(HubTest, OldEventsLeaveTheWindowByAge) {
  HubOptions o;
  o.replay_max_age = std::chrono::seconds(60);
  EventHub hub(clock, o);
  hub.publish("x", {}, {Audience::user(1)});
  hub.publish("x", {}, {Audience::user(1)});
  clock.advance(std::chrono::seconds(61));
  auto a = agent(hub, 1, 1);
  EXPECT_EQ(drain(*a).at(0)["type"], "resync_required");
  EXPECT_EQ(hub.stats().window_events, 0u);
}

TEST_F(HubTest, SequenceFromAnotherServerRunAsksForResync) {
  EventHub hub(clock);
  hub.publish("x", {}, {Audience::user(1)});
  auto future = agent(hub, 1, 500);
  EXPECT_EQ(drain(*future).at(0)["type"], "resync_required");
  EventHub::SubscribeRequest r;
  r.interest = interest_for(1, auth::Role::kAgent, "");
  r.since = 0;
  r.stream = "another-run";
  auto other = hub.subscribe(std::move(r));
  auto msgs = drain(*other);
  EXPECT_EQ(msgs.at(0)["type"], "resync_required");
  EXPECT_EQ(msgs.at(0)["data"]["since_stream"], "another-run");
}

TEST_F(HubTest, SlowSubscriberIsDroppedOthersKeepEverything) {
  HubOptions o;
  o.subscriber_queue = 8;
  EventHub hub(clock, o);
  auto slow = agent(hub, 1);
  auto fast = agent(hub, 1);
  drain(*fast);
  std::vector<std::uint64_t> published, received;
  for (int i = 0; i < 50; ++i) {
    published.push_back(hub.publish("x", {{"i", i}}, {Audience::user(1)}));
    for (auto& m : drain(*fast)) received.push_back(m["seq"]);
  }
  EXPECT_EQ(received, published);
  // The slow one never read: after its hello and 8 queued events the next overflowed.
  auto m = next_json(*slow);
  EXPECT_EQ(m["closed"], kSlowConsumer);
  EXPECT_TRUE(next_json(*slow).is_null());
  auto st = hub.stats();
  EXPECT_EQ(st.dropped_slow, 1u);
  EXPECT_EQ(st.subscribers, 1u);
}

TEST_F(HubTest, ReplayLargerThanTheQueueIsNotAnOverflow) {
  HubOptions o;
  o.subscriber_queue = 4;
  EventHub hub(clock, o);
  for (int i = 0; i < 20; ++i) hub.publish("x", {}, {Audience::user(1)});
  auto a = agent(hub, 1, 0);
  hub.publish("x", {}, {Audience::user(1)});
  auto msgs = drain(*a);
  EXPECT_EQ(seqs_of_type(msgs, "x").size(), 21u);
  EXPECT_EQ(hub.stats().dropped_slow, 0u);
}

TEST_F(HubTest, WakeOnlyWhenTheQueueBecomesNonEmpty) {
  EventHub hub(clock);
  int wakes = 0;
  auto a = agent(hub, 1, std::nullopt, [&] { ++wakes; });
  drain(*a);
  hub.publish("x", {}, {Audience::user(1)});
  hub.publish("x", {}, {Audience::user(1)});
  hub.publish("x", {}, {Audience::user(2)});
  EXPECT_EQ(wakes, 1);
  drain(*a);
  hub.publish("x", {}, {Audience::user(1)});
  EXPECT_EQ(wakes, 2);
}

TEST_F(HubTest, SignOutClosesThatSessionsSubscriptions) {
  EventHub hub(clock);
  auto a = agent(hub, 1);
  auto b = agent(hub, 2);
  drain(*a);
  drain(*b);
  hub.close_session("session-1", kSignedOut);
  EXPECT_EQ(next_json(*a)["closed"], kSignedOut);
  EXPECT_TRUE(next_json(*b).is_null());
  hub.publish("x", {}, {Audience::everyone()});
  EXPECT_TRUE(next_json(*a).is_null());
  EXPECT_EQ(next_json(*b)["type"], "x");
  EXPECT_EQ(hub.stats().subscribers, 1u);
}

TEST_F(HubTest, ConnectionListenerCountsPerUser) {
  EventHub hub(clock);
  std::vector<std::pair<std::int64_t, int>> changes;
  hub.set_connection_listener(
      [&](std::int64_t user, int n, TimePoint) { changes.emplace_back(user, n); });
  auto a1 = agent(hub, 1);
  auto a2 = agent(hub, 1);
  auto b = agent(hub, 2);
  a1->cancel();
  a1->cancel();  // idempotent
  a2.reset();    // dropping the handle unsubscribes
  std::vector<std::pair<std::int64_t, int>> want = {{1, 1}, {1, 2}, {2, 1}, {1, 1}, {1, 0}};
  EXPECT_EQ(changes, want);
}

TEST_F(HubTest, HandleOutlivingTheHubIsHarmless) {
  std::shared_ptr<Subscription> a;
  {
    EventHub hub(clock);
    a = agent(hub, 1);
    drain(*a);
  }
  EXPECT_EQ(next_json(*a)["closed"], kShuttingDown);
  a.reset();
}

TEST_F(HubTest, ConcurrentPublishersKeepOneOrder) {
  SystemClock& wall = SystemClock::instance();
  EventHub hub(wall);
  std::atomic<int> wakes{0};
  EventHub::SubscribeRequest r;
  r.interest = interest_for(1, auth::Role::kAdmin, "");
  r.wake = [&] { ++wakes; };
  auto sup = hub.subscribe(std::move(r));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&hub, t] {
      for (int i = 0; i < 200; ++i) hub.publish("x", {{"t", t}}, {Audience::queue("general")});
    });
  std::vector<std::uint64_t> got;
  while (got.size() < 800) {
    if (auto m = sup->pop(); m && m->text) {
      auto j = nlohmann::json::parse(*m->text);
      if (j["type"] == "x") got.push_back(j["seq"]);
    } else {
      std::this_thread::yield();
    }
  }
  for (auto& th : threads) th.join();
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i + 1);
}

}  // namespace
}  // namespace sy::events
