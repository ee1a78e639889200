// Call control through the API: an agent acts on their own live call only, each action reaches
// the telephony side with what the agent asked (target, digits, IVR node), bad bodies are
// refused before anything reaches the phone, a supervisor listens / whispers / barges only on
// calls they supervise (and it is audited), and without telephony every action answers 503.
// The telephony side here is a double that records requests: the real one is tested with SIP.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "api_harness.h"

namespace sy::test {
namespace {

class RecordingCallControl final : public api::CallControlPort {
 public:
  struct Request {
    std::string action;
    std::string call_id;
    api::CallActor by;
    std::string detail;  // target, digits, node or mode
  };

  std::map<std::string, api::LiveCall> calls;
  std::vector<Request> requests;
  std::optional<Error> fail_next;

  Result<api::LiveCall> find(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = calls.find(id);
    if (it == calls.end())
      return make_error(ErrorKind::kNotFound, "call_not_found", "no live call " + id);
    return it->second;
  }
  Status answer(const std::string& id, const api::CallActor& by) override {
    return record("answer", id, by, "");
  }
  Status hangup(const std::string& id, const api::CallActor& by) override {
    return record("hangup", id, by, "");
  }
  Status hold(const std::string& id, const api::CallActor& by) override {
    return record("hold", id, by, "");
  }
  Status resume(const std::string& id, const api::CallActor& by) override {
    return record("resume", id, by, "");
  }
  Status mute(const std::string& id, const api::CallActor& by) override {
    return record("mute", id, by, "");
  }
  Status unmute(const std::string& id, const api::CallActor& by) override {
    return record("unmute", id, by, "");
  }
  Status send_dtmf(const std::string& id, const api::CallActor& by,
                   const std::string& digits) override {
    return record("dtmf", id, by, digits);
  }
  Status blind_transfer(const std::string& id, const api::CallActor& by,
                        const api::CallTarget& to) override {
    return record("transfer", id, by, target(to));
  }
  Status consult(const std::string& id, const api::CallActor& by,
                 const api::CallTarget& to) override {
    return record("consult", id, by, target(to));
  }
  Status complete_transfer(const std::string& id, const api::CallActor& by) override {
    return record("complete_transfer", id, by, "");
  }
  Status cancel_consult(const std::string& id, const api::CallActor& by) override {
    return record("cancel_consult", id, by, "");
  }
  Status conference(const std::string& id, const api::CallActor& by) override {
    return record("conference", id, by, "");
  }
  Status transfer_to_ivr(const std::string& id, const api::CallActor& by,
                         const std::string& node) override {
    return record("ivr", id, by, node);
  }
  Status monitor(const std::string& id, const api::CallActor& by, api::MonitorMode mode) override {
    return record("monitor", id, by, std::string(api::to_string(mode)));
  }
  Result<std::vector<api::ReturnPoint>> return_points(const std::string& id,
                                                      const api::CallActor& by) override {
    SY_TRY(record("return_points", id, by, ""));
    return points;
  }
  std::vector<api::ReturnPoint> points = {{"satisfaction_survey", "满意度调查", "Satisfaction survey"},
                                          {"agent_pin", "密码验证", "PIN check"}};

 private:
  static std::string target(const api::CallTarget& t) {
    return (t.kind == api::CallTarget::Kind::kExtension ? "extension:" : "queue:") + t.name;
  }
  Status record(std::string action, const std::string& id, const api::CallActor& by,
                std::string detail) {
    std::lock_guard lock(mu_);
    if (fail_next) {
      Error e = *fail_next;
      fail_next.reset();
      return e;
    }
    requests.push_back({std::move(action), id, by, std::move(detail)});
    return {};
  }
  std::mutex mu_;
};

struct Fixture {
  ApiServer s;
  RecordingCallControl phone;

