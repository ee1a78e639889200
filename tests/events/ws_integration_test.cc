// The live event stream end to end: the real server on 127.0.0.1 with every API route, real
// WebSocket clients. Sign-in is required (401 in the error shape), pages of another origin are
// refused, an agent sees only their own events, a reconnect with ?since= loses nothing, a slow
// client is dropped while a fast one receives everything, and sign-out closes the stream.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../api/api_harness.h"
#include "events/hub_metrics.h"
#include "ws_client.h"

namespace sy::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Desktop {
  std::int64_t user_id = 0;
  Client http{0};
};

struct EventsServer : ::testing::Test {
  EventsServer() {
    s.add_regions();
    events::register_metrics(s.registry, s.ctx->events);
  }

  Desktop sign_in(const std::string& name, auth::Role role,
                  std::optional<std::string> region = std::nullopt) {
    Desktop d{s.add_user(name, role, std::move(region)), s.client()};
    EXPECT_EQ(d.http.login(name, "correct-horse-battery").status, 200);
    return d;
  }

  std::unique_ptr<WsClient> open(const Desktop& d, const std::string& query = "") {
    auto ws = std::make_unique<WsClient>();
    WsClient::Options o;
    o.cookie = d.http.cookie;
    o.origin = "http://127.0.0.1:" + std::to_string(s.port());
    EXPECT_TRUE(ws->connect(s.port(), "/api/v1/events" + query, o)) << ws->refused_body;
    return ws;
  }

  void wait_for_subscribers(std::size_t n) {
    for (int i = 0; i < 500 && s.ctx->events.stats().subscribers != n; ++i)
      std::this_thread::sleep_for(milliseconds(10));
    ASSERT_EQ(s.ctx->events.stats().subscribers, n);
  }

  std::uint64_t publish_state(std::int64_t agent, const std::string& state) {
    return s.ctx->events.publish(
        events::type::kAgentState, {{"agent_id", agent}, {"state", state}},
        {events::Audience::user(agent), events::Audience::queue("general"),
         events::Audience::region("350102")});
  }

  ApiServer s;
};

TEST_F(EventsServer, SignInIsRequired) {
  WsClient anonymous;
  EXPECT_FALSE(anonymous.connect(s.port(), "/api/v1/events", {}));
  EXPECT_EQ(anonymous.refused_status, 401) << anonymous.error;
  auto body = nlohmann::json::parse(anonymous.refused_body);
  EXPECT_EQ(body["error"]["code"], "not_signed_in");

  WsClient forged;
  WsClient::Options o;
  o.cookie = "sy_session=not-a-real-token";
  EXPECT_FALSE(forged.connect(s.port(), "/api/v1/events", o));
  EXPECT_EQ(forged.refused_status, 401);
  EXPECT_EQ(s.ctx->events.stats().subscribers, 0u);
}

TEST_F(EventsServer, OtherOriginsAndPlainHttpAreRefused) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  WsClient evil;
  WsClient::Options o;
  o.cookie = a.http.cookie;
  o.origin = "http://evil.example";
  EXPECT_FALSE(evil.connect(s.port(), "/api/v1/events", o));
  EXPECT_EQ(evil.refused_status, 403);
  EXPECT_EQ(nlohmann::json::parse(evil.refused_body)["error"]["code"], "origin_not_allowed");

  auto plain = a.http.get("/api/v1/events");
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(plain.error_code(), "upgrade_required");

  WsClient bad_since;
  o.origin.clear();  // a non-browser client sends no Origin
  EXPECT_FALSE(bad_since.connect(s.port(), "/api/v1/events?since=-3", o));
  EXPECT_EQ(bad_since.refused_status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad_since.refused_body)["error"]["field"], "since");
}

