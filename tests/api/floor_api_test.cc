// Skills, queues, agents, presence, call records and recordings through the HTTP API, as the
// admin screens, the agent desktop and supervisors use them.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fstream>

#include "api_harness.h"
#include "auth/sip_digest.h"

namespace sy::test {
namespace {

// A GET with extra request headers (Range, Accept-Encoding), as a browser's audio player
// sends them; the reply's body is returned as sent (not decoded).
boost::beast::http::response<boost::beast::http::string_body> get_with_headers(
    std::uint16_t port, const std::string& cookie, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace bhttp = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::cookie, cookie);
  for (const auto& [name, value] : headers) req.set(name, value);
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  return res;
}

class FloorApi : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    admin = s.signed_in(auth::Role::kAdmin);
    ASSERT_EQ(admin.post("/api/v1/skills", {{"name", "general"}, {"display_name", "综合"}}).status, 201);
    ASSERT_EQ(admin.post("/api/v1/skills", {{"name", "repair"}}).status, 201);
  }
  // A user of `role` in `region` made an agent with `extension`; returns the agent id and signs
  // the client in.
  std::int64_t make_agent(Client& c, const std::string& name, const std::string& extension,
                          auth::Role role = auth::Role::kAgent,
                          std::optional<std::string> region = "350100") {
    std::int64_t user = s.add_user(name, role, region);
    auto r = admin.post("/api/v1/agents", {{"user_id", user},
                                           {"extension", extension},
                                           {"sip_password", "phone-secret-1"},
                                           {"skills", {{"general", 5}, {"repair", 3}}},
                                           {"languages", {"zh", "nan"}}});
    EXPECT_EQ(r.status, 201) << r.body;
    c = s.client();
    EXPECT_EQ(c.login(name, "correct-horse-battery").status, 200);
    return r.json().value("id", std::int64_t{0});
  }
  void add_call(const std::string& id, std::int64_t agent, const std::string& region,
                const std::string& from = "13800000001") {
    TimePoint t0 = s.clock.now();
    ASSERT_TRUE(s.ctx->repos.calls.create({id, "inbound", from, "95598", std::nullopt, region, t0}).ok());
    ASSERT_TRUE(s.ctx->repos.calls
                    .update_on_answer(id, {t0 + std::chrono::seconds(30), agent, "repair", 18,
                                           "offered by longest_idle", std::nullopt})
                    .ok());
    store::CallFinished f;
    f.ended_at = t0 + std::chrono::seconds(200);
    f.end_reason = "caller_hangup";
    f.ivr_path = {"welcome", "menu", "bill_login", "pin", "repair_queue"};
    f.digits = {store::collected_digits("menu", "2", false),
                store::collected_digits("pin", "654321", true)};
    ASSERT_TRUE(s.ctx->repos.calls.finish(id, f).ok());
  }

  ApiServer s;
  Client admin{0};
};