  Fixture() {
    s.add_regions();
    s.ctx->call_control = &phone;
  }
  // A signed-in user with an agent row (extension) of that role.
  std::pair<Client, std::int64_t> person(const std::string& name, auth::Role role,
                                         const std::string& extension,
                                         std::optional<std::string> region = std::nullopt) {
    std::int64_t user = s.add_user(name, role, region);
    store::NewAgent a;
    a.user_id = user;
    a.extension = extension;
    a.sip_realm = "switchyard.local";
    a.sip_ha1 = "0123456789abcdef0123456789abcdef";
    auto agent = s.ctx->repos.agents.create(a);
    if (!agent) throw std::runtime_error(agent.error().message);
    Client c = s.client();
    auto login = c.login(name, "correct-horse-battery");
    if (login.status != 200) throw std::runtime_error(login.body);
    return {c, agent->id};
  }
  void live(const std::string& id, std::optional<std::int64_t> agent, std::string queue = "general",
            std::optional<std::string> region = "350102") {
    phone.calls[id] = api::LiveCall{id, agent, std::move(queue), std::move(region), "talking"};
  }
};

TEST(CallControlApi, AgentControlsOwnCallAndEachRequestReachesThePhone) {
  Fixture f;
  auto [agent, agent_id] = f.person("wang", auth::Role::kAgent, "1001");
  f.live("c-1", agent_id);

  struct Step {
    std::string path;
    nlohmann::json body;
    std::string action;
    std::string detail;
  };
  std::vector<Step> steps = {
      {"answer", nullptr, "answer", ""},
      {"hold", nullptr, "hold", ""},
      {"unhold", nullptr, "resume", ""},
      {"resume", nullptr, "resume", ""},
      {"mute", nullptr, "mute", ""},
      {"unmute", nullptr, "unmute", ""},
      {"dtmf", {{"digits", "12#"}}, "dtmf", "12#"},
      {"consult", {{"extension", "1002"}}, "consult", "extension:1002"},
      {"conference", nlohmann::json::object(), "conference", ""},
      {"complete-transfer", nullptr, "complete_transfer", ""},
      {"cancel-consult", nullptr, "cancel_consult", ""},
      {"transfer", {{"queue", "repair"}}, "transfer", "queue:repair"},
      {"ivr", {{"node", "survey"}}, "ivr", "survey"},
      {"hangup", nullptr, "hangup", ""},
  };
  for (const auto& step : steps) {
    SCOPED_TRACE(step.path);
    auto res = step.body.is_null()
                   ? agent.request("POST", "/api/v1/calls/c-1/" + step.path)
                   : agent.post("/api/v1/calls/c-1/" + step.path, step.body);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.json()["call_id"], "c-1");
    ASSERT_FALSE(f.phone.requests.empty());
    const auto& asked = f.phone.requests.back();
    EXPECT_EQ(asked.action, step.action);
    EXPECT_EQ(asked.call_id, "c-1");
    EXPECT_EQ(asked.detail, step.detail);
    EXPECT_EQ(asked.by.agent_id, agent_id);
    EXPECT_EQ(asked.by.extension, "1001");
  }
  EXPECT_EQ(f.phone.requests.size(), steps.size());
}

TEST(CallControlApi, AgentCannotTouchAnotherAgentsCall) {
  Fixture f;
  auto [wang, wang_id] = f.person("wang", auth::Role::kAgent, "1001");
  auto [li, li_id] = f.person("li", auth::Role::kAgent, "1002");
  f.live("c-li", li_id);
  f.live("c-ivr", std::nullopt);  // still in the IVR: nobody's call yet

  for (const char* action : {"answer", "hangup", "hold", "mute"}) {
    auto res = wang.request("POST", std::string("/api/v1/calls/c-li/") + action);
    EXPECT_EQ(res.status, 403) << action;
    EXPECT_EQ(res.error_code(), "not_your_call");
  }
  EXPECT_EQ(wang.post("/api/v1/calls/c-li/transfer", {{"extension", "1001"}}).error_code(),
            "not_your_call");
  EXPECT_EQ(wang.request("POST", "/api/v1/calls/c-ivr/answer").error_code(), "not_your_call");
  auto gone = wang.request("POST", "/api/v1/calls/c-none/hangup");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_code(), "call_not_found");
  // Agents never listen in.
  auto listen = wang.request("POST", "/api/v1/calls/c-li/listen");
  EXPECT_EQ(listen.status, 403);
  EXPECT_EQ(listen.error_code(), "forbidden");
  EXPECT_TRUE(f.phone.requests.empty());
  // The owner may.
  EXPECT_EQ(li.request("POST", "/api/v1/calls/c-li/hangup").status, 200);
}

