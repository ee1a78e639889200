// The agent's day and the supervisor's hand on it through the API: an agent reads their own
// figures for today (calls answered, average handling, time in states from the history); a
// supervisor forces an agent's state or signs them out, inside their region only, audited.
#include <gtest/gtest.h>

#include "api_harness.h"

namespace sy::test {
namespace {

struct Desk {
  ApiServer s;
  Desk() { s.add_regions(); }

  std::pair<std::int64_t, std::int64_t> agent(const std::string& name, const std::string& ext,
                                              std::optional<std::string> region) {
    std::int64_t user = s.add_user(name, auth::Role::kAgent, region);
    store::NewAgent a;
    a.user_id = user;
    a.extension = ext;
    auto made = s.ctx->repos.agents.create(a);
    if (!made) throw std::runtime_error(made.error().message);
    return {user, made->id};
  }
  Client login(const std::string& name) {
    Client c = s.client();
    auto r = c.login(name, "correct-horse-battery");
    if (r.status != 200) throw std::runtime_error(r.body);
    return c;
  }
  void call(const std::string& id, std::int64_t agent, TimePoint start, int wait_s, int talk_s) {
    store::NewCall c;
    c.id = id;
    c.from_number = "13905918888";
    c.to_number = "95598";
    c.started_at = start;
    ASSERT_TRUE(s.ctx->repos.calls.create(c).ok());
    store::CallAnswered a;
    a.answered_at = start + std::chrono::seconds(wait_s);
    a.agent_id = agent;
    a.queue = "general";
    ASSERT_TRUE(s.ctx->repos.calls.update_on_answer(id, a).ok());
    store::CallFinished f;
    f.ended_at = a.answered_at + std::chrono::seconds(talk_s);
    f.end_reason = "caller_hangup";
    ASSERT_TRUE(s.ctx->repos.calls.finish(id, f).ok());
  }
};

TEST(AgentDeskApi, AnAgentReadsTodaysOwnFigures) {
  Desk d;
  auto [user, agent_id] = d.agent("wang", "1001", "350102");
  auto [other_user, other_id] = d.agent("li", "1002", "350102");
  Client wang = d.login("wang");
  // The clock stands at 2026-11-18 19:06:40 in Beijing. Yesterday's call does not count.
  TimePoint now = d.s.clock.now();
  d.call("c-old", agent_id, now - std::chrono::hours(24), 5, 600);
  d.call("c-1", agent_id, now - std::chrono::hours(2), 10, 180);
  d.call("c-2", agent_id, now - std::chrono::hours(1), 3, 300);
  d.call("c-li", other_id, now - std::chrono::hours(1), 3, 999);

  ASSERT_EQ(wang.post("/api/v1/agents/me/state", {{"state", "ready"}}).status, 200);
  d.s.clock.advance(std::chrono::minutes(30));
  ASSERT_EQ(wang.post("/api/v1/agents/me/state", {{"state", "break"}, {"reason", "meal"}}).status,
            200);
  d.s.clock.advance(std::chrono::minutes(10));

  auto res = wang.get("/api/v1/agents/me/today");
  ASSERT_EQ(res.status, 200) << res.body;
  auto j = res.json();
  EXPECT_EQ(j["calls_answered"], 2);
  EXPECT_EQ(j["average_handling_s"], 240);  // (180 + 300) / 2
  EXPECT_EQ(j["time_in_state_s"]["ready"], 30 * 60);
  EXPECT_EQ(j["time_in_state_s"]["break"], 10 * 60);
  EXPECT_EQ(j["day_started_at"], "2026-11-17T16:00:00.000Z");  // midnight in Beijing

  Client boss = d.s.signed_in(auth::Role::kSupervisor);
  EXPECT_EQ(boss.get("/api/v1/agents/me/today").error_code(), "agent_not_found");
}

TEST(AgentDeskApi, TodayIsTheDayOfTheCentresTimeZone) {
  Desk d;
  d.s.ctx->options.time_zone = "Etc/GMT+5";  // a centre five hours behind UTC
  auto [user, agent_id] = d.agent("wang", "1001", "350102");
  Client wang = d.login("wang");
  // 2026-11-18 11:06:40 UTC = 06:06:40 local: a call at 03:06 local counts, one at 23:06 the
  // evening before does not (in Beijing both would be the same day, 18 November).
  TimePoint now = d.s.clock.now();
  d.call("c-night", agent_id, now - std::chrono::hours(7), 5, 60);
  d.call("c-early", agent_id, now - std::chrono::hours(3), 5, 120);
  auto res = wang.get("/api/v1/agents/me/today");
  ASSERT_EQ(res.status, 200) << res.body;
  auto j = res.json();
  EXPECT_EQ(j["day_started_at"], "2026-11-18T05:00:00.000Z");  // local midnight
  EXPECT_EQ(j["calls_answered"], 1);
  EXPECT_EQ(j["average_handling_s"], 120);
}

TEST(AgentDeskApi, ASupervisorForcesStateAndSignsOutInsideTheirRegion) {
  Desk d;
  auto [fz_user, fz_agent] = d.agent("wang", "1001", "350102");
  auto [xm_user, xm_agent] = d.agent("chen", "1003", "350203");
  Client wang = d.login("wang");
  ASSERT_EQ(wang.post("/api/v1/agents/me/state", {{"state", "ready"}}).status, 200);
  Client boss = d.s.signed_in(auth::Role::kSupervisor, "350100");  // Fuzhou

  auto forced = boss.post("/api/v1/agents/" + std::to_string(fz_agent) + "/state",
                          {{"state", "break"}, {"reason", "coaching"}});
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(forced.json()["state"], "break");
  EXPECT_EQ(forced.json()["state_reason"], "coaching");
  auto history = boss.get("/api/v1/agents/" + std::to_string(fz_agent) + "/state-history");
  EXPECT_EQ(history.json()["items"][0]["source"], "supervisor");

  // Xiamen's agent is not this supervisor's.
  auto out = boss.post("/api/v1/agents/" + std::to_string(xm_agent) + "/state", {{"state", "ready"}});
  EXPECT_EQ(out.status, 404);
  EXPECT_EQ(out.error_code(), "agent_not_found");
  EXPECT_EQ(boss.post("/api/v1/agents/" + std::to_string(fz_agent) + "/state", {{"state", "lunch"}})
                .error_code(),
            "invalid_value");
  // Agents cannot do it to each other.
  EXPECT_EQ(wang.post("/api/v1/agents/" + std::to_string(fz_agent) + "/state", {{"state", "ready"}})
                .status,
            403);

  auto signed_out =
      boss.request("POST", "/api/v1/agents/" + std::to_string(fz_agent) + "/sign-out");
  ASSERT_EQ(signed_out.status, 200) << signed_out.body;
  EXPECT_EQ(signed_out.json()["state"], "offline");
  // The agent's session is over.
  EXPECT_EQ(wang.get("/api/v1/agents/me").status, 401);

  Client admin = d.s.signed_in(auth::Role::kAdmin);
  auto log = admin.get("/api/v1/audit?action=agent.");
  nlohmann::json rows = log.json()["items"];
  std::vector<std::string> actions;
  for (const auto& r : rows) actions.push_back(r["action"]);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "agent.force_state"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "agent.sign_out"), actions.end());
}

