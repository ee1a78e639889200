// Prompts: files of other rates/channels come out as 8 kHz mono with the tone preserved, and
// the espeak-ng cache renders Chinese once and reuses it.
#include "media/prompts.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "media/recording.h"
#include "temp_dir.h"

namespace sy::media {
namespace {

namespace fs = std::filesystem;

using PromptsTest = TempDirTest;

// Zero crossings per second / 2 estimates a pure tone's frequency.
double estimate_freq(std::span<const int16_t> x, int rate) {
  int crossings = 0;
  for (size_t i = 1; i < x.size(); ++i) crossings += (x[i - 1] < 0) != (x[i] < 0);
  return crossings * rate / (2.0 * x.size());
}

TEST_F(PromptsTest, StereoFloat44kWavBecomes8kMono) {
  const std::string p = (dir_ / "in.wav").string();
  SF_INFO info{};
  info.samplerate = 44100;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  SNDFILE* f = sf_open(p.c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr);
  std::vector<float> frames(44100 * 2);
  for (size_t i = 0; i < 44100; ++i) {
    const float v = 0.5f * static_cast<float>(std::sin(2 * M_PI * 440 * i / 44100.0));
    frames[2 * i] = v;
    frames[2 * i + 1] = v;
  }
  sf_writef_float(f, frames.data(), 44100);
  sf_close(f);

  auto samples = load_prompt(p);
  ASSERT_TRUE(samples.ok()) << samples.error().message;
  EXPECT_NEAR(static_cast<double>(samples->size()), 8000, 1);
  std::span<const int16_t> middle(samples->data() + 1000, 6000);
  EXPECT_NEAR(estimate_freq(middle, 8000), 440, 5);
  int16_t peak = 0;
  for (int16_t v : middle) peak = std::max<int16_t>(peak, static_cast<int16_t>(std::abs(v)));
  EXPECT_NEAR(peak, 16384, 800);  // level kept through resampling
}

// Operators upload MP3 as often as WAV: libsndfile (1.1+) decodes it, so it loads the same way.
TEST_F(PromptsTest, Mp3PromptLoadsAs8kMono) {
  std::vector<int16_t> tone(16000);
  for (size_t i = 0; i < tone.size(); ++i) {
    tone[i] = static_cast<int16_t>(12000 * std::sin(2 * M_PI * 500 * i / 16000.0));
  }
  ASSERT_TRUE(write_wav_mono(path("up.wav"), tone, 16000).ok());
  Mp3Options o;
  o.bitrate_kbps = 64;
  ASSERT_TRUE(encode_wav_to_mp3(path("up.wav"), path("up.mp3"), o).ok());
  auto samples = load_prompt(path("up.mp3"));
  ASSERT_TRUE(samples.ok()) << samples.error().message;
  ASSERT_GT(samples->size(), 7000u);  // ~1 s (plus encoder padding)
  std::span<const int16_t> middle(samples->data() + 2000, 4000);
  EXPECT_NEAR(estimate_freq(middle, 8000), 500, 10);
}

TEST_F(PromptsTest, ResamplerRemovesContentAboveTheNewNyquist) {
  std::vector<float> in(16000);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = static_cast<float>(std::sin(2 * M_PI * 6000 * i / 16000.0));
  const auto out = resample(in, 16000, 8000);  // 6 kHz cannot exist at 8 kHz: must vanish
  double energy = 0;
  for (size_t i = 200; i + 200 < out.size(); ++i) energy += out[i] * out[i];
  EXPECT_LT(energy / out.size(), 0.001);
}

TEST_F(PromptsTest, UnreadableFileIsAnError) {
  EXPECT_EQ(load_prompt((dir_ / "missing.wav").string()).error().code, "prompt_unreadable");
}

bool have_espeak() { return std::system("command -v espeak-ng >/dev/null 2>&1") == 0; }

TEST_F(PromptsTest, TtsRendersChineseOnceInto8kWav) {
  if (!have_espeak()) GTEST_SKIP() << "espeak-ng not installed";
  TtsCache cache((dir_ / "tts").string());
  const std::string text = "您好，欢迎致电95598供电服务热线";
  auto first = cache.render(text);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->from_cache);
  SF_INFO info{};
  SNDFILE* f = sf_open(first->path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  sf_close(f);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_EQ(info.channels, 1);
  EXPECT_GT(info.frames, 8000);  // more than a second of speech

  auto second = cache.render(text);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->path, first->path);
  EXPECT_NE(cache.path_for("另一句话"), first->path);
  auto samples = cache.samples(text);
  ASSERT_TRUE(samples.ok());
  EXPECT_EQ(static_cast<sf_count_t>(samples->size()), info.frames);
  // Only the final file is left in the cache directory: no temporaries.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "tts"), fs::directory_iterator{}), 1);
}

TEST_F(PromptsTest, MissingTtsBinaryIsAnErrorValue) {
  TtsOptions o;
  o.espeak_binary = "/nonexistent/espeak-ng";
  TtsCache cache((dir_ / "tts").string(), o);
  auto r = cache.render("测试");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "tts_unavailable");
}

}  // namespace
}  // namespace sy::media
