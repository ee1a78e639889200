// Delivering a caller to an agent's phone, end to end over 127.0.0.1 with real phones: SIPp as
// the caller (speaking SIPp's shipped G.711 recording) and SIPp as the agent phone (REGISTERs
// with digest, rings, answers, speaks the same recording). The centre here is a small harness
// wiring SipAdapter and MediaHost the way the application does. Asserted: the phone gets our
// INVITE with the call id header, audio flows both ways through the bridge, the recording has
// sound on both channels and an MP3, mute / hold / DTMF reach the right legs, a supervisor on
// another phone (over TCP) can listen without being heard and then barge in, and a phone that
// is busy, rings out or is not registered fails the leg with the right status. Also: whisper
// (the agent hears the supervisor, the caller does not), unbridge and bridging again, and a
// phone behind NAT called where its REGISTER came from.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sndfile.h>
#include <spawn.h>
#include <sys/wait.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "phone_fixture.h"

namespace sy::sip {
namespace {

using namespace std::chrono_literals;
using testing::run_sipp;
using testing::run_sipp_phone;

class BridgeTest : public testing::PhoneFixture {};

// Frames of audible sound in each channel of a stereo WAV.
std::pair<int, int> audible_frames(const std::string& path, int* channels) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (!f) return {-1, -1};
  *channels = info.channels;
  std::vector<int16_t> buf(160 * info.channels);
  int left = 0, right = 0;
  while (sf_readf_short(f, buf.data(), 160) == 160) {
    bool l = false, r = false;
    for (int i = 0; i < 160; ++i) {
      l |= std::abs(buf[i * info.channels]) > 300;
      if (info.channels > 1) r |= std::abs(buf[i * info.channels + 1]) > 300;
    }
    left += l;
    right += r;
  }
  sf_close(f);
  return {left, right};
}

TEST_F(BridgeTest, AgentPhoneAnswersAndTheCallerIsBridgedBothWaysAndRecorded) {
  auto phone = start_phone("1001", "agent_answer.xml");
  ASSERT_EQ(sip_->registrations().size(), 1u);
  CallId caller = start_caller();
  CallId agent = dial("1001");
  EXPECT_TRUE(centre_.ringing_.count(agent));
  EXPECT_EQ(centre_.answered_[agent], 8);  // the phone picked PCMA from our offer
  ASSERT_TRUE(media_.bridge(caller, agent));
  std::string wav = (dir_ / "call.wav").string();
  ASSERT_TRUE(media_.start_recording(caller, wav));

  // Both people speak; each hears the other through Switchyard.
  EXPECT_TRUE(
      until(caller, [](auto& c) { return c.loud_frames_in >= 25 && c.loud_frames_out >= 25; }))
      << "caller in " << counters(caller).loud_frames_in << " out "
      << counters(caller).loud_frames_out;
  EXPECT_TRUE(
      until(agent, [](auto& c) { return c.loud_frames_in >= 25 && c.loud_frames_out >= 25; }))
      << "agent in " << counters(agent).loud_frames_in << " out "
      << counters(agent).loud_frames_out;

  // Mute: the agent speaks on, the caller hears nothing of it.
  media_.set_mute(agent, true);
  std::this_thread::sleep_for(60ms);  // packets already mixed
  EXPECT_EQ(growth(caller, &LegCounters::loud_frames_out, 300), 0u);
  EXPECT_GE(growth(agent, &LegCounters::loud_frames_out, 200), 5u);  // the agent still hears
  media_.set_mute(agent, false);

  // Hold: the caller hears the hold tone, the agent hears silence.
  media_.set_hold(caller, true);
  std::this_thread::sleep_for(60ms);
  uint64_t agent_heard = counters(agent).loud_frames_out;
  EXPECT_GE(growth(caller, &LegCounters::loud_frames_out, 600), 12u);
  EXPECT_EQ(counters(agent).loud_frames_out - agent_heard, 0u);
  media_.set_hold(caller, false);
  EXPECT_GE(growth(agent, &LegCounters::loud_frames_out, 300), 5u);

  // DTMF to the agent leg goes out as RFC 4733 events on that leg only.
  ASSERT_TRUE(media_.send_dtmf(agent, "5"));
  EXPECT_TRUE(until(
      agent, [](auto& c) { return c.events_out >= 6; }, 2s));
  EXPECT_EQ(counters(caller).events_out, 0u);
  EXPECT_FALSE(media_.send_dtmf(agent, "x"));

  media_.stop_recording(caller);
  ASSERT_TRUE(centre_.wait([&] { return centre_.recordings_.count(caller) > 0; }));
  const auto& meta = centre_.recordings_.at(caller);
  ASSERT_TRUE(meta) << meta.error().message;
  EXPECT_EQ(meta->channels, 2);
  EXPECT_GT(meta->duration_ms, 1000);
  EXPECT_TRUE(std::filesystem::exists(meta->mp3_path));
  EXPECT_GT(meta->mp3_bytes, 1000u);
  int channels = 0;
  auto [left, right] = audible_frames(wav, &channels);
  EXPECT_EQ(channels, 2);
  EXPECT_GE(left, 25) << "caller channel";
  EXPECT_GE(right, 25) << "agent channel";

  sip_->hangup(agent);
  sip_->hangup(caller);
  EXPECT_EQ(phone.get(), 0);  // the phone got our INVITE (with X-Call-Id), answered, took the BYE
  EXPECT_EQ(caller_.get(), 0);
  ASSERT_TRUE(centre_.wait([&] { return centre_.ended_.size() == 2; }));
  EXPECT_EQ(centre_.ended_[agent], CallEndReason::kLocalHangup);
}

TEST_F(BridgeTest, SupervisorOnATcpPhoneListensUnheardThenBargesIn) {
  auto agent_phone = start_phone("1001", "agent_answer.xml");
  auto supervisor_phone = start_phone("1002", "agent_answer.xml", "t1");
  ASSERT_EQ(sip_->registrations().size(), 2u);
  CallId caller = start_caller();
  CallId agent = dial("1001");
  ASSERT_TRUE(media_.bridge(caller, agent));
  // The registering connection is closed: the INVITE goes to the registered TCP Contact.
  CallId supervisor = dial("1002");
  ASSERT_TRUE(media_.attach_supervisor(caller, supervisor, media::SupervisorMode::kListen));
  // The supervisor hears the call while speaking themselves; the agent is muted so that what
  // the caller hears can only be the supervisor.
  media_.set_mute(agent, true);
  ASSERT_TRUE(
      until(supervisor, [](auto& c) { return c.loud_frames_in >= 10 && c.loud_frames_out >= 10; }))
      << "supervisor in " << counters(supervisor).loud_frames_in << " out "
      << counters(supervisor).loud_frames_out;
  EXPECT_EQ(growth(caller, &LegCounters::loud_frames_out, 300), 0u);  // listen: unheard
  ASSERT_TRUE(media_.attach_supervisor(caller, supervisor, media::SupervisorMode::kBarge));
  std::this_thread::sleep_for(60ms);
  EXPECT_GE(growth(caller, &LegCounters::loud_frames_out, 300), 8u);  // barge: heard
  media_.detach_supervisor(caller);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(growth(caller, &LegCounters::loud_frames_out, 200), 0u);

  sip_->hangup(supervisor);
  sip_->hangup(agent);
  sip_->hangup(caller);
  EXPECT_EQ(agent_phone.get(), 0);
  EXPECT_EQ(supervisor_phone.get(), 0);
  EXPECT_EQ(caller_.get(), 0);
}

// Whisper: the supervisor's phone speaks; the agent hears it, the caller does not. The caller
// and the agent are muted in turn so that what a leg hears can only come from the supervisor.
TEST_F(BridgeTest, SupervisorWhispersToTheAgentAndTheCallerDoesNotHear) {
  auto agent_phone = start_phone("1001", "agent_answer.xml");
  auto supervisor_phone = start_phone("1002", "agent_answer.xml");
  ASSERT_EQ(sip_->registrations().size(), 2u);
  CallId caller = start_caller();
  CallId agent = dial("1001");
  ASSERT_TRUE(media_.bridge(caller, agent));
  CallId supervisor = dial("1002");
  media_.set_mute(caller, true);  // the agent now hears nobody but a whispering supervisor
  media_.set_mute(agent, true);   // the caller now hears nobody but a barging supervisor
  ASSERT_TRUE(media_.attach_supervisor(caller, supervisor, media::SupervisorMode::kListen));
  ASSERT_TRUE(until(supervisor, [](auto& c) { return c.loud_frames_in >= 10; }))
      << "supervisor in " << counters(supervisor).loud_frames_in;
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(growth(agent, &LegCounters::loud_frames_out, 300), 0u);  // listen: nobody hears
  ASSERT_TRUE(media_.attach_supervisor(caller, supervisor, media::SupervisorMode::kWhisper));
  std::this_thread::sleep_for(60ms);
  uint64_t caller_heard = counters(caller).loud_frames_out;
  EXPECT_GE(growth(agent, &LegCounters::loud_frames_out, 400), 10u);  // the agent hears it
  EXPECT_EQ(counters(caller).loud_frames_out - caller_heard, 0u);     // the caller does not
  EXPECT_GE(counters(supervisor).loud_frames_in, 10u);
  // Unmuted, the caller still hears the agent only; the supervisor stays a whisper.
  media_.set_mute(agent, false);
  EXPECT_GE(growth(caller, &LegCounters::loud_frames_out, 300), 5u);
  media_.detach_supervisor(caller);
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(growth(agent, &LegCounters::loud_frames_out, 300), 0u);  // caller still muted

  sip_->hangup(supervisor);
  sip_->hangup(agent);
  sip_->hangup(caller);
  EXPECT_EQ(agent_phone.get(), 0);
  EXPECT_EQ(supervisor_phone.get(), 0);
  EXPECT_EQ(caller_.get(), 0);
}

// Unbridge (e.g. the agent consults before a transfer): neither side hears the other, both legs
// stay up, the caller can hear prompts; bridging again restores the conversation.
TEST_F(BridgeTest, UnbridgeSilencesBothSidesAndBridgingAgainRestoresTheConversation) {
  auto phone = start_phone("1001", "agent_answer.xml");
  CallId caller = start_caller();
  CallId agent = dial("1001");
  ASSERT_TRUE(media_.bridge(caller, agent));
  ASSERT_TRUE(
      until(agent, [](auto& c) { return c.loud_frames_in >= 10 && c.loud_frames_out >= 10; }));
  ASSERT_TRUE(until(caller, [](auto& c) { return c.loud_frames_out >= 10; }));
  // In-band DTMF is not listened for while the caller talks to an agent, nor on the agent leg.
  EXPECT_FALSE(counters(caller).inband_dtmf);
  EXPECT_FALSE(counters(agent).inband_dtmf);

  media_.unbridge(caller);
  EXPECT_TRUE(counters(caller).inband_dtmf);  // the caller may use menus again
  std::this_thread::sleep_for(60ms);
  uint64_t caller_heard = counters(caller).loud_frames_out;
  EXPECT_EQ(growth(agent, &LegCounters::loud_frames_out, 400), 0u);  // the agent hears nothing
  EXPECT_EQ(counters(caller).loud_frames_out - caller_heard, 0u);     // nor does the caller
  EXPECT_GE(growth(agent, &LegCounters::loud_frames_in, 200), 3u);    // though the agent speaks
  EXPECT_TRUE(centre_.ended_.empty());                                // both legs stay up
  media_.play_waiting_tone(caller, media::hold_tone());
  EXPECT_GE(growth(caller, &LegCounters::loud_frames_out, 400), 8u);
  EXPECT_EQ(growth(agent, &LegCounters::loud_frames_out, 200), 0u);
  media_.unbridge(caller);  // a second unbridge is harmless

  ASSERT_TRUE(media_.bridge(caller, agent));
  EXPECT_FALSE(counters(caller).inband_dtmf);
  EXPECT_GE(growth(agent, &LegCounters::loud_frames_out, 400), 8u);
  EXPECT_GE(growth(caller, &LegCounters::loud_frames_out, 400), 8u);

  sip_->hangup(agent);
  sip_->hangup(caller);
  EXPECT_EQ(phone.get(), 0);
  EXPECT_EQ(caller_.get(), 0);
}

// A phone behind NAT: its REGISTER names in Via and Contact an address where nobody listens.
// Its calls still ring at the address the REGISTER came from, the in-dialog ACK and BYE reach
// it there too, and audio flows; over UDP and over TCP.
TEST_F(BridgeTest, PhoneBehindNatIsCalledWhereItsRegisterCameFrom) {
  for (std::string transport : {"u1", "t1"}) {
    SCOPED_TRACE(transport);
    uint16_t sip_port = testing::free_sip_port();
    uint16_t nat_port = testing::free_sip_port();  // nobody listens there
    uint16_t media_port = testing::free_media_port();
    std::string keys = " -key ext 1001 -key nat_port " + std::to_string(nat_port) + " -t " +
                       transport + " -p " + std::to_string(sip_port);
    // The REGISTER leaves from the phone's socket (the NAT's public mapping), then the phone
    // waits for calls on that same port.
    ASSERT_EQ(run_sipp(port_, "register_nat.xml", "-au 1001 -ap pw-1001" + keys), 0);
    auto phone = std::async(std::launch::async, [=] {
      return run_sipp_phone(sip_port, "agent_nat_answer.xml",
                            "-mp " + std::to_string(media_port) + " -key ext 1001 -key nat_port " +
                                std::to_string(nat_port) + " -t " + transport);
    });
    std::this_thread::sleep_for(100ms);  // SIPp binds its port (a process start, not a timer)
    std::optional<PhoneBinding> binding;
    for (const auto& b : sip_->registrations())
      if (b.extension == "1001") binding = b;
    ASSERT_TRUE(binding);
    EXPECT_EQ(binding->contact, "sip:1001@127.0.0.1:" + std::to_string(nat_port) +
                                    ";transport=" + (transport == "u1" ? "UDP" : "TCP"));
    EXPECT_TRUE(binding->via_source);
    centre_.inbound_.clear();
    centre_.established_.clear();
    CallId caller = start_caller();
    CallId agent = dial("1001");
    ASSERT_TRUE(centre_.answered_.count(agent));
    ASSERT_TRUE(media_.bridge(caller, agent));
    EXPECT_TRUE(
        until(agent, [](auto& c) { return c.loud_frames_in >= 25 && c.loud_frames_out >= 25; }))
        << "agent in " << counters(agent).loud_frames_in << " out "
        << counters(agent).loud_frames_out;
    sip_->hangup(agent);
    sip_->hangup(caller);
    EXPECT_EQ(phone.get(), 0);  // rang, answered, got our ACK and BYE on its real socket
    EXPECT_EQ(caller_.get(), 0);
    ASSERT_TRUE(
        centre_.wait([&] { return centre_.ended_.count(agent) && centre_.ended_.count(caller); }));
  }
}

TEST_F(BridgeTest, AgentHangsUpOnThePhoneAndOnlyTheAgentLegEnds) {
  auto phone = start_phone("1001", "agent_hangup.xml");
  CallId caller = start_caller();
  CallId agent = dial("1001");
  ASSERT_TRUE(media_.bridge(caller, agent));
  ASSERT_TRUE(centre_.wait([&] { return centre_.ended_.count(agent) > 0; }));
  EXPECT_EQ(centre_.ended_[agent], CallEndReason::kRemoteHangup);
  EXPECT_EQ(phone.get(), 0);
  // The caller stays on the line (the application may queue them again) and hears prompts.
  EXPECT_EQ(centre_.ended_.count(caller), 0u);
  media_.play_waiting_tone(caller, media::hold_tone());
  EXPECT_GE(growth(caller, &LegCounters::loud_frames_out, 400), 8u);
  sip_->hangup(caller);
  EXPECT_EQ(caller_.get(), 0);
}

// baresip, a real softphone, as the agent's phone: digest REGISTER, auto-answer, a 440 Hz
// sine as its microphone. Over UDP and over TCP. It listens for SIP on a port over UDP and TCP
// and for TLS on the next one.
class Baresip {
 public:
  Baresip(const std::filesystem::path& dir, const std::string& ext, uint16_t registrar_port,
          const std::string& transport) {
    std::filesystem::create_directories(dir);
    uint16_t port = testing::free_sip_port(2);
    std::ofstream(dir / "config") << "poll_method epoll\n"
                                  << "sip_listen 127.0.0.1:" << port << "\n"
                                  << "audio_player aubridge,phone\n"
                                  << "audio_source ausine,440\n"
                                  << "audio_alert aubridge,phone\n"
                                  << "ausrc_srate 48000\nausrc_channels 2\n"
                                  << "module_path /usr/lib/baresip/modules\n"
                                  << "module g711.so\nmodule ausine.so\nmodule aubridge.so\n"
                                  << "module_app account.so\n";
    std::ofstream(dir / "accounts")
        << "<sip:" << ext << "@127.0.0.1:" << registrar_port << ";transport=" << transport
        << ">;auth_pass=pw-" << ext << ";answermode=auto;regint=300;audio_codecs=PCMU,PCMA\n";
    std::string config = dir.string();
    std::string log = (dir / "baresip.log").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    // -t: a safety net; the phone is stopped at the end of the test.
    std::vector<std::string> args = {"baresip", "-f", config, "-t", "60"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "baresip", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    log_ = log;
  }
  ~Baresip() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  bool running() const { return pid_ > 0; }
  // Whether it has quit (it does when it cannot bind its ports).
  bool exited() {
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
    return pid_ <= 0;
  }
  std::string log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

TEST_F(BridgeTest, BaresipSoftphoneRegistersAnswersAndTalksOverUdpAndTcp) {
  for (std::string transport : {"udp", "tcp"}) {
    SCOPED_TRACE(transport);
    auto registered = [&] {
      for (const auto& b : sip_->registrations())
        if (b.extension == "1003" && b.source.rfind(transport, 0) == 0) return true;
      return false;
    };
    // Its ports are picked free but are only taken when it starts: if something else took one
    // meanwhile, baresip quits at once, and is started again on other ports.
    std::optional<Baresip> phone;
    std::string logs;
    for (int start = 0; start < 3 && !registered(); ++start) {
      phone.reset();
      phone.emplace(dir_ / ("baresip-" + transport), "1003", port_, transport);
      ASSERT_TRUE(phone->running());
      const auto deadline = std::chrono::steady_clock::now() + 30s;
      while (!registered() && !phone->exited() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
      logs += phone->log();
    }
    ASSERT_TRUE(registered()) << logs;
    centre_.inbound_.clear();
    centre_.established_.clear();
    CallId caller = start_caller();
    CallId agent = dial("1003");
    ASSERT_TRUE(centre_.answered_.count(agent)) << phone->log();
    // Over TCP baresip registers from a connection port it does not listen on: the call came to
    // it over that same connection.
    for (const auto& b : sip_->registrations())
      if (b.extension == "1003") {
        EXPECT_EQ(b.via_source, transport == "tcp") << b.source;
      }
    ASSERT_TRUE(media_.bridge(caller, agent));
    // baresip's sine reaches the caller; the caller's voice reaches baresip.
    EXPECT_TRUE(
        until(agent, [](auto& c) { return c.loud_frames_in >= 25 && c.loud_frames_out >= 25; }))
        << "agent in " << counters(agent).loud_frames_in << " out "
        << counters(agent).loud_frames_out << "\n"
        << phone->log();
    EXPECT_TRUE(until(caller, [](auto& c) { return c.loud_frames_out >= 25; }));
    sip_->hangup(agent);
    sip_->hangup(caller);
    EXPECT_EQ(caller_.get(), 0);
    ASSERT_TRUE(
        centre_.wait([&] { return centre_.ended_.count(agent) && centre_.ended_.count(caller); }));
  }
}

TEST_F(BridgeTest, BusyRingingOutAndUnregisteredPhonesFailTheLeg) {
  CallId nobody = dial("1003", false);
  ASSERT_TRUE(centre_.wait([&] { return centre_.failed_.count(nobody) > 0; }));
  EXPECT_EQ(centre_.failed_[nobody], 480);

  auto busy_phone = start_phone("1001", "agent_busy.xml");
  CallId busy = dial("1001", false);
  ASSERT_TRUE(centre_.wait([&] { return centre_.failed_.count(busy) > 0; }));
  EXPECT_EQ(centre_.failed_[busy], 486);
  EXPECT_EQ(busy_phone.get(), 0);

  auto ringing_phone = start_phone("1002", "agent_ring.xml");
  CallId ringing = dial("1002", false);
  ASSERT_TRUE(centre_.wait([&] { return centre_.ringing_.count(ringing) > 0; }));
  sip_->hangup(ringing);  // ring-no-answer: the centre gives up
  ASSERT_TRUE(centre_.wait([&] { return centre_.failed_.count(ringing) > 0; }));
  EXPECT_EQ(centre_.failed_[ringing], 487);
  EXPECT_EQ(ringing_phone.get(), 0);  // it saw the CANCEL
  EXPECT_TRUE(centre_.ended_.empty());
  EXPECT_FALSE(media_.leg_counters(ringing));  // its media was released
}

}  // namespace
}  // namespace sy::sip
