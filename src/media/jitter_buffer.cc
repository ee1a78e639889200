// Jitter buffer: frames are stored by extended sequence index so wrap-around needs no special
// case; pop() plays index base_, then advances it.
#include "media/jitter_buffer.h"

#include <algorithm>
#include <cmath>

#include "media/rtp.h"

namespace sy::media {

void JitterBuffer::anchor(uint16_t seq, TimePoint now) {
  anchored_ = true;
  playing_ = false;
  next_seq_ = seq;
  base_ = 0;
  frames_.clear();
  missing_run_ = 0;
  playout_start_ = now + config_.playout_delay;
}

bool JitterBuffer::push(uint16_t seq, std::span<const int16_t> samples, TimePoint now) {
  return insert(seq, 0, samples, /*whole=*/true, now);
}

bool JitterBuffer::push_part(uint16_t seq, size_t offset, std::span<const int16_t> samples,
                             TimePoint now) {
  if (offset >= kFrameSamples) return false;
  return insert(seq, offset, samples, /*whole=*/false, now);
}

bool JitterBuffer::insert(uint16_t seq, size_t offset, std::span<const int16_t> samples, bool whole,
                          TimePoint now) {
  ++stats_.received;
  if (!anchored_) anchor(seq, now);
  int32_t delta = seq_delta(next_seq_, seq);
  if (delta < 0 && !playing_ && -delta < static_cast<int32_t>(config_.max_frames)) {
    // Still buffering: an earlier packet overtaken by a later one moves the start back.
    base_ += delta;
    next_seq_ = seq;
    delta = 0;
  }
  if (delta < 0) {
    // A stream that restarted far behind us (new sender, seq reset) re-anchors; a packet just
    // behind the playout point is simply too late.
    if (-delta > static_cast<int32_t>(config_.max_frames)) {
      ++stats_.resyncs;
      anchor(seq, now);
      delta = 0;
    } else {
      ++stats_.late;
      return false;
    }
  }
  if (delta >= static_cast<int32_t>(config_.max_frames) * 4) {  // a jump far ahead: follow it
    ++stats_.resyncs;
    anchor(seq, now);
    delta = 0;
  }
  const int64_t index = base_ + delta;
  const size_t n = std::min(samples.size(), kFrameSamples - offset);
  auto [it, added] = frames_.try_emplace(index);
  Slot& slot = it->second;
  if (!added) {
    bool overlap = whole ? slot.filled.any() : false;
    for (size_t i = 0; i < n && !overlap; ++i) overlap = slot.filled[offset + i];
    if (overlap) {
      ++stats_.duplicate;
      return false;
    }
  }
  std::copy_n(samples.begin(), n, slot.samples.begin() + static_cast<std::ptrdiff_t>(offset));
  if (whole)
    slot.filled.set();
  else
    for (size_t i = 0; i < n; ++i) slot.filled.set(offset + i);
  while (frames_.size() > config_.max_frames) {  // too far behind the sender: skip ahead
    ++stats_.overflow;
    const int64_t oldest = frames_.begin()->first;
    frames_.erase(frames_.begin());
    if (oldest >= base_) {
      next_seq_ = static_cast<uint16_t>(next_seq_ + (oldest + 1 - base_));
      base_ = oldest + 1;
    }
  }
  return true;
}

JitterOutput JitterBuffer::conceal() {
  JitterOutput out;
  ++missing_run_;
  if (have_last_ && missing_run_ <= config_.max_concealed) {
    const float gain = std::pow(config_.conceal_gain, static_cast<float>(missing_run_));
    for (size_t i = 0; i < out.samples.size(); ++i) {
      out.samples[i] = static_cast<int16_t>(std::lround(last_[i] * gain));
    }
    out.kind = FrameKind::kConcealed;
    ++stats_.concealed;
  } else {
    ++stats_.silent;
  }
  return out;
}

JitterOutput JitterBuffer::pop(TimePoint now) {
  if (!anchored_ || now < playout_start_) {
    ++stats_.silent;
    return {};
  }
  playing_ = true;
  JitterOutput out;
  auto it = frames_.find(base_);
  if (it != frames_.end()) {
    out.samples = it->second.samples;
    out.kind = FrameKind::kAudio;
    last_ = it->second.samples;
    have_last_ = true;
    missing_run_ = 0;
    frames_.erase(it);
    ++stats_.played;
  } else {
    out = conceal();
  }
  ++base_;
  ++next_seq_;
  // Nothing buffered after a long gap (the sender paused, e.g. silence suppression): the next
  // packet starts a new talk spurt with its own playout delay.
  if (frames_.empty() && missing_run_ >= config_.resync_after_lost) {
    anchored_ = false;
    have_last_ = false;
  }
  return out;
}

}  // namespace sy::media