TEST(CallControlApi, BadBodiesAreRefusedBeforeThePhoneHearsOfThem) {
  Fixture f;
  auto [agent, agent_id] = f.person("wang", auth::Role::kAgent, "1001");
  f.live("c-1", agent_id);
  struct Bad {
    std::string path;
    std::string body;
    std::string code;
    std::string field;
  };
  std::vector<Bad> bad = {
      {"dtmf", R"({"digits":"12x"})", "invalid_value", "digits"},
      {"dtmf", R"({})", "missing_field", "digits"},
      {"transfer", R"({})", "missing_field", "extension"},
      {"transfer", R"({"extension":"10a2"})", "invalid_value", "extension"},
      {"transfer", R"({"extension":"1002","queue":"general"})", "invalid_value", "queue"},
      {"consult", R"({"number":"13800000000"})", "missing_field", "extension"},
      {"consult", R"({"queue":"general","number":"1"})", "unknown_field", "number"},
      {"ivr", R"({"node":""})", "invalid_value", "node"},
      {"hold", R"({"please":true})", "unknown_field", "please"},
      {"hold", R"({not json)", "invalid_json", ""},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.path + " " + b.body);
    auto res = agent.request("POST", "/api/v1/calls/c-1/" + b.path, b.body);
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.error_code(), b.code);
    if (!b.field.empty()) {
      EXPECT_EQ(res.json()["error"]["field"], b.field);
    }
  }
  EXPECT_TRUE(f.phone.requests.empty());
}

TEST(CallControlApi, PhoneRefusalsKeepTheirCode) {
  Fixture f;
  auto [agent, agent_id] = f.person("wang", auth::Role::kAgent, "1001");
  f.live("c-1", agent_id);
  f.phone.fail_next = make_error(ErrorKind::kConflict, "not_supported_by_phone",
                                 "this phone cannot answer from the network");
  auto res = agent.request("POST", "/api/v1/calls/c-1/answer");
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.error_code(), "not_supported_by_phone");
  f.phone.fail_next = make_error(ErrorKind::kConflict, "invalid_call_state", "not consulting");
  EXPECT_EQ(agent.request("POST", "/api/v1/calls/c-1/complete-transfer").error_code(),
            "invalid_call_state");
}

