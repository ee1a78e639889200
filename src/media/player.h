// Plays IVR audio into a call leg 20 ms at a time: queued prompts (shared sample buffers, so one
// cached prompt serves every call without copies), silences and tones (ringback, queue beeps).
// stop() is the barge-in: a DTMF digit cuts the current prompt and everything queued after it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "core/clock.h"
#include "media/jitter_buffer.h"
#include "media/tones.h"

namespace sy::media {

using SharedSamples = std::shared_ptr<const std::vector<int16_t>>;

class PromptPlayer {
 public:
  void play(SharedSamples samples);
  void play_silence(Duration length);
  // A tone for `length`, or until stop() when length is zero (e.g. ringback while waiting).
  void play_tone(std::unique_ptr<ToneGenerator> tone, Duration length = Duration::zero());
  // Barge-in: drops the current item and the queue.
  void stop() { queue_.clear(); }
  bool idle() const { return queue_.empty(); }

  // Fills one frame; returns false (and a silent frame) when nothing is queued.
  bool next(Frame& frame);

 private:
  struct Item {
    SharedSamples samples;                // prompt, or null for silence/tone
    std::unique_ptr<ToneGenerator> tone;  // tone, or null
    size_t offset = 0;
    size_t length = 0;  // samples to play; 0 = unbounded (tones only)
  };
  size_t fill(Item& item, std::span<int16_t> out);
  std::deque<Item> queue_;
};

}  // namespace sy::media
