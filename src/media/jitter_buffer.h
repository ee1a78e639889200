// Receive-side jitter buffer for 20 ms frames of 8 kHz linear audio. It reorders by RTP
// sequence number, drops late and duplicate packets, and conceals gaps by repeating the last
// frame at a falling level, then silence. Time is an argument: the caller's 20 ms media tick
// calls pop(now); nothing inside sleeps or owns a thread.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <span>

#include "core/clock.h"
#include "media/tones.h"

namespace sy::media {

using Frame = std::array<int16_t, kFrameSamples>;

struct JitterBufferConfig {
  Duration playout_delay = std::chrono::milliseconds(60);  // buffering before the first pop
  size_t max_frames = 50;      // 1 s: beyond this the oldest frames are dropped
  int max_concealed = 5;       // frames of repetition before falling back to silence
  float conceal_gain = 0.5f;   // level multiplier per repeated frame
  int resync_after_lost = 25;  // this many missing frames in a row: wait for a new anchor
};

enum class FrameKind { kAudio, kConcealed, kSilence };

struct JitterOutput {
  Frame samples{};
  FrameKind kind = FrameKind::kSilence;
};

struct JitterStats {
  uint64_t received = 0, played = 0, concealed = 0, silent = 0;
  uint64_t late = 0, duplicate = 0, overflow = 0, resyncs = 0;
};

class JitterBuffer {
 public:
  explicit JitterBuffer(JitterBufferConfig config = {}) : config_(config) {}

  // Accepts one frame (fewer samples are zero-padded, extra ignored). Returns false when the
  // packet was dropped as late or duplicate.
  bool push(uint16_t seq, std::span<const int16_t> samples, TimePoint now);
  // Writes part of frame `seq` from sample `offset` on: packets that are not 20 ms long (30 ms
  // is common) are cut at frame boundaries by the stream, and the pieces of one frame arriving
  // in two packets are joined. False when those samples were already there (a duplicate) or the
  // frame was already played.
  bool push_part(uint16_t seq, size_t offset, std::span<const int16_t> samples, TimePoint now);
  // The frame to play for this 20 ms tick.
  JitterOutput pop(TimePoint now);

  // Forgets the stream (new SSRC): the next push anchors afresh. Statistics are kept.
  void reset() {
    anchored_ = false;
    have_last_ = false;
    frames_.clear();
  }

  size_t buffered() const { return frames_.size(); }
  const JitterStats& stats() const { return stats_; }

 private:
  void anchor(uint16_t seq, TimePoint now);
  JitterOutput conceal();

  JitterBufferConfig config_;
  bool anchored_ = false;
  bool playing_ = false;  // playout has started: the anchor can no longer move back
  TimePoint playout_start_{};
  uint16_t next_seq_ = 0;
  struct Slot {
    Frame samples{};
    std::bitset<kFrameSamples> filled;
  };
  bool insert(uint16_t seq, size_t offset, std::span<const int16_t> samples, bool whole,
              TimePoint now);
  std::map<int64_t, Slot> frames_;  // keyed by extended index (base_ = next_seq_)
  int64_t base_ = 0;                 // extended index of next_seq_
  Frame last_{};
  bool have_last_ = false;
  int missing_run_ = 0;
  JitterStats stats_;
};

}  // namespace sy::media
