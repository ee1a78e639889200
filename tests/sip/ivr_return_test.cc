// An agent sends their caller back to the IVR, end to end over 127.0.0.1: the real inbound-call
// service (IVR, ACD on a SQLite database, delivery to the agent's phone, call control) wired to
// the SIP adapter and media host as `serve` wires them, SIPp as the trunk caller and as the
// agent's registered phone. The caller keys 0 in the page-test flow, the agent's phone rings
// and answers; the agent asks for the return points, is refused a node that is not one, then
// sends the caller to the satisfaction survey: the phone gets its BYE, the ACD ends the agent's
// conversation, the caller hears the survey prompt, keys 1 and is hung up with survey_done; the call
// record keeps the IVR path through satisfaction_survey, the menu choice and the answer.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "app/acd_service.h"
#include "app/call_control_service.h"
#include "app/call_record_writer.h"
#include "app/control_loop.h"
#include "app/flow_registry.h"
#include "app/inbound_calls.h"
#include "sip/media_host.h"
#include "sip/registrar.h"
#include "sip/sip_adapter.h"
#include "sip_test_support.h"
#include "store/db.h"
#include "store/repositories.h"

namespace sy::app {
namespace {

using namespace std::chrono_literals;
using sip::testing::run_sipp;
using sip::testing::run_sipp_command;
using sip::testing::run_sipp_phone;

const char* const kExtension = "8001";

// The call service and its media host refer to each other: built together, in this order,
// as `serve` builds them.
struct CallService {
  CallService(ControlLoop& loop, FlowRegistry& flows, store::Repositories& repos,
              CallRecordSink& records, InboundOptions options)
      : calls(loop, flows, media, repos, records, std::move(options)),
        media("127.0.0.1", media::PortRange{30000, 30999}, calls) {}
  InboundCalls calls;
  sip::MediaHost media;
};

class IvrReturnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("SY_TEST_DEBUG")) spdlog::set_level(spdlog::level::debug);
    dir_ = std::filesystem::temp_directory_path() / ("sy-ivr-return-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    auto opened = store::Database::open("sqlite:" + (dir_ / "switchyard.db").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->migrate().ok());
    repos_ = std::make_unique<store::Repositories>(*db_, SystemClock::instance());
    store::NewSkill skill;
    skill.name = "general";
    ASSERT_TRUE(repos_->skills.create(skill).ok());
    store::NewQueue general;
    general.name = "general";
    general.skills = {{"general", 1}};
    ASSERT_TRUE(repos_->queues.create(general).ok());
    store::NewUser u;
    u.username = "lin";
    u.password_hash = "$argon2id$x";
    auto user = repos_->users.create(u);
    ASSERT_TRUE(user.ok());
    store::NewAgent a;
    a.user_id = user->id;
    a.extension = kExtension;
    a.skills = {{"general", 5}};
    auto agent = repos_->agents.create(a);
    ASSERT_TRUE(agent.ok());
    agent_id_ = agent->id;

    acd_ = std::make_unique<AcdService>(
        *repos_, SystemClock::instance(), [this](std::function<void()> fn) { loop_.post(std::move(fn)); },
        AcdOptions{});
    ASSERT_TRUE(acd_->load().ok());
    loop_.every(200ms, [this] { acd_->tick(); });

    auto flows = FlowRegistry::load(
        {{"95598", SY_SOURCE_DIR "/tests/web/flows/agent-any-hour.yaml"}});
    ASSERT_TRUE(flows) << flows.error().message;
    flows_ = std::move(*flows);
    records_ = std::make_unique<CallRecordWriter>(*repos_);
    InboundOptions options;
    options.tts_dir = (dir_ / "tts").string();
    options.acd = acd_.get();
    options.callback_offer_after = 0s;  // no callback offer: a 1 while waiting means nothing
    service_ = std::make_unique<CallService>(loop_, *flows_, *repos_, *records_, options);
    calls_ = &service_->calls;
    media_ = &service_->media;
    media_->start();
    sip::SipOptions sip_options;
    sip_options.host = "127.0.0.1";
    sip_options.port = sip::testing::free_sip_port();
    ASSERT_NE(sip_options.port, 0);
    sip_port_ = sip_options.port;
    sip_options.trusted_sources = {"127.0.0.1"};
    sip_options.realm = "switchyard";
    sip::Registrar registrar;
    registrar.events = calls_;
    registrar.credentials = [](const std::string& ext) -> std::optional<sip::PhoneCredential> {
      if (ext != kExtension) return std::nullopt;
      return sip::PhoneCredential{sip::md5_hex(ext + ":switchyard:pw-" + ext), "switchyard"};
    };
    auto adapter = sip::SipAdapter::start(sip_options, *calls_, std::move(registrar));
    ASSERT_TRUE(adapter) << adapter.error().message;
    sip_ = std::move(*adapter);
    calls_->attach(sip_.get());
    calls_->start_timers();
    loop_.post([this] { acd_->set_offer_sink(calls_); });
    loop_.start();
    control_ = std::make_unique<CallControlService>(loop_, *calls_);
  }

