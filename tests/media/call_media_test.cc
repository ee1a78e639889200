// CallMedia with phones simulated by RtpStreams back to back: the caller hears prompts, then
// the agent; a whispering supervisor reaches only the agent; the recording has the caller left
// and the agent right.
#include "media/call_media.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include "temp_dir.h"

namespace sy::media {
namespace {

using std::chrono::milliseconds;
using CallMediaTest = TempDirTest;

Frame level(int16_t v) {
  Frame f;
  f.fill(v);
  return f;
}

// A phone: its own stream talking to the centre's stream for that leg.
struct Phone {
  std::unique_ptr<RtpStream> phone = RtpStream::create({}).value();
  std::unique_ptr<RtpStream> centre = RtpStream::create({}).value();
  int16_t heard = 0;  // first sample of the last frame the phone played
  void speak(int16_t v, TimePoint now) { centre->on_datagram(phone->next_packet(level(v)), now); }
  void hear(const std::vector<uint8_t>& packet, TimePoint now) {
    if (!packet.empty()) phone->on_datagram(packet, now);
    heard = phone->next_frame(now).samples[0];
  }
};

// Runs `ticks` media ticks where each party speaks a constant level.
void run(CallMedia& call, Phone& caller, Phone* agent, Phone* sup, ManualClock& clock, int ticks) {
  for (int i = 0; i < ticks; ++i, clock.advance(milliseconds(20))) {
    caller.speak(1000, clock.now());
    if (agent) agent->speak(2000, clock.now());
    if (sup) sup->speak(4000, clock.now());
    auto out = call.tick(clock.now());
    ASSERT_TRUE(out.ok());
    caller.hear(out->to_caller, clock.now());
    if (agent) agent->hear(out->to_agent, clock.now());
    if (sup) sup->hear(out->to_supervisor, clock.now());
  }
}

TEST_F(CallMediaTest, PromptThenAgentThenWhisperAndRecording) {
  Phone caller, agent, sup;
  CallMedia call(*caller.centre);
  auto rec = CallRecorder::open(path("call.wav"));
  ASSERT_TRUE(rec.ok());
  call.set_recorder(rec->get());
  ManualClock clock;

  call.caller_player().play(std::make_shared<std::vector<int16_t>>(8000, 3000));
  run(call, caller, nullptr, nullptr, clock, 20);
  EXPECT_NEAR(caller.heard, 3000, 100);  // the IVR prompt

  call.caller_player().stop();
  call.attach_agent(agent.centre.get());
  run(call, caller, &agent, nullptr, clock, 20);
  EXPECT_NEAR(caller.heard, 2000, 100);
  EXPECT_NEAR(agent.heard, 1000, 100);

  call.attach_supervisor(sup.centre.get(), SupervisorMode::kWhisper);
  run(call, caller, &agent, &sup, clock, 20);
  EXPECT_NEAR(caller.heard, 2000, 100);        // caller never hears the whisper
  EXPECT_NEAR(agent.heard, 1000 + 4000, 200);  // agent hears caller + supervisor
  EXPECT_NEAR(sup.heard, 3000, 150);           // supervisor hears both

  ASSERT_TRUE((*rec)->close().ok());
  SF_INFO info{};
  SNDFILE* f = sf_open(path("call.wav").c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  std::vector<int16_t> pcm(static_cast<size_t>(info.frames * 2));
  sf_readf_short(f, pcm.data(), info.frames);
  sf_close(f);
  EXPECT_EQ(info.frames, 60 * 160);
  const size_t late = static_cast<size_t>(info.frames - 10);  // during the whisper
  EXPECT_NEAR(pcm[2 * late], 1000, 100);                      // caller left
  EXPECT_NEAR(pcm[2 * late + 1], 2000, 100);  // agent right, no whisper in the recording
}

// A consultation: the caller on hold hears only the hold music, the agent and the consulted
// party hear each other. A conference: the three hear each other, a listening supervisor hears
// all three, and the consulted party is recorded with the agent.
TEST_F(CallMediaTest, ConsultationThenConference) {
  Phone caller, agent, sup, third;
  CallMedia call(*caller.centre);
  auto rec = CallRecorder::open(path("conf.wav"));
  ASSERT_TRUE(rec.ok());
  call.set_recorder(rec->get());
  call.attach_agent(agent.centre.get());
  call.attach_supervisor(sup.centre.get(), SupervisorMode::kListen);
  call.attach_third(third.centre.get());
  call.set_hold(true);
  ManualClock clock;
  auto tick = [&](int ticks) {
    for (int i = 0; i < ticks; ++i, clock.advance(milliseconds(20))) {
      caller.speak(1000, clock.now());
      agent.speak(2000, clock.now());
      sup.speak(4000, clock.now());
      third.speak(500, clock.now());
      auto out = call.tick(clock.now());
      ASSERT_TRUE(out.ok());
      caller.hear(out->to_caller, clock.now());
      agent.hear(out->to_agent, clock.now());
      sup.hear(out->to_supervisor, clock.now());
      third.hear(out->to_third, clock.now());
    }
  };
  tick(20);
  EXPECT_NEAR(caller.heard, 0, 20);     // on hold (no music player here): nobody
  EXPECT_NEAR(agent.heard, 500, 50);    // the consulted party only
  EXPECT_NEAR(third.heard, 2000, 100);  // the agent only, not the caller
  EXPECT_NEAR(sup.heard, 0, 20);        // as on any hold

  call.set_hold(false);
  call.set_conference(true);
  tick(20);
  EXPECT_NEAR(caller.heard, 2000 + 500, 150);
  EXPECT_NEAR(agent.heard, 1000 + 500, 100);
  EXPECT_NEAR(third.heard, 1000 + 2000, 150);
  EXPECT_NEAR(sup.heard, 1000 + 2000 + 500, 200);  // listens to all three, unheard

  call.attach_third(nullptr);  // the consulted party hangs up: back to caller and agent
  EXPECT_FALSE(call.conference());
  tick(20);
  EXPECT_NEAR(caller.heard, 2000, 100);
  EXPECT_NEAR(agent.heard, 1000, 100);

  ASSERT_TRUE((*rec)->close().ok());
  SF_INFO info{};
  SNDFILE* f = sf_open(path("conf.wav").c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  std::vector<int16_t> pcm(static_cast<size_t>(info.frames * 2));
  sf_readf_short(f, pcm.data(), info.frames);
  sf_close(f);
  ASSERT_EQ(info.frames, 60 * 160);
  const size_t conference = static_cast<size_t>(info.frames / 2 + 10);
  EXPECT_NEAR(pcm[2 * conference], 1000, 100);            // caller left
  EXPECT_NEAR(pcm[2 * conference + 1], 2000 + 500, 150);  // agent and consulted party right
}

}  // namespace
}  // namespace sy::media
