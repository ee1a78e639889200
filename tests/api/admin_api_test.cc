// Admin work through the API: users, regions, outages, and the audit trail they leave.
#include <gtest/gtest.h>

#include "api_harness.h"

namespace sy::test {
namespace {

using nlohmann::json;

TEST(AdminApi, UsersLifecycleIsAudited) {
  ApiServer s;
  s.add_regions();
  Client admin = s.signed_in(auth::Role::kAdmin);
  auto created = admin.post("/api/v1/users", {{"username", "agent.8001"},
                                              {"display_name", "坐席8001"},
                                              {"role", "agent"},
                                              {"region_code", "350100"},
                                              {"extension", "8001"},
                                              {"password", "agent-pass-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.json().contains("password_hash"));
  std::string id = std::to_string(created.json()["id"].get<int>());
  auto dup = admin.post("/api/v1/users", {{"username", "agent.8001"}, {"role", "agent"}, {"password", "agent-pass-1"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code(), "username_taken");
  auto ext = admin.post("/api/v1/users", {{"username", "agent.x"}, {"role", "agent"}, {"extension", "8001"}, {"password", "agent-pass-1"}});
  EXPECT_EQ(ext.error_code(), "extension_taken");

  Client agent = s.client();
  ASSERT_EQ(agent.login("agent.8001", "agent-pass-1").status, 200);
  auto promoted = admin.patch("/api/v1/users/" + id, {{"role", "supervisor"}});
  ASSERT_EQ(promoted.status, 200);
  EXPECT_EQ(promoted.json()["role"], "supervisor");
  auto list = admin.get("/api/v1/users?role=supervisor");
  EXPECT_EQ(list.json()["total"], 1);

  auto log = admin.get("/api/v1/audit?action=user.");
  ASSERT_EQ(log.status, 200);
  EXPECT_GE(log.json()["total"].get<int>(), 2);
  // Passwords never reach the audit log.
  EXPECT_EQ(log.body.find("agent-pass-1"), std::string::npos);
}

TEST(AdminApi, TheLastAdminCannotBeDemoted) {
  ApiServer s;
  Client admin = s.signed_in(auth::Role::kAdmin);
  auto me = admin.get("/api/v1/auth/me").json();
  std::string id = std::to_string(me["user"]["id"].get<int>());
  auto r = admin.patch("/api/v1/users/" + id, {{"role", "agent"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "last_admin");
}

TEST(AdminApi, CitySupervisorSeesOnlyTheirUsers) {
  ApiServer s;
  s.add_regions();
  s.add_user("fz1", auth::Role::kAgent, "350102");
  s.add_user("xm1", auth::Role::kAgent, "350203");
  Client sup = s.signed_in(auth::Role::kSupervisor, "350100");
  auto list = sup.get("/api/v1/users");
  ASSERT_EQ(list.status, 200);
  SCOPED_TRACE(list.body);
  const nlohmann::json items = list.json()["items"];
  for (const auto& u : items) EXPECT_NE(u["username"], "xm1");
  bool found = false;
  for (const auto& u : items)
    if (u["username"].get<std::string>() == "fz1") found = true;
  EXPECT_TRUE(found);
}

TEST(AdminApi, RegionsTreeAndInUseProtection) {
  ApiServer s;
  s.add_regions();
  Client admin = s.signed_in(auth::Role::kAdmin);
  auto children = admin.get("/api/v1/regions?parent=350000");
  ASSERT_EQ(children.status, 200);
  EXPECT_EQ(children.json()["total"], 2);
  auto created = admin.post("/api/v1/regions", {{"code", "350102-02"},
                                                {"parent_code", "350102"},
                                                {"name", "南街供电所"},
                                                {"level", "area"},
                                                {"area_class", "urban"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(admin.del("/api/v1/regions/350102").error_code(), "region_in_use");
  EXPECT_EQ(admin.del("/api/v1/regions/350102-02").status, 204);
  EXPECT_EQ(admin.get("/api/v1/regions/350102-02").status, 404);
}

TEST(AdminApi, OutageLifecycle) {
  ApiServer s;
  s.add_regions();
  Client sup = s.signed_in(auth::Role::kSupervisor);
  auto created = sup.post("/api/v1/outages", {{"kind", "unplanned"},
                                              {"reason", "台风抢修"},
                                              {"starts_at", "2026-11-18T02:00:00Z"},
                                              {"ends_at", "2026-11-18T08:00:00Z"},
                                              {"region_codes", {"350203-01"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["status"], "active");
  std::string path = "/api/v1/outages/" + std::to_string(created.json()["id"].get<int>());
  auto restored = sup.patch(path, {{"status", "restored"}});
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_FALSE(restored.json()["restored_at"].is_null());
  auto back = sup.patch(path, {{"status", "active"}});
  EXPECT_EQ(back.status, 409);
  EXPECT_EQ(back.error_code(), "invalid_transition");
  Client fuzhou_agent = s.signed_in(auth::Role::kAgent, "350100");
  EXPECT_EQ(fuzhou_agent.get(path).status, 404);
  Client xiamen_agent = s.signed_in(auth::Role::kAgent, "350200");
  EXPECT_EQ(xiamen_agent.get(path).status, 200);
  EXPECT_EQ(xiamen_agent.get("/api/v1/outages?status=restored").json()["total"], 1);
}

}  // namespace
}  // namespace sy::test
