// Hot-desking through the API with the real ACD on a real control loop: admins manage seat
// phones (admin only, audited, an agent's own extension refused), an agent picks a free seat of
// their region, a second agent gets 409 seat_taken, and the seat is free again once the first
// signs out or goes offline.
#include <gtest/gtest.h>

#include "api_harness.h"
#include "app/acd_service.h"
#include "app/control_loop.h"

namespace sy::test {
namespace {

struct SeatDesk {
  ApiServer s;
  app::ControlLoop loop;
  std::unique_ptr<app::AcdService> acd;

  SeatDesk() {
    s.add_regions();
    store::NewSkill skill;
    skill.name = "general";
    if (!s.ctx->repos.skills.create(skill)) throw std::runtime_error("skill");
    store::NewQueue queue;
    queue.name = "general";
    queue.skills = {{"general", 1}};
    if (!s.ctx->repos.queues.create(queue)) throw std::runtime_error("queue");
    acd = std::make_unique<app::AcdService>(
        s.ctx->repos, s.clock, [this](std::function<void()> fn) { loop.post(std::move(fn)); },
        app::AcdOptions{});
    Status st = acd->load();
    if (!st) throw std::runtime_error(st.error().message);
    loop.start();
    s.ctx->presence = acd.get();
    s.ctx->seats = acd.get();
  }
  ~SeatDesk() {
    s.ctx->presence = nullptr;
    s.ctx->seats = nullptr;
    loop.stop();
  }

  std::int64_t agent(const std::string& name, const std::string& ext, const std::string& region) {
    std::int64_t user = s.add_user(name, auth::Role::kAgent, region);
    store::NewAgent a;
    a.user_id = user;
    a.extension = ext;
    auto made = s.ctx->repos.agents.create(a);
    if (!made) throw std::runtime_error(made.error().message);
    return made->id;
  }
  Client login(const std::string& name) {
    Client c = s.client();
    auto r = c.login(name, "correct-horse-battery");
    if (r.status != 200) throw std::runtime_error(r.body);
    return c;
  }
  std::string add_seat(Client& admin, const std::string& ext, const std::string& region,
                       const std::string& label) {
    auto r = admin.post("/api/v1/seats", {{"extension", ext},
                                          {"sip_password", "seat-phone-pass"},
                                          {"region_code", region},
                                          {"label", label}});
    if (r.status != 201) throw std::runtime_error(r.body);
    return std::to_string(r.json()["id"].get<std::int64_t>());
  }
};

std::vector<std::string> choice_extensions(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const auto& c : j["choices"]) out.push_back(c["extension"]);
  return out;
}

TEST(SeatApi, AdminsManageSeatPhonesOnly) {
  SeatDesk d;
  d.agent("wang", "1001", "350102");
  Client admin = d.s.signed_in(auth::Role::kAdmin);
  auto made = admin.post("/api/v1/seats", {{"extension", "8101"},
                                           {"sip_password", "seat-phone-pass"},
                                           {"region_code", "350100"},
                                           {"label", "3楼A区12号"}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json()["label"], "3楼A区12号");
  EXPECT_EQ(made.json()["registered"], false);
  EXPECT_EQ(made.json()["has_sip_password"], true);
  EXPECT_FALSE(made.json().contains("sip_ha1"));
  std::string id = std::to_string(made.json()["id"].get<std::int64_t>());

  // An agent's own extension, a second seat on the same extension, bad input: refused.
  auto own = admin.post("/api/v1/seats", {{"extension", "1001"},
                                          {"sip_password", "seat-phone-pass"},
                                          {"region_code", "350100"}});
  EXPECT_EQ(own.status, 409);
  EXPECT_EQ(own.error_code(), "extension_taken");
  EXPECT_EQ(own.json()["error"]["field"], "extension");
  EXPECT_EQ(admin.post("/api/v1/seats", {{"extension", "8101"},
                                         {"sip_password", "seat-phone-pass"},
                                         {"region_code", "350100"}})
                .error_code(),
            "extension_taken");
  EXPECT_EQ(admin.post("/api/v1/seats", {{"extension", "81x"},
                                         {"sip_password", "seat-phone-pass"},
                                         {"region_code", "350100"}})
                .error_code(),
            "invalid_extension");
  auto no_password = admin.post("/api/v1/seats", {{"extension", "8102"}, {"region_code", "350100"}});
  EXPECT_EQ(no_password.status, 400);
  EXPECT_EQ(no_password.json()["error"]["field"], "sip_password");
  EXPECT_EQ(admin.post("/api/v1/seats", {{"extension", "8102"},
                                         {"sip_password", "seat-phone-pass"},
                                         {"region_code", "999999"}})
                .error_code(),
            "region_not_found");

  auto changed = admin.patch("/api/v1/seats/" + id, {{"label", "3楼B区1号"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["label"], "3楼B区1号");
  EXPECT_EQ(admin.patch("/api/v1/seats/" + id, {{"extension", "8111"}}).error_code(),
            "sip_password_required");
  auto list = admin.get("/api/v1/seats");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 1);

  // Nobody but an admin touches seats.
  Client wang = d.login("wang");
  EXPECT_EQ(wang.get("/api/v1/seats").status, 403);
  EXPECT_EQ(wang.post("/api/v1/seats", {{"extension", "8103"},
                                        {"sip_password", "seat-phone-pass"},
                                        {"region_code", "350100"}})
                .status,
            403);
  Client boss = d.s.signed_in(auth::Role::kSupervisor);
  EXPECT_EQ(boss.get("/api/v1/seats").status, 403);
  EXPECT_EQ(boss.del("/api/v1/seats/" + id).status, 403);

  ASSERT_EQ(admin.del("/api/v1/seats/" + id).status, 204);
  EXPECT_EQ(admin.get("/api/v1/seats/" + id).error_code(), "seat_not_found");
  auto log = admin.get("/api/v1/audit?action=seat.");
  ASSERT_EQ(log.status, 200);
  EXPECT_EQ(log.json()["total"], 3);  // create, update, delete
  EXPECT_EQ(log.body.find("seat-phone-pass"), std::string::npos);
}

TEST(SeatApi, AnAgentPicksAFreeSeatAndASecondAgentIsTurnedAway) {
  SeatDesk d;
  std::int64_t wang_id = d.agent("wang", "1001", "350102");
  d.agent("li", "1002", "350102");
  Client admin = d.s.signed_in(auth::Role::kAdmin);
  std::string seat_8101 = d.add_seat(admin, "8101", "350100", "3楼A区12号");
  d.add_seat(admin, "8102", "350100", "3楼A区13号");
  d.add_seat(admin, "8201", "350200", "厦门 2楼 1号");

  Client wang = d.login("wang");
  auto choices = wang.get("/api/v1/agents/me/seat-choices");
  ASSERT_EQ(choices.status, 200) << choices.body;
  // Own extension first (current), then the free seats of the agent's city only.
  EXPECT_EQ(choice_extensions(choices.json()), (std::vector<std::string>{"1001", "8101", "8102"}));
  EXPECT_EQ(choices.json()["current_extension"], "1001");
  EXPECT_EQ(choices.json()["choices"][0]["kind"], "own");
  EXPECT_EQ(choices.json()["choices"][0]["current"], true);
  EXPECT_EQ(choices.json()["choices"][1]["label"], "3楼A区12号");
  EXPECT_EQ(choices.json()["choices"][1]["registered"], false);

  auto picked = d.s.client().request("PUT", "/api/v1/agents/me/extension",
                                     R"({"extension":"8101"})");
  EXPECT_EQ(picked.status, 401);  // not signed in
  picked = wang.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})");
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_EQ(picked.json()["current_extension"], "8101");
  auto me = wang.get("/api/v1/agents/me");
  EXPECT_EQ(me.json()["current_extension"], "8101");
  EXPECT_EQ(me.json()["extension"], "1001");  // their own stays theirs
  // Supervisors see where the agent is rung now.
  Client boss = d.s.signed_in(auth::Role::kSupervisor);
  auto floor = boss.get("/api/v1/agents?q=wang");
  ASSERT_EQ(floor.status, 200);
  EXPECT_EQ(floor.json()["items"][0]["current_extension"], "8101");
  auto snap = d.acd->seat_snapshot();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->held.at("8101"), wang_id);

