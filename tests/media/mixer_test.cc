// Supervisor modes: who hears whom, and saturation instead of wrap-around.
#include "media/mixer.h"

#include <gtest/gtest.h>

namespace sy::media {
namespace {

Frame constant(int16_t v) {
  Frame f;
  f.fill(v);
  return f;
}

// Distinct powers of two so a sum tells which parties are in it.
const Frame kCaller = constant(1);
const Frame kAgent = constant(2);
const Frame kSupervisor = constant(4);

ThreePartyOutput mix(SupervisorMode mode) {
  return mix_three_party(mode, {kCaller, kAgent, kSupervisor});
}

TEST(Mixer, NormalCallSupervisorHearsNothing) {
  auto out = mix(SupervisorMode::kNone);
  EXPECT_EQ(out.to_caller[0], 2);
  EXPECT_EQ(out.to_agent[0], 1);
  EXPECT_EQ(out.to_supervisor[0], 0);
}

TEST(Mixer, ListenSupervisorHearsBothNobodyHearsSupervisor) {
  auto out = mix(SupervisorMode::kListen);
  EXPECT_EQ(out.to_caller[0], 2);
  EXPECT_EQ(out.to_agent[0], 1);
  EXPECT_EQ(out.to_supervisor[0], 3);
}

TEST(Mixer, WhisperOnlyTheAgentHearsTheSupervisor) {
  auto out = mix(SupervisorMode::kWhisper);
  EXPECT_EQ(out.to_caller[0], 2);  // caller never hears the coaching
  EXPECT_EQ(out.to_agent[0], 1 + 4);
  EXPECT_EQ(out.to_supervisor[0], 3);
}

TEST(Mixer, BargeEveryoneHearsTheOtherTwo) {
  auto out = mix(SupervisorMode::kBarge);
  EXPECT_EQ(out.to_caller[159], 2 + 4);
  EXPECT_EQ(out.to_agent[159], 1 + 4);
  EXPECT_EQ(out.to_supervisor[159], 1 + 2);
}

TEST(Mixer, LoudSumsSaturateInsteadOfWrapping) {
  const Frame loud = constant(30000);
  const Frame quiet_neg = constant(-30000);
  auto out = mix_three_party(SupervisorMode::kBarge, {loud, loud, loud});
  EXPECT_EQ(out.to_caller[0], 32767);
  out = mix_three_party(SupervisorMode::kBarge, {quiet_neg, quiet_neg, quiet_neg});
  EXPECT_EQ(out.to_agent[0], -32768);
  Frame dst = constant(32000);
  mix_add_saturating(dst, constant(1000));
  EXPECT_EQ(dst[0], 32767);
}

TEST(Mixer, MissingPartyIsSilence) {
  auto out = mix_three_party(SupervisorMode::kBarge, {kCaller, kAgent, {}});
  EXPECT_EQ(out.to_caller[0], 2);
  EXPECT_EQ(out.to_agent[0], 1);
}

}  // namespace
}  // namespace sy::media