TEST(CallControlApi, SupervisorMonitorsCallsOfTheirRegionOnlyAndItIsAudited) {
  Fixture f;
  auto [agent, agent_id] = f.person("wang", auth::Role::kAgent, "1001", "350102");
  auto [boss, boss_id] = f.person("chen", auth::Role::kSupervisor, "1900", "350100");
  f.live("c-fz", agent_id, "general", "350102-01");  // Fuzhou: chen's city
  f.live("c-xm", agent_id, "general", "350203");     // Xiamen: not chen's

  for (const char* mode : {"listen", "whisper", "barge"}) {
    auto res = boss.request("POST", std::string("/api/v1/calls/c-fz/") + mode);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(f.phone.requests.back().action, "monitor");
    EXPECT_EQ(f.phone.requests.back().detail, mode);
    EXPECT_EQ(f.phone.requests.back().by.extension, "1900");
  }
  auto out = boss.request("POST", "/api/v1/calls/c-xm/listen");
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(out.error_code(), "call_out_of_scope");

  // Queues the supervisor watches, when assigned, limit it further.
  f.s.ctx->supervised_queues = [](const store::User&) {
    return std::optional<std::vector<std::string>>(std::vector<std::string>{"repair"});
  };
  EXPECT_EQ(boss.request("POST", "/api/v1/calls/c-fz/listen").error_code(), "call_out_of_scope");
  f.s.ctx->supervised_queues = nullptr;

  // A supervisor's own call is theirs to control; someone else's is not.
  EXPECT_EQ(boss.request("POST", "/api/v1/calls/c-fz/hangup").error_code(), "not_your_call");

  auto admin = f.s.signed_in(auth::Role::kAdmin);
  auto log = admin.get("/api/v1/audit?action=call.");
  ASSERT_EQ(log.status, 200) << log.body;
  std::vector<std::string> actions;
  nlohmann::json rows = log.json()["items"];
  for (const auto& row : rows) actions.push_back(row["action"]);
  EXPECT_EQ(actions.size(), 3u) << log.body;
  EXPECT_NE(std::find(actions.begin(), actions.end(), "call.barge"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "call.listen"), actions.end());
}

TEST(CallControlApi, SupervisorWithoutAPhoneIsToldSo) {
  Fixture f;
  auto [agent, agent_id] = f.person("wang", auth::Role::kAgent, "1001");
  f.live("c-1", agent_id);
  Client boss = f.s.signed_in(auth::Role::kSupervisor);
  auto res = boss.request("POST", "/api/v1/calls/c-1/listen");
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.error_code(), "no_supervisor_phone");
  EXPECT_TRUE(f.phone.requests.empty());
}

TEST(CallControlApi, AgentSeesTheReturnPointsOfOwnCallOnly) {
  Fixture f;
  auto [wang, wang_id] = f.person("wang", auth::Role::kAgent, "1001");
  auto [li, li_id] = f.person("li", auth::Role::kAgent, "1002");
  f.live("c-1", wang_id);
  auto res = wang.get("/api/v1/calls/c-1/return-points");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json(), nlohmann::json::parse(R"({"items":[
      {"node":"satisfaction_survey","label":"满意度调查","label_en":"Satisfaction survey"},
      {"node":"agent_pin","label":"密码验证","label_en":"PIN check"}]})"));
  ASSERT_EQ(f.phone.requests.size(), 1u);
  EXPECT_EQ(f.phone.requests[0].by.agent_id, wang_id);
  auto other = li.get("/api/v1/calls/c-1/return-points");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.error_code(), "not_your_call");
  EXPECT_EQ(wang.get("/api/v1/calls/c-none/return-points").error_code(), "call_not_found");
  f.phone.points.clear();  // a flow without agent_return
  EXPECT_EQ(wang.get("/api/v1/calls/c-1/return-points").json()["items"], nlohmann::json::array());
  f.s.ctx->call_control = nullptr;
  EXPECT_EQ(wang.get("/api/v1/calls/c-1/return-points").status, 503);
}

TEST(CallControlApi, WithoutTelephonyEveryActionIs503) {
  Fixture f;
  f.s.ctx->call_control = nullptr;
  auto [agent, agent_id] = f.person("wang", auth::Role::kAgent, "1001");
  for (const char* action : {"answer", "hangup", "hold", "unhold", "mute", "conference"}) {
    auto res = agent.request("POST", std::string("/api/v1/calls/c-1/") + action);
    EXPECT_EQ(res.status, 503) << action;
    EXPECT_EQ(res.error_code(), "telephony_unavailable");
  }
  Client boss = f.s.signed_in(auth::Role::kSupervisor);
  EXPECT_EQ(boss.request("POST", "/api/v1/calls/c-1/barge").error_code(), "telephony_unavailable");
}

}  // namespace
}  // namespace sy::test