TEST_F(EventsServer, AgentSeesOwnEventsSupervisorSeesTheirRegion) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent, "350102");
  Desktop b = sign_in("agent-b", auth::Role::kAgent, "350102");
  Desktop fuzhou = sign_in("sup-fz", auth::Role::kSupervisor, "350100");
  Desktop xiamen = sign_in("sup-xm", auth::Role::kSupervisor, "350200");
  auto wa = open(a);
  auto wb = open(b);
  auto wf = open(fuzhou);
  auto wx = open(xiamen);
  for (auto* w : {wa.get(), wb.get(), wf.get(), wx.get()}) {
    auto hello = w->next();
    ASSERT_TRUE(hello);
    EXPECT_EQ((*hello)["type"], "hello");
  }
  std::uint64_t sa = s.ctx->events.publish(events::type::kAgentState,
                                           {{"agent_id", a.user_id}, {"state", "ready"}},
                                           {events::Audience::user(a.user_id),
                                            events::Audience::region("350102")});
  std::uint64_t sb = s.ctx->events.publish(events::type::kCallOffered,
                                           {{"agent_id", b.user_id}, {"call_id", "c-1"}},
                                           {events::Audience::user(b.user_id),
                                            events::Audience::region("350102")});
  auto ma = wa->next();
  ASSERT_TRUE(ma);
  EXPECT_EQ((*ma)["seq"], sa);
  EXPECT_EQ((*ma)["data"]["state"], "ready");
  auto mb = wb->next();
  ASSERT_TRUE(mb);
  EXPECT_EQ((*mb)["seq"], sb);
  EXPECT_EQ((*mb)["type"], "call.offered");
  // The Fuzhou supervisor (350100 contains 350102) sees both; the Xiamen one neither.
  auto f1 = wf->next();
  auto f2 = wf->next();
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ((*f1)["seq"], sa);
  EXPECT_EQ((*f2)["seq"], sb);
  // Nothing else arrives: agent A never sees B's call, Xiamen sees nothing.
  EXPECT_FALSE(wa->next(milliseconds(200)));
  EXPECT_FALSE(wb->next(milliseconds(50)));
  EXPECT_FALSE(wx->next(milliseconds(50)));
}

TEST_F(EventsServer, AdminChangeReachesTheUserAndAdminsOnly) {
  Desktop admin = sign_in("admin-1", auth::Role::kAdmin);
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  Desktop b = sign_in("agent-b", auth::Role::kAgent);
  auto wadmin = open(admin);
  auto wa = open(a);
  auto wb = open(b);
  auto r = admin.http.patch("/api/v1/users/" + std::to_string(a.user_id),
                            {{"display_name", "张三"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto seen_by_a = wa->next_of_type("user.changed");
  ASSERT_TRUE(seen_by_a);
  EXPECT_EQ((*seen_by_a)["data"]["user"]["display_name"], "张三");
  EXPECT_TRUE(wadmin->next_of_type("user.changed"));
  ASSERT_TRUE(wb->next_of_type("hello"));
  EXPECT_FALSE(wb->next(milliseconds(200)));
}

TEST_F(EventsServer, ResumeAfterDisconnectLosesNothing) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  Desktop b = sign_in("agent-b", auth::Role::kAgent);
  auto wa = open(a);
  auto hello = wa->next();
  ASSERT_TRUE(hello);
  std::string stream = (*hello)["data"]["stream"];
  publish_state(a.user_id, "ready");
  auto first = wa->next();
  ASSERT_TRUE(first);
  std::uint64_t last_seen = (*first)["seq"];
  wa->drop();  // the network goes away
  wait_for_subscribers(0);

  std::vector<std::uint64_t> missed = {publish_state(a.user_id, "on_call")};
  publish_state(b.user_id, "ready");  // not for A
  missed.push_back(publish_state(a.user_id, "wrap_up"));

  auto again = open(a, "?since=" + std::to_string(last_seen) + "&stream=" + stream);
  std::vector<std::uint64_t> got;
  for (int i = 0; i < 2; ++i) {
    auto m = again->next();
    ASSERT_TRUE(m);
    got.push_back((*m)["seq"]);
  }
  EXPECT_EQ(got, missed);
  auto resumed = again->next();
  ASSERT_TRUE(resumed);
  EXPECT_EQ((*resumed)["type"], "hello");
  EXPECT_EQ((*resumed)["data"]["replayed"], 2);
  // And live again.
  std::uint64_t live = publish_state(a.user_id, "ready");
  auto m = again->next();
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["seq"], live);

  // The resume message on an open connection does the same.
  auto third = open(a);
  ASSERT_TRUE(third->next_of_type("hello"));
  third->send(R"({"type":"resume","since":)" + std::to_string(last_seen) + R"(,"stream":")" +
              stream + R"("})");
  std::vector<std::uint64_t> replayed;
  for (int i = 0; i < 3; ++i) {
    auto r = third->next();
    ASSERT_TRUE(r);
    replayed.push_back((*r)["seq"]);
  }
  EXPECT_EQ(replayed, (std::vector<std::uint64_t>{missed[0], missed[1], live}));
}

