// In-band signalling on 8 kHz linear audio through spandsp: DTMF detection (dtmf_rx), DTMF
// generation (dtmf_tx) and cadenced call-progress tones (tone_gen) such as Chinese ringback.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

// spandsp's opaque state types (defined in spandsp.h, which only the .cc includes).
struct dtmf_rx_state_s;
struct dtmf_tx_state_s;
struct tone_gen_state_s;

namespace sy::media {

inline constexpr int kSampleRate = 8000;
inline constexpr size_t kFrameSamples = 160;  // 20 ms at 8 kHz

// Detects DTMF digits in a stream of 8 kHz samples; feed any block size, in order.
class InbandDtmfDetector {
 public:
  static Result<std::unique_ptr<InbandDtmfDetector>> create();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Returns the digits completed within this block (usually empty or one).
  std::string process(std::span<const int16_t> samples);

 private:
  InbandDtmfDetector() = default;
  static void on_digits(void* self, const char* digits, int len);
  ::dtmf_rx_state_s* rx_ = nullptr;
  std::string pending_;
};

// Generates DTMF tones for queued digits (default spandsp timing: 50 ms on, 55 ms off).
class InbandDtmfGenerator {
 public:
  static Result<std::unique_ptr<InbandDtmfGenerator>> create();
  ~InbandDtmfGenerator();
  InbandDtmfGenerator(const InbandDtmfGenerator&) = delete;
  InbandDtmfGenerator& operator=(const InbandDtmfGenerator&) = delete;

  // Queues digits ("0"-"9", "*", "#", "A"-"D"); error if one is not a DTMF digit.
  Status queue(std::string_view digits);
  // Sets tone length and gap; call before queueing.
  void set_timing(int on_ms, int off_ms);
  // Fills `out`; returns the number of tone samples written, the rest is zeroed.
  size_t generate(std::span<int16_t> out);

 private:
  InbandDtmfGenerator() = default;
  ::dtmf_tx_state_s* tx_ = nullptr;
};

// A cadenced tone: one or two frequencies, on/off pairs, repeated or not (spandsp tone_gen).
struct ToneSpec {
  int freq1_hz = 0;
  int level1_dbm0 = -13;
  int freq2_hz = 0;  // 0: single frequency
  int level2_dbm0 = -13;
  int on1_ms = 0, off1_ms = 0, on2_ms = 0, off2_ms = 0;
  bool repeat = true;
};

// Chinese national tones (YD/T 1089): 450 Hz; ringback 1 s on / 4 s off; busy 350/350 ms.
ToneSpec china_ringback_tone();
ToneSpec china_busy_tone();
// A short double beep every 3 s for callers waiting in a queue without music.
ToneSpec queue_beep_tone();
// What a caller on hold hears: a soft 440 Hz tone, 0.4 s on / 0.2 s off, steadily repeated (so
// the line never sounds dead).
ToneSpec hold_tone();

class ToneGenerator {
 public:
  static Result<std::unique_ptr<ToneGenerator>> create(const ToneSpec& spec);
  ~ToneGenerator();
  ToneGenerator(const ToneGenerator&) = delete;
  ToneGenerator& operator=(const ToneGenerator&) = delete;

  // Fills `out`; returns tone samples produced (less than out.size() once a non-repeating
  // tone has finished; the rest is zeroed).
  size_t generate(std::span<int16_t> out);

 private:
  ToneGenerator() = default;
  ::tone_gen_state_s* gen_ = nullptr;
};

}  // namespace sy::media