TEST_F(FloorApi, AdminsEditSkillsAndQueuesWithCheckedRules) {
  auto q = admin.post("/api/v1/queues",
                      {{"name", "repair"},
                       {"display_name", "故障报修"},
                       {"strategy", "best_skill"},
                       {"skills", {{"repair", 3}}},
                       {"rules", {{"max_wait_s", 180}, {"max_wait_action", "callback"}}}});
  ASSERT_EQ(q.status, 201) << q.body;
  EXPECT_EQ(q.json()["skills"]["repair"], 3);
  EXPECT_EQ(q.json()["rules"]["max_wait_action"], "callback");

  auto bad = admin.post("/api/v1/queues", {{"name", "x"}, {"rules", {{"max_wait_action", "sms"}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code(), "invalid_rules");
  EXPECT_EQ(bad.json()["error"]["field"], "rules.max_wait_action");
  auto unknown_skill = admin.post("/api/v1/queues", {{"name", "y"}, {"skills", {{"nosuch", 1}}}});
  EXPECT_EQ(unknown_skill.status, 404);
  EXPECT_EQ(unknown_skill.error_code(), "skill_not_found");
  EXPECT_EQ(admin.post("/api/v1/skills", {{"name", "general"}}).error_code(), "skill_exists");

  Client agent = s.signed_in(auth::Role::kAgent);
  auto list = agent.get("/api/v1/queues?page_size=10");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 1);
  EXPECT_EQ(agent.post("/api/v1/skills", {{"name", "z"}}).status, 403);

  std::string id = std::to_string(q.json()["id"].get<std::int64_t>());
  auto patched = admin.patch("/api/v1/queues/" + id, {{"service_level_s", 30}});
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(patched.json()["service_level_s"], 30);
  auto skills = admin.get("/api/v1/skills?q=rep");
  ASSERT_EQ(skills.json()["total"], 1);
  std::string repair = std::to_string(skills.json()["items"][0]["id"].get<std::int64_t>());
  EXPECT_EQ(admin.del("/api/v1/skills/" + repair).error_code(), "skill_in_use");
  EXPECT_EQ(admin.del("/api/v1/queues/" + id).status, 204);
  EXPECT_EQ(admin.del("/api/v1/skills/" + repair).status, 204);
}

TEST_F(FloorApi, AnAgentHasAPhonePasswordNeverShownAndSetsTheirOwnState) {
  Client agent{0};
  std::int64_t id = make_agent(agent, "lin.xiaoyan", "8001");
  auto stored = s.ctx->repos.agents.get(id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->sip_ha1, auth::sip_ha1("8001", "switchyard.local", "phone-secret-1"));

  auto me = agent.get("/api/v1/agents/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["extension"], "8001");
  EXPECT_EQ(me.json()["has_sip_password"], true);
  EXPECT_EQ(me.body.find("phone-secret"), std::string::npos);
  EXPECT_EQ(me.body.find(stored->sip_ha1), std::string::npos);
  EXPECT_EQ(me.json()["state"], "offline");

  auto ready = agent.post("/api/v1/agents/me/state", {{"state", "ready"}});
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["state"], "ready");
  s.clock.advance(std::chrono::minutes(5));
  auto pause = agent.post("/api/v1/agents/me/state", {{"state", "break"}, {"reason", "午休"}});
  ASSERT_EQ(pause.status, 200);
  EXPECT_EQ(pause.json()["state_reason"], "午休");
  auto bad = agent.post("/api/v1/agents/me/state", {{"state", "on_call"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "state");

  Client supervisor = s.signed_in(auth::Role::kSupervisor, "350100");
  auto history = supervisor.get("/api/v1/agents/" + std::to_string(id) + "/state-history");
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(history.json()["total"], 2);
  EXPECT_EQ(history.json()["items"][0]["state"], "break");
  auto ready_list = supervisor.get("/api/v1/agents?state=break");
  EXPECT_EQ(ready_list.json()["total"], 1);
  Client xiamen = s.signed_in(auth::Role::kSupervisor, "350200");
  EXPECT_EQ(xiamen.get("/api/v1/agents/" + std::to_string(id)).status, 404);
  EXPECT_EQ(xiamen.get("/api/v1/agents").json()["total"], 0);

  Client plain = s.signed_in(auth::Role::kAgent);
  EXPECT_EQ(plain.get("/api/v1/agents/me").error_code(), "agent_not_found");
  auto moved = admin.patch("/api/v1/agents/" + std::to_string(id), {{"extension", "8101"}});
  EXPECT_EQ(moved.error_code(), "sip_password_required");
  moved = admin.patch("/api/v1/agents/" + std::to_string(id),
                      {{"extension", "8101"}, {"sip_password", "another-secret"}});
  ASSERT_EQ(moved.status, 200);
  EXPECT_EQ(s.ctx->repos.agents.get(id)->sip_ha1,
            auth::sip_ha1("8101", "switchyard.local", "another-secret"));
  EXPECT_EQ(admin.del("/api/v1/agents/" + std::to_string(id)).error_code(), "agent_signed_in");
}

TEST_F(FloorApi, CallRecordsShowWhatTheCallerDidAndAgentsSeeOnlyTheirOwn) {
  Client a1{0}, a2{0};
  std::int64_t id1 = make_agent(a1, "agent.one", "8001");
  std::int64_t id2 = make_agent(a2, "agent.two", "8002");
  add_call("call-1", id1, "350102-01");
  s.clock.advance(std::chrono::minutes(10));
  add_call("call-2", id2, "350203-01", "13900000002");

  auto mine = a1.get("/api/v1/calls");
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.json()["total"], 1);
  auto call = a1.get("/api/v1/calls/call-1");
  ASSERT_EQ(call.status, 200) << call.body;
  auto j = call.json();
  EXPECT_EQ(j["agent"], "agent.one");
  EXPECT_EQ(j["queue"], "repair");
  EXPECT_EQ(j["wait_s"], 18);
  EXPECT_EQ(j["end_reason"], "caller_hangup");
  EXPECT_EQ(j["ivr_path"][2], "bill_login");
  EXPECT_EQ(j["digits"][1]["digits"], "******");
  EXPECT_EQ(call.body.find("654321"), std::string::npos);
  EXPECT_EQ(a1.get("/api/v1/calls/call-2").status, 404);

  Client manager = s.signed_in(auth::Role::kManager);
  EXPECT_EQ(manager.get("/api/v1/calls").json()["total"], 2);
  EXPECT_EQ(manager.get("/api/v1/calls?from=13900000002").json()["total"], 1);
  EXPECT_EQ(manager.get("/api/v1/calls?agent=" + std::to_string(id1)).json()["total"], 1);
  EXPECT_EQ(manager.get("/api/v1/calls?queue=repair&page_size=1").json()["items"].size(), 1u);
  std::string since = format_rfc3339(s.clock.now() - std::chrono::minutes(1));
  auto recent = manager.get("/api/v1/calls?since=" + since);
  ASSERT_EQ(recent.json()["total"], 1);
  EXPECT_EQ(recent.json()["items"][0]["id"], "call-2");
  EXPECT_EQ(manager.get("/api/v1/calls?since=yesterday").error_code(), "invalid_parameter");
  EXPECT_EQ(manager.get("/api/v1/calls?colour=red").error_code(), "unknown_parameter");
  Client fuzhou = s.signed_in(auth::Role::kSupervisor, "350100");
  EXPECT_EQ(fuzhou.get("/api/v1/calls").json()["total"], 1);
  EXPECT_EQ(fuzhou.get("/api/v1/calls/call-2").status, 404);
  Client backoffice = s.signed_in(auth::Role::kBackoffice);
  EXPECT_EQ(backoffice.get("/api/v1/calls").status, 403);
}

TEST_F(FloorApi, RecordingAudioOnlyForSupervisorsManagersAdminsAndTheCallsAgent) {
  Client a1{0}, a2{0};
  std::int64_t id1 = make_agent(a1, "agent.one", "8001");
  make_agent(a2, "agent.two", "8002");
  add_call("call-1", id1, "350102-01");
  std::string wav = (s.dir / "rec-1.wav").string();
  std::string audio = std::string("RIFF\x24\0\0\0WAVEfmt ", 16) + std::string(200, '\x7f');
  std::ofstream(wav, std::ios::binary) << audio;
  ASSERT_TRUE(s.ctx->repos.recordings
                  .create({"rec-1", "call-1", wav, store::RecordingFormat::kWav, 1000,
                           static_cast<std::int64_t>(audio.size()), s.clock.now()})
                  .ok());
  std::string mp3 = (s.dir / "rec-2.mp3").string();
  std::ofstream(mp3, std::ios::binary) << "ID3\x03" << std::string(100, 'm');
  ASSERT_TRUE(s.ctx->repos.recordings
                  .create({"rec-2", "call-1", mp3, store::RecordingFormat::kMp3, 1000, 104,
                           s.clock.now()})
                  .ok());

  auto meta = a1.get("/api/v1/recordings/rec-1");
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_EQ(meta.json()["format"], "wav");
  EXPECT_EQ(meta.body.find(s.dir.string()), std::string::npos);  // never the server path
  EXPECT_EQ(a1.get("/api/v1/calls/call-1").json()["recordings"].size(), 2u);

  auto own = a1.get("/api/v1/recordings/rec-1/audio");
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(own.header("Content-Type"), "audio/wav");
  EXPECT_EQ(own.body, audio);
  EXPECT_EQ(own.header("Accept-Ranges"), "bytes");
  // A player seeking: the bytes asked for, as stored (audio is never gzipped).
  auto part = get_with_headers(s.port(), a1.cookie, "/api/v1/recordings/rec-1/audio",
                               {{"Range", "bytes=4-11"}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(part.result_int(), 206);
  EXPECT_EQ(part["Content-Range"], "bytes 4-11/" + std::to_string(audio.size()));
  EXPECT_EQ(part["Content-Type"], "audio/wav");
  EXPECT_EQ(part["Content-Encoding"], "");
  EXPECT_EQ(part.body(), audio.substr(4, 8));
  auto past = get_with_headers(s.port(), a1.cookie, "/api/v1/recordings/rec-1/audio",
                               {{"Range", "bytes=5000-"}});
  EXPECT_EQ(past.result_int(), 416);
  EXPECT_EQ(past["Content-Range"], "bytes */" + std::to_string(audio.size()));
  auto as_mp3 = a1.get("/api/v1/recordings/rec-2/audio");
  ASSERT_EQ(as_mp3.status, 200);
  EXPECT_EQ(as_mp3.header("Content-Type"), "audio/mpeg");
  EXPECT_EQ(as_mp3.body.substr(0, 3), "ID3");

  EXPECT_EQ(a2.get("/api/v1/recordings/rec-1/audio").status, 404);
  EXPECT_EQ(a2.get("/api/v1/recordings/rec-1").status, 404);
  EXPECT_EQ(s.signed_in(auth::Role::kField).get("/api/v1/recordings/rec-1/audio").status, 403);
  EXPECT_EQ(s.signed_in(auth::Role::kBackoffice).get("/api/v1/recordings/rec-1/audio").status, 403);
  for (auth::Role role : {auth::Role::kSupervisor, auth::Role::kManager, auth::Role::kAdmin})
    EXPECT_EQ(s.signed_in(role).get("/api/v1/recordings/rec-1/audio").status, 200);
  EXPECT_EQ(s.signed_in(auth::Role::kSupervisor, "350200").get("/api/v1/recordings/rec-1/audio").status,
            404);
  EXPECT_EQ(admin.get("/api/v1/recordings/nope/audio").error_code(), "recording_not_found");
}

}  // namespace
}  // namespace sy::test