TEST_F(EventsServer, GapBeyondTheWindowSaysResyncRequired) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  for (std::size_t i = 0; i < events::HubOptions{}.replay_events + 5; ++i)
    s.ctx->events.publish("queue.stats", {{"i", i}}, {events::Audience::queue("general")});
  auto w = open(a, "?since=1");
  auto m = w->next();
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["type"], "resync_required");
  EXPECT_EQ((*m)["data"]["since"], 1);
  // The stream goes on live after it.
  std::uint64_t seq = publish_state(a.user_id, "ready");
  auto live = w->next();
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["seq"], seq);
  // Another server run (a stream id that is not this one's) is also a resync.
  auto other = open(a, "?since=2&stream=0000");
  EXPECT_EQ((*other->next())["type"], "resync_required");
}

TEST_F(EventsServer, SlowClientIsDroppedFastClientGetsEverything) {
  Desktop sup = sign_in("sup-1", auth::Role::kSupervisor);
  auto slow = open(sup);  // never reads until the end
  auto fast = open(sup);
  ASSERT_TRUE(fast->next_of_type("hello"));
  wait_for_subscribers(2);

  std::atomic<std::size_t> received_count{0};
  std::vector<std::uint64_t> published;
  std::vector<std::uint64_t> received;
  std::atomic<std::size_t> total{SIZE_MAX};
  std::thread reader([&] {
    auto give_up = std::chrono::steady_clock::now() + seconds(60);
    while (received_count < total && !fast->closed && std::chrono::steady_clock::now() < give_up) {
      auto m = fast->next(milliseconds(200));
      if (m && (*m)["type"] == "queue.stats") {
        received.push_back((*m)["seq"]);
        ++received_count;
      }
    }
  });
  // 8 KiB events until the slow client's queue (1024) and its socket buffers are full. The
  // fast client keeps up (at most 64 events behind); the slow one reads nothing.
  std::string padding(8192, 'x');
  for (int i = 0; i < 6000 && s.ctx->events.stats().dropped_slow == 0; ++i) {
    while (published.size() > received_count + 64) std::this_thread::sleep_for(milliseconds(1));
    published.push_back(s.ctx->events.publish("queue.stats", {{"i", i}, {"pad", padding}},
                                              {events::Audience::queue("general")}));
  }
  for (int i = 0; i < 20; ++i)
    published.push_back(s.ctx->events.publish("queue.stats", {{"after", i}},
                                              {events::Audience::queue("general")}));
  total = published.size();
  reader.join();
  EXPECT_EQ(s.ctx->events.stats().dropped_slow, 1u);
  EXPECT_EQ(received, published);  // in order, nothing lost

  // The slow client's connection ends (after what was already in its socket buffers).
  while (slow->next(seconds(5))) {
  }
  EXPECT_TRUE(slow->closed);
  wait_for_subscribers(1);
  auto metrics = s.client().get("/metrics");
  EXPECT_NE(metrics.body.find("sy_events_dropped_clients_total 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("sy_events_connected_clients 1"), std::string::npos);
}

TEST_F(EventsServer, SignOutClosesTheStream) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  auto w = open(a);
  ASSERT_TRUE(w->next_of_type("hello"));
  ASSERT_EQ(a.http.post("/api/v1/auth/logout", nlohmann::json::object()).status, 204);
  EXPECT_FALSE(w->next());
  EXPECT_TRUE(w->closed);
  EXPECT_EQ(w->close_code, 4001);
  EXPECT_EQ(w->close_reason, "signed_out");
  wait_for_subscribers(0);
}

TEST_F(EventsServer, PingIsAnsweredAndBadMessagesGetTheErrorShape) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  auto w = open(a);
  ASSERT_TRUE(w->next_of_type("hello"));
  w->send(R"({"type":"ping"})");
  auto pong = w->next();
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["type"], "pong");
  w->send("not json");
  auto err = w->next();
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["type"], "error");
  EXPECT_EQ((*err)["data"]["error"]["code"], "invalid_message");
  // The connection stays usable.
  std::uint64_t seq = publish_state(a.user_id, "ready");
  auto m = w->next();
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["seq"], seq);
}