  void TearDown() override {
    if (sip_) sip_->stop();
    if (media_) media_->stop();
    if (calls_) calls_->stop();
    if (records_) records_->flush();
    loop_.stop();
    std::filesystem::remove_all(dir_);
  }

  // The caller's live call, once it has one in the given state (polled: this is live SIP).
  std::optional<api::LiveCall> wait_for_state(const std::string& state, std::chrono::seconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      auto found = find_any();
      if (found && found->state == state) return found;
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }
  // The one call in progress: its record id from the call records table.
  std::optional<api::LiveCall> find_any() {
    auto page = repos_->calls.list({}, {});
    if (!page || page->items.empty()) return std::nullopt;
    auto live = control_->find(page->items.front().id);
    if (!live) return std::nullopt;
    return *live;
  }
  sip::LegCounters caller_counters(const std::string& record_id) {
    auto leg = std::strtoull(record_id.c_str() + record_id.rfind('-') + 1, nullptr, 10);
    return media_->leg_counters(leg).value_or(sip::LegCounters{});
  }
  std::optional<routing::AgentState> agent_state() {
    std::promise<std::optional<routing::AgentState>> p;
    loop_.post([&] { p.set_value(acd_->agent_state(agent_id_)); });
    return p.get_future().get();
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Repositories> repos_;
  ControlLoop loop_;
  std::unique_ptr<AcdService> acd_;
  std::unique_ptr<FlowRegistry> flows_;
  std::unique_ptr<CallRecordWriter> records_;
  std::unique_ptr<CallService> service_;
  InboundCalls* calls_ = nullptr;
  sip::MediaHost* media_ = nullptr;
  std::unique_ptr<sip::SipAdapter> sip_;
  std::unique_ptr<CallControlService> control_;
  uint16_t sip_port_ = 0;
  std::int64_t agent_id_ = 0;
};

TEST_F(IvrReturnTest, AgentSendsCallerToTheSatisfactionSurvey) {
  // The agent's phone: registered, answers after 0.5 s, then waits for our BYE.
  uint16_t phone_port = sip::testing::free_sip_port();
  auto phone = std::async(std::launch::async, [&] {
    return run_sipp_phone(phone_port, "agent_phone_answer.xml",
                          "-mp " + std::to_string(sip::testing::free_media_port()) +
                              " -d 500 -timeout 60s -recv_timeout 50000");
  });
  std::this_thread::sleep_for(100ms);  // SIPp binds its port (a process start, not a timer)
  ASSERT_EQ(run_sipp(sip_port_, "register.xml",
                     std::string("-au ") + kExtension + " -ap pw-" + kExtension +
                         " -key ext " + kExtension + " -key expires 300 -key contact_port " +
                         std::to_string(phone_port)),
            0);
  ASSERT_TRUE(acd_->change_state(agent_id_, store::AgentPresence::kReady, "", "agent").ok());

  auto caller = std::async(std::launch::async, [&] {
    return run_sipp_command("127.0.0.1:" + std::to_string(sip_port_) +
                            " -sf " SY_SIP_SCENARIOS "/ivr_return_caller.xml -s 95598 -key caller "
                            "13800000000 -i 127.0.0.1 -m 1 -l 1 -nostdin -timeout 70s "
                            "-timeout_error -mp " +
                            std::to_string(sip::testing::free_media_port()));
  });

  auto talking = wait_for_state("talking", 45s);
  ASSERT_TRUE(talking) << "the caller never reached the agent";
  const std::string id = talking->call_id;
  api::CallActor agent{0, agent_id_, kExtension};

  auto points = control_->return_points(id, agent);
  ASSERT_TRUE(points) << points.error().message;
  ASSERT_EQ(points->size(), 2u);
  EXPECT_EQ((*points)[0].node, "satisfaction_survey");
  EXPECT_EQ((*points)[0].label, "满意度调查");
  EXPECT_EQ((*points)[0].label_en, "Satisfaction survey");
  EXPECT_EQ((*points)[1].node, "agent_pin");

  // A node that is not a return point is refused and the conversation goes on.
  Status refused = control_->transfer_to_ivr(id, agent, "menu");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "target_not_found");
  EXPECT_EQ(refused.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(refused.error().message, "node menu is not a return point of flow page-test-agent");
  // Another agent may not.
  api::CallActor other{0, agent_id_ + 1, "8002"};
  EXPECT_EQ(control_->transfer_to_ivr(id, other, "satisfaction_survey").error().code,
            "not_your_call");
  EXPECT_EQ(control_->find(id)->state, "talking");
  EXPECT_EQ(agent_state(), routing::AgentState::kOnCall);

  std::uint64_t heard_before = caller_counters(id).loud_frames_out;
  Status sent = control_->transfer_to_ivr(id, agent, "satisfaction_survey");
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  // The caller hears the survey prompt: only our prompts reach them now (1 s of sound).
  bool heard = false;
  for (int i = 0; i < 300 && !heard; ++i) {
    heard = caller_counters(id).loud_frames_out >= heard_before + 50;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(heard) << "the caller heard no prompt after the agent left";
  // The agent's phone got its BYE (the SIPp phone ends its scenario on it) and the agent is in
  // the ACD; the call is in the IVR now, nobody's to control.
  EXPECT_EQ(phone.get(), 0) << "the agent's phone did not get a BYE";
  EXPECT_NE(agent_state(), routing::AgentState::kOnCall);  // the ACD ended the conversation
  auto live = control_->find(id);
  if (live) {
    EXPECT_EQ(live->state, "ivr");
    EXPECT_FALSE(live->agent_id.has_value());
  }
  // The caller keys 1 and is hung up after the thanks.
  EXPECT_EQ(caller.get(), 0) << "the caller was not hung up after the survey";

  // The record, once written: path through the survey, the menu choice, the answer.
  std::optional<store::CallRecord> record;
  for (int i = 0; i < 200 && !(record && record->ended_at); ++i) {
    auto r = repos_->calls.get(id);
    if (r) record = *r;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(record && record->ended_at) << "no ended call record";
  EXPECT_EQ(record->end_reason, "survey_done");
  EXPECT_EQ(record->agent_id, agent_id_);
  const auto& path = record->ivr_path;
  ASSERT_GE(path.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(path.end() - 3, path.end()),
            (std::vector<std::string>{"agent", "satisfaction_survey", "survey_thanks"}));
  ASSERT_FALSE(record->digits.empty());
  EXPECT_EQ(record->digits.front().node, "menu");
  EXPECT_EQ(record->digits.front().digits, "0");
  ASSERT_EQ(record->survey_answers.size(), 1u);
  EXPECT_EQ(record->survey_answers[0].survey, "satisfaction");
  EXPECT_EQ(record->survey_answers[0].question, "satisfaction");
  EXPECT_EQ(record->survey_answers[0].answer, "1");
}

}  // namespace
}  // namespace sy::app
