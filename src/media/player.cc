// PromptPlayer: a queue of audio items drained one 20 ms frame at a time; a frame may span the
// end of one item and the start of the next, so prompts play back to back without gaps.
#include "media/player.h"

#include <algorithm>

namespace sy::media {

void PromptPlayer::play(SharedSamples samples) {
  if (!samples || samples->empty()) return;
  const size_t n = samples->size();
  queue_.push_back(Item{std::move(samples), nullptr, 0, n});
}

void PromptPlayer::play_silence(Duration length) {
  const auto n = static_cast<size_t>(length.count() * kSampleRate / 1000000);
  if (n > 0) queue_.push_back(Item{nullptr, nullptr, 0, n});
}

void PromptPlayer::play_tone(std::unique_ptr<ToneGenerator> tone, Duration length) {
  if (!tone) return;
  const auto n = static_cast<size_t>(length.count() * kSampleRate / 1000000);
  queue_.push_back(Item{nullptr, std::move(tone), 0, n});
}

// Plays up to out.size() samples of `item`; returns how many it wrote.
size_t PromptPlayer::fill(Item& item, std::span<int16_t> out) {
  const bool unbounded = item.length == 0;
  const size_t n = unbounded ? out.size() : std::min(out.size(), item.length - item.offset);
  const auto part = out.first(n);
  if (item.samples) {
    std::copy_n(item.samples->begin() + static_cast<std::ptrdiff_t>(item.offset), n, part.begin());
  } else if (item.tone) {
    item.tone->generate(part);  // a finished non-repeating tone pads with silence
  } else {
    std::fill(part.begin(), part.end(), int16_t{0});
  }
  item.offset += n;
  return n;
}

bool PromptPlayer::next(Frame& frame) {
  frame.fill(0);
  if (queue_.empty()) return false;
  size_t done = 0;
  while (done < frame.size() && !queue_.empty()) {
    Item& item = queue_.front();
    done += fill(item, std::span<int16_t>(frame).subspan(done));
    if (item.length != 0 && item.offset >= item.length) queue_.pop_front();
  }
  return true;
}

}  // namespace sy::media