TEST_F(EventsServer, ServerStopClosesStreamsGoingAway) {
  Desktop a = sign_in("agent-a", auth::Role::kAgent);
  auto w = open(a);
  ASSERT_TRUE(w->next_of_type("hello"));
  std::thread stopper([&] { s.server_->stop(); });
  EXPECT_FALSE(w->next());
  stopper.join();
  EXPECT_TRUE(w->closed);
  EXPECT_EQ(w->close_code, 1001);
  EXPECT_EQ(s.ctx->events.stats().subscribers, 0u);
}

}  // namespace
}  // namespace sy::test

namespace sy::test {
namespace {

TEST_F(EventsServer, DispatchedWorkOrderIsPushedToItsAssignee) {
  Desktop admin = sign_in("admin-1", auth::Role::kAdmin);
  Desktop agent = sign_in("agent-a", auth::Role::kAgent);
  Desktop crew = sign_in("crew-1", auth::Role::kBackoffice, "350102");
  Desktop other = sign_in("crew-2", auth::Role::kBackoffice, "350102");
  auto customer = admin.http.post("/api/v1/customers",
                                  {{"name", "林小美"},
                                   {"region_code", "350102-01"},
                                   {"phones", {"13805910001"}},
                                   {"accounts", {{{"account_no", "3501000001"}}}}});
  ASSERT_EQ(customer.status, 201) << customer.body;
  auto order = agent.http.post("/api/v1/work-orders", {{"type", "repair"},
                                                       {"customer_id", customer.json()["id"]},
                                                       {"description", "家里没电"},
                                                       {"channel", "voice"}});
  ASSERT_EQ(order.status, 201) << order.body;
  auto wcrew = open(crew);
  auto wother = open(other);
  ASSERT_TRUE(wcrew->next_of_type("hello"));
  ASSERT_TRUE(wother->next_of_type("hello"));
  auto dispatched = agent.http.post(
      "/api/v1/work-orders/" + std::to_string(order.json()["id"].get<std::int64_t>()) +
          "/transitions",
      {{"action", "dispatch"}, {"assignee_id", crew.user_id}, {"note", "请尽快到场"}});
  ASSERT_EQ(dispatched.status, 200) << dispatched.body;
  auto push = wcrew->next_of_type("work_order.assigned");
  ASSERT_TRUE(push);
  EXPECT_EQ((*push)["data"]["work_order"]["number"], order.json()["number"]);
  EXPECT_EQ((*push)["data"]["note"], "请尽快到场");
  EXPECT_FALSE(wother->next(milliseconds(200)));
}

}  // namespace
}  // namespace sy::test
