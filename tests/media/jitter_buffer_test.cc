// Jitter buffer driven by a manual clock: playout delay, reordering, late and duplicate drops,
// concealment by fading repetition, sequence wrap, and restart after a pause.
#include "media/jitter_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace sy::media {
namespace {

using std::chrono::milliseconds;

// A frame whose samples all carry its number, so the test can see which one was played.
Frame numbered(int n) {
  Frame f;
  f.fill(static_cast<int16_t>(n * 100));
  return f;
}

struct Harness {
  JitterBuffer jb;
  ManualClock clock;
  explicit Harness(JitterBufferConfig c = {}) : jb(c) {}
  bool push(uint16_t seq, int n) { return jb.push(seq, numbered(n), clock.now()); }
  JitterOutput tick() {
    auto out = jb.pop(clock.now());
    clock.advance(milliseconds(20));
    return out;
  }
};

TEST(JitterBuffer, WaitsForThePlayoutDelayThenPlaysInOrder) {
  Harness h;
  h.push(100, 1);
  EXPECT_EQ(h.tick().kind, FrameKind::kSilence);  // t=0: still buffering (60 ms)
  h.push(101, 2);
  EXPECT_EQ(h.tick().kind, FrameKind::kSilence);  // t=20
  h.push(102, 3);
  EXPECT_EQ(h.tick().kind, FrameKind::kSilence);  // t=40
  auto out = h.tick();                            // t=60
  EXPECT_EQ(out.kind, FrameKind::kAudio);
  EXPECT_EQ(out.samples[0], 100);
  EXPECT_EQ(h.tick().samples[0], 200);
  EXPECT_EQ(h.tick().samples[0], 300);
}

TEST(JitterBuffer, ReordersPackets) {
  Harness h;
  for (uint16_t seq : {10, 12, 11, 14, 13}) h.push(seq, seq);
  h.clock.advance(milliseconds(60));
  std::vector<int> played;
  for (int i = 0; i < 5; ++i) played.push_back(h.tick().samples[0] / 100);
  EXPECT_EQ(played, (std::vector<int>{10, 11, 12, 13, 14}));
  EXPECT_EQ(h.jb.stats().played, 5u);
}

TEST(JitterBuffer, FirstPacketsOvertakenBeforePlayoutAreStillPlayed) {
  Harness h;
  for (uint16_t seq : {12, 10, 11}) EXPECT_TRUE(h.push(seq, seq));
  h.clock.advance(milliseconds(60));
  EXPECT_EQ(h.tick().samples[0], 1000);
  EXPECT_EQ(h.tick().samples[0], 1100);
  EXPECT_EQ(h.tick().samples[0], 1200);
}

TEST(JitterBuffer, DropsLateAndDuplicatePackets) {
  Harness h;
  h.push(1, 1);
  EXPECT_FALSE(h.push(1, 1));  // duplicate
  h.clock.advance(milliseconds(60));
  h.tick();                    // plays 1
  h.tick();                    // 2 missing: concealed
  EXPECT_FALSE(h.push(2, 2));  // too late now
  EXPECT_EQ(h.jb.stats().duplicate, 1u);
  EXPECT_EQ(h.jb.stats().late, 1u);
}

TEST(JitterBuffer, ConcealsALostFrameWithAFadingRepeatThenSilence) {
  JitterBufferConfig c;
  c.max_concealed = 2;
  Harness h(c);
  h.push(50, 40);  // samples 4000
  h.clock.advance(milliseconds(60));
  EXPECT_EQ(h.tick().samples[0], 4000);
  auto first = h.tick();
  EXPECT_EQ(first.kind, FrameKind::kConcealed);
  EXPECT_EQ(first.samples[0], 2000);
  auto second = h.tick();
  EXPECT_EQ(second.kind, FrameKind::kConcealed);
  EXPECT_EQ(second.samples[0], 1000);
  auto third = h.tick();
  EXPECT_EQ(third.kind, FrameKind::kSilence);
  EXPECT_EQ(third.samples[0], 0);
  // Audio resumes where the sequence says.
  h.push(54, 7);
  EXPECT_EQ(h.tick().samples[0], 700);
}

TEST(JitterBuffer, SequenceWrapIsSeamless) {
  Harness h;
  const uint16_t seqs[] = {65534, 65535, 0, 1};
  for (int i = 0; i < 4; ++i) h.push(seqs[i], i + 1);
  h.clock.advance(milliseconds(60));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(h.tick().samples[0], (i + 1) * 100);
}

TEST(JitterBuffer, RestartsAfterAPauseAndAfterASequenceJump) {
  Harness h;
  h.push(10, 1);
  h.clock.advance(milliseconds(60));
  h.tick();
  for (int i = 0; i < 30; ++i) h.tick();  // long silence: the buffer lets go of the anchor
  h.push(11, 2);                          // the sender resumes (DTX): new talk spurt
  EXPECT_EQ(h.tick().kind, FrameKind::kSilence);
  h.clock.advance(milliseconds(60));
  EXPECT_EQ(h.tick().samples[0], 200);
  // A new stream far behind (e.g. the far end restarted): follow it instead of calling it late.
  h.push(30000, 3);
  EXPECT_EQ(h.jb.stats().resyncs, 1u);
  h.clock.advance(milliseconds(60));
  EXPECT_EQ(h.tick().samples[0], 300);
}

TEST(JitterBuffer, OverflowDropsTheOldest) {
  JitterBufferConfig c;
  c.max_frames = 5;
  Harness h(c);
  for (uint16_t s = 0; s < 8; ++s) h.push(s, s);
  EXPECT_EQ(h.jb.buffered(), 5u);
  EXPECT_EQ(h.jb.stats().overflow, 3u);
  h.clock.advance(milliseconds(60));
  EXPECT_EQ(h.tick().samples[0], 300);  // 0..2 dropped
}

}  // namespace
}  // namespace sy::media