  // The second agent no longer sees 8101 and may not take it.
  Client li = d.login("li");
  EXPECT_EQ(choice_extensions(li.get("/api/v1/agents/me/seat-choices").json()),
            (std::vector<std::string>{"1002", "8102"}));
  auto taken = li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.error_code(), "seat_taken");
  EXPECT_EQ(taken.json()["error"]["field"], "extension");
  // Another city's seat, another agent's own phone, nonsense: not a seat of theirs.
  EXPECT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8201"})").error_code(),
            "seat_not_found");
  EXPECT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"1001"})").error_code(),
            "seat_not_found");
  EXPECT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"seat":"8102"})").status, 400);
  // A seat somebody sits at is not removed under them.
  EXPECT_EQ(admin.del("/api/v1/seats/" + seat_8101).error_code(), "seat_in_use");

  // Wang moves to 8102: 8101 is free for Li.
  ASSERT_EQ(wang.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8102"})").status, 200);
  ASSERT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})").status, 200);
  // Back to their own phone.
  auto back = wang.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"1001"})");
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(back.json()["current_extension"], "1001");
}

TEST(SeatApi, SigningOutOrGoingOfflineFreesTheSeat) {
  SeatDesk d;
  d.agent("wang", "1001", "350102");
  d.agent("li", "1002", "350102");
  Client admin = d.s.signed_in(auth::Role::kAdmin);
  d.add_seat(admin, "8101", "350100", "3楼A区12号");

  Client wang = d.login("wang");
  ASSERT_EQ(wang.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})").status, 200);
  ASSERT_EQ(wang.post("/api/v1/agents/me/state", {{"state", "ready"}}).status, 200);
  Client li = d.login("li");
  EXPECT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})").error_code(),
            "seat_taken");

  // Wang signs out: the seat is free, and Wang is back at their own extension.
  ASSERT_EQ(wang.post("/api/v1/auth/logout", nlohmann::json::object()).status, 204);
  ASSERT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})").status, 200);
  Client wang_again = d.login("wang");
  EXPECT_EQ(wang_again.get("/api/v1/agents/me").json()["current_extension"], "1001");

  // Li goes offline: the seat is free again.
  ASSERT_EQ(li.post("/api/v1/agents/me/state", {{"state", "offline"}}).status, 200);
  EXPECT_EQ(li.get("/api/v1/agents/me").json()["current_extension"], "1002");
  ASSERT_EQ(wang_again.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})").status,
            200);

  // A supervisor signing Wang out frees it too.
  Client boss = d.s.signed_in(auth::Role::kSupervisor);
  auto wang_me = wang_again.get("/api/v1/agents/me").json();
  std::string wang_id = std::to_string(wang_me["id"].get<std::int64_t>());
  ASSERT_EQ(boss.post("/api/v1/agents/" + wang_id + "/sign-out", nlohmann::json::object()).status, 200);
  ASSERT_EQ(li.request("PUT", "/api/v1/agents/me/extension", R"({"extension":"8101"})").status, 200);
}

}  // namespace
}  // namespace sy::test