TEST(AgentDeskApi, WallboardThresholdsAreTheSameForEveryone) {
  Desk d;
  store::NewQueue nq;
  nq.name = "repair";
  auto queue = d.s.ctx->repos.queues.create(nq);
  ASSERT_TRUE(queue.ok());
  std::string path = "/api/v1/queues/" + std::to_string(queue->id) + "/thresholds";
  Client boss = d.s.signed_in(auth::Role::kSupervisor);
  Client wall = d.s.signed_in(auth::Role::kManager);  // a wall display's sign-in

  // Nobody set them yet: the defaults.
  auto first = wall.get(path);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["waiting"], 10);
  EXPECT_EQ(first.json()["longest_wait_s"], 60);
  EXPECT_EQ(first.json()["service_level_pct"], 80);
  EXPECT_EQ(first.json()["is_default"], true);

  auto set = boss.request("PUT", path, R"({"waiting": 3, "service_level_pct": 90})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["waiting"], 3);
  EXPECT_EQ(set.json()["longest_wait_s"], 60);  // left out: kept
  EXPECT_EQ(set.json()["service_level_pct"], 90);

  // Another display reads what the supervisor set, alone and in the list of every queue.
  auto again = wall.get(path);
  EXPECT_EQ(again.json()["waiting"], 3);
  EXPECT_EQ(again.json()["is_default"], false);
  auto all = wall.get("/api/v1/queue-thresholds");
  ASSERT_EQ(all.status, 200) << all.body;
  bool listed = false;
  nlohmann::json items = all.json()["items"];
  for (const auto& t : items)
    if (t["queue"] == "repair") {
      listed = true;
      EXPECT_EQ(t["waiting"], 3);
      EXPECT_EQ(t["service_level_pct"], 90);
    }
  EXPECT_TRUE(listed) << all.body;

  // Out of range: a clear error naming the field, nothing changed.
  auto bad = boss.request("PUT", path, R"({"service_level_pct": 120, "waiting": 5})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "service_level_pct");
  EXPECT_EQ(wall.get(path).json()["waiting"], 3);
  EXPECT_EQ(boss.request("PUT", "/api/v1/queues/999999/thresholds", R"({"waiting": 1})").status,
            404);
  // Agents read them (their desktop shows queues) but do not set them.
  Client agent = d.s.signed_in(auth::Role::kAgent);
  EXPECT_EQ(agent.get(path).status, 200);
  EXPECT_EQ(agent.request("PUT", path, R"({"waiting": 1})").error_code(), "forbidden");

  Client admin = d.s.signed_in(auth::Role::kAdmin);
  auto log = admin.get("/api/v1/audit?action=queue.thresholds");
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.json()["items"].size(), 1u);
}

}  // namespace
}  // namespace sy::test
