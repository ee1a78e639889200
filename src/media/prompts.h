// IVR prompts: load any audio file libsndfile reads (WAV of any rate/format, FLAC, and MP3 with
// Debian's libsndfile 1.2) as 8 kHz mono linear samples, and a cache of Chinese TTS renders made
// once with espeak-ng (`-v cmn`) into a content-addressed directory. Rendering is an offline
// step (flow load / hot reload), never on the call path.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::media {

// Reads the whole file, mixes channels down to mono and resamples to `rate_hz`.
Result<std::vector<int16_t>> load_prompt(const std::string& path, int rate_hz = 8000);

// Windowed-sinc resampler (band-limited to the lower of the two Nyquist rates); mono floats.
std::vector<float> resample(std::span<const float> in, int in_rate_hz, int out_rate_hz);

// Writes 16-bit mono WAV.
Status write_wav_mono(const std::string& path, std::span<const int16_t> samples, int rate_hz);

struct TtsOptions {
  std::string espeak_binary = "espeak-ng";
  std::string voice = "cmn";
  int speed_wpm = 150;
};

struct TtsRender {
  std::string path;         // 8 kHz mono 16-bit WAV in the cache directory
  bool from_cache = false;  // true when no render was needed
};

class TtsCache {
 public:
  explicit TtsCache(std::string directory, TtsOptions options = {})
      : dir_(std::move(directory)), options_(std::move(options)) {}

  // The cached file for `text`, rendering it first if absent. The key covers text, voice and
  // speed, so changing the voice never serves a stale render.
  Result<TtsRender> render(std::string_view text);
  // render() then load_prompt() of the result.
  Result<std::vector<int16_t>> samples(std::string_view text);
  std::string path_for(std::string_view text) const;

 private:
  Status run_espeak(std::string_view text, const std::string& raw_wav) const;
  std::string dir_;
  TtsOptions options_;
};

}  // namespace sy::media
