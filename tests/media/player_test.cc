// PromptPlayer: prompts back to back across frame boundaries, silence and tone items, barge-in.
#include "media/player.h"

#include <gtest/gtest.h>

namespace sy::media {
namespace {

using std::chrono::milliseconds;

SharedSamples ramp(size_t n, int16_t start) {
  auto v = std::make_shared<std::vector<int16_t>>(n);
  for (size_t i = 0; i < n; ++i) (*v)[i] = static_cast<int16_t>(start + i);
  return v;
}

TEST(PromptPlayer, PlaysPromptsBackToBackAcrossFrames) {
  PromptPlayer player;
  player.play(ramp(250, 1));    // 1..250
  player.play(ramp(70, 1000));  // 1000..1069: fills the rest of frame 2
  Frame f;
  ASSERT_TRUE(player.next(f));
  EXPECT_EQ(f[0], 1);
  EXPECT_EQ(f[159], 160);
  ASSERT_TRUE(player.next(f));
  EXPECT_EQ(f[89], 250);
  EXPECT_EQ(f[90], 1000);  // no gap between prompts
  EXPECT_EQ(f[159], 1069);
  EXPECT_TRUE(player.idle());
  EXPECT_FALSE(player.next(f));
  EXPECT_EQ(f[0], 0);
}

TEST(PromptPlayer, SilenceThenToneForItsLength) {
  PromptPlayer player;
  player.play_silence(milliseconds(40));
  player.play_tone(ToneGenerator::create(china_ringback_tone()).value(), milliseconds(100));
  Frame f;
  int frames = 0, loud = 0;
  while (player.next(f)) {
    ++frames;
    loud += std::any_of(f.begin(), f.end(), [](int16_t s) { return s > 1000; });
  }
  EXPECT_EQ(frames, 7);  // 2 silent + 5 tone frames
  EXPECT_EQ(loud, 5);
}

TEST(PromptPlayer, UnboundedToneRunsUntilBargeIn) {
  PromptPlayer player;
  player.play_tone(ToneGenerator::create(queue_beep_tone()).value());
  player.play(ramp(160, 1));  // queued behind the tone: never reached without stop()
  Frame f;
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(player.next(f));
  player.stop();  // e.g. a digit arrived
  EXPECT_TRUE(player.idle());
  EXPECT_FALSE(player.next(f));
}

TEST(PromptPlayer, OnePromptBufferServesManyCalls) {
  const SharedSamples prompt = ramp(320, 5);
  PromptPlayer a, b;
  a.play(prompt);
  b.play(prompt);
  Frame fa, fb;
  a.next(fa);
  a.next(fa);
  b.next(fb);
  EXPECT_EQ(fa[0], 165);  // each player keeps its own position
  EXPECT_EQ(fb[0], 5);
  EXPECT_EQ(prompt.use_count(), 2);  // a finished, b still playing; no copies
}

}  // namespace
}  // namespace sy::media
