// Prompt loading, resampling and the espeak-ng render cache.
#include "media/prompts.h"

#include <fcntl.h>
#include <sndfile.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include "media/digest.h"
#include "media/mixer.h"

extern char** environ;

namespace sy::media {
namespace {

struct SndfileDeleter {
  void operator()(SNDFILE* f) const { sf_close(f); }
};

constexpr int kHalfTaps = 16;  // sinc half-width in input samples at the cut-off

// Blackman window over [-1, 1]: tapers the sinc so the filter stops ringing.
double blackman_window(double x) {
  if (std::abs(x) >= 1.0) return 0.0;
  const double t = (x + 1.0) / 2.0;
  return 0.42 - 0.5 * std::cos(2 * M_PI * t) + 0.08 * std::cos(4 * M_PI * t);
}

}  // namespace

std::vector<float> resample(std::span<const float> in, int in_rate, int out_rate) {
  if (in_rate <= 0 || out_rate <= 0 || in.empty()) return {};
  if (in_rate == out_rate) return {in.begin(), in.end()};
  const double ratio = static_cast<double>(out_rate) / in_rate;
  const double cutoff = std::min(1.0, ratio);  // relative to the input Nyquist
  const double half_width = kHalfTaps / cutoff;
  const auto out_len = static_cast<size_t>(std::floor(in.size() * ratio));
  std::vector<float> out(out_len);
  for (size_t n = 0; n < out_len; ++n) {
    const double center = n / ratio;
    const auto lo = static_cast<int64_t>(std::ceil(center - half_width));
    const auto hi = static_cast<int64_t>(std::floor(center + half_width));
    double acc = 0.0;
    for (int64_t k = std::max<int64_t>(lo, 0); k <= hi && k < static_cast<int64_t>(in.size());
         ++k) {
      const double x = (k - center) * cutoff;
      const double sinc = x == 0.0 ? 1.0 : std::sin(M_PI * x) / (M_PI * x);
      acc += in[static_cast<size_t>(k)] * cutoff * sinc * blackman_window(x / kHalfTaps);
    }
    out[n] = static_cast<float>(acc);
  }
  return out;
}

Result<std::vector<int16_t>> load_prompt(const std::string& path, int rate_hz) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileDeleter> f(sf_open(path.c_str(), SFM_READ, &info));
  if (!f) {
    return make_error(ErrorKind::kInvalidInput, "prompt_unreadable",
                      path + ": " + sf_strerror(nullptr));
  }
  if (info.channels < 1 || info.samplerate <= 0) {
    return make_error(ErrorKind::kInvalidInput, "prompt_bad_format", path + ": no audio");
  }
  std::vector<float> mono;
  std::vector<float> block(4096u * static_cast<size_t>(info.channels));
  for (;;) {
    const sf_count_t got = sf_readf_float(f.get(), block.data(), 4096);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0;
      for (int c = 0; c < info.channels; ++c) sum += block[i * info.channels + c];
      mono.push_back(sum / static_cast<float>(info.channels));
    }
  }
  const std::vector<float> resampled = resample(mono, info.samplerate, rate_hz);
  std::vector<int16_t> out(resampled.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = saturate16(static_cast<int32_t>(std::lround(resampled[i] * 32767.0f)));
  }
  return out;
}

Status write_wav_mono(const std::string& path, std::span<const int16_t> samples, int rate_hz) {
  SF_INFO info{};
  info.samplerate = rate_hz;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  std::unique_ptr<SNDFILE, SndfileDeleter> f(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!f) return make_error(ErrorKind::kInternal, "wav_write_failed", path);
  const auto n = static_cast<sf_count_t>(samples.size());
  if (sf_write_short(f.get(), samples.data(), n) != n) {
    return make_error(ErrorKind::kInternal, "wav_write_failed", path + ": short write");
  }
  return ok_status();
}

std::string TtsCache::path_for(std::string_view text) const {
  const std::string key =
      options_.voice + "\n" + std::to_string(options_.speed_wpm) + "\n" + std::string(text);
  return (std::filesystem::path(dir_) / (sha256_hex(key) + ".wav")).string();
}

Status TtsCache::run_espeak(std::string_view text, const std::string& raw_wav) const {
  // Text goes through a file (-f), never argv, so a prompt starting with '-' is not an option.
  const std::string text_file = raw_wav + ".txt";
  {
    std::ofstream t(text_file, std::ios::binary);
    t << text;
    if (!t) return make_error(ErrorKind::kInternal, "tts_failed", "cannot write " + text_file);
  }
  const std::string speed = std::to_string(options_.speed_wpm);
  std::vector<std::string> args = {
      options_.espeak_binary, "-v", options_.voice, "-s", speed, "-w", raw_wav, "-f", text_file};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (rc == 0) waitpid(pid, &status, 0);
  std::error_code ec;
  std::filesystem::remove(text_file, ec);
  if (rc != 0) {
    return make_error(ErrorKind::kUnavailable, "tts_unavailable",
                      options_.espeak_binary + " could not be started");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return make_error(ErrorKind::kInternal, "tts_failed", "espeak-ng exited with an error");
  }
  return ok_status();
}

Result<TtsRender> TtsCache::render(std::string_view text) {
  const std::string final_path = path_for(text);
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return TtsRender{final_path, true};
  std::filesystem::create_directories(dir_, ec);
  if (ec) return make_error(ErrorKind::kInternal, "tts_cache_dir", dir_ + ": " + ec.message());
  // Unique temporaries, then rename: concurrent renders of the same text both succeed and the
  // cache never holds a partial file.
  static std::atomic<uint64_t> render_counter{0};
  const std::string tmp = final_path + "." + std::to_string(::getpid()) + "." +
                          std::to_string(render_counter.fetch_add(1)) + ".tmp";
  const std::string raw = tmp + ".raw.wav";
  Status st = run_espeak(text, raw);
  if (st.ok()) {
    auto samples = load_prompt(raw, 8000);
    if (!samples)
      st = samples.error();
    else if (samples->empty())
      st = make_error(ErrorKind::kInternal, "tts_failed", "empty render");
    else
      st = write_wav_mono(tmp, *samples, 8000);
  }
  if (st.ok()) std::filesystem::rename(tmp, final_path, ec);
  std::filesystem::remove(raw, ec);
  std::filesystem::remove(tmp, ec);
  if (!st.ok()) return st.error();
  return TtsRender{final_path, false};
}

Result<std::vector<int16_t>> TtsCache::samples(std::string_view text) {
  auto r = render(text);
  if (!r) return r.error();
  return load_prompt(r->path, 8000);
}

}  // namespace sy::media
