// Recordings: channel layout and duration of the WAV, readability after the writer is killed
// mid-call, MP3 that decodes (with libmp3lame's own decoder) to audio on the right channel, and
// the metadata record.
#include "media/recording.h"

#include <gtest/gtest.h>
#include <lame/lame.h>
#include <signal.h>
#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "temp_dir.h"

namespace sy::media {
namespace {

namespace fs = std::filesystem;

using RecordingTest = TempDirTest;

std::vector<int16_t> sine(double freq, size_t n, double amp = 8000) {
  std::vector<int16_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<int16_t>(amp * std::sin(2 * M_PI * freq * i / 8000));
  return v;
}

// Writes `seconds` of caller tone (left) and silence for the agent (right) in 20 ms frames.
void write_call(CallRecorder& rec, double seconds) {
  const auto tone = sine(440, 160);
  const std::vector<int16_t> silence(160);
  for (int i = 0; i < static_cast<int>(seconds * 50); ++i)
    ASSERT_TRUE(rec.write(tone, silence).ok());
}

struct WavInfo {
  SF_INFO info{};
  std::vector<int16_t> interleaved;
};

WavInfo read_wav(const std::string& p) {
  WavInfo w;
  SNDFILE* f = sf_open(p.c_str(), SFM_READ, &w.info);
  if (!f) return w;
  w.interleaved.resize(static_cast<size_t>(w.info.frames * w.info.channels));
  sf_readf_short(f, w.interleaved.data(), w.info.frames);
  sf_close(f);
  return w;
}

TEST_F(RecordingTest, StereoWavHasCallerLeftAgentRightAndTheCallDuration) {
  auto rec = CallRecorder::open(path("call.wav"));
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  write_call(**rec, 2.0);
  // An uneven write: the agent leg delivered only half a frame.
  ASSERT_TRUE((*rec)->write(sine(440, 160), std::vector<int16_t>(80, 1000)).ok());
  ASSERT_TRUE((*rec)->close().ok());
  const auto w = read_wav(path("call.wav"));
  EXPECT_EQ(w.info.channels, 2);
  EXPECT_EQ(w.info.samplerate, 8000);
  EXPECT_EQ(w.info.frames, 16000 + 160);
  double left = 0, right = 0;
  for (size_t i = 0; i < 16000 * 2; i += 2) {
    left += std::abs(w.interleaved[i]);
    right += std::abs(w.interleaved[i + 1]);
  }
  EXPECT_GT(left, 1e6);
  EXPECT_EQ(right, 0);
  EXPECT_EQ(w.interleaved[2 * 16000 + 1], 1000);       // agent's half frame
  EXPECT_EQ(w.interleaved[2 * (16000 + 100) + 1], 0);  // padded with silence
}

// The writer process is SIGKILLed after flushing 1 s and writing 0.5 s more: the file must be
// a valid WAV holding at least the flushed second.
TEST_F(RecordingTest, FileLeftByAKilledWriterIsReadableUpToTheLastFlush) {
  const std::string p = path("crash.wav");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    RecorderOptions o;
    o.flush_every_frames = 0;  // only explicit flushes
    auto rec = CallRecorder::open(p, o);
    if (!rec) ::_exit(2);
    const auto tone = sine(440, 160);
    for (int i = 0; i < 50; ++i) (void)(*rec)->write(tone, tone);
    (void)(*rec)->flush();
    for (int i = 0; i < 25; ++i) (void)(*rec)->write(tone, tone);
    ::kill(::getpid(), SIGKILL);
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const auto w = read_wav(p);
  EXPECT_EQ(w.info.channels, 2);
  EXPECT_GE(w.info.frames, 8000);
  EXPECT_LE(w.info.frames, 12000);
}

TEST_F(RecordingTest, PeriodicFlushKeepsTheHeaderCurrent) {
  RecorderOptions o;
  o.flush_every_frames = 4000;
  o.sync = false;
  auto rec = CallRecorder::open(path("live.wav"), o);
  ASSERT_TRUE(rec.ok());
  write_call(**rec, 1.0);
  // Still open: another reader sees what was flushed so far.
  EXPECT_EQ(read_wav(path("live.wav")).info.frames, 8000);
}

// Decodes an MP3 with LAME's hip decoder; returns left/right sample vectors.
std::pair<std::vector<short>, std::vector<short>> decode_mp3(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), {});
  hip_t hip = hip_decode_init();
  std::vector<short> l(100000), r(100000), all_l, all_r;
  for (size_t off = 0; off < data.size(); off += 512) {
    const size_t n = std::min<size_t>(512, data.size() - off);
    int got = hip_decode(hip, data.data() + off, n, l.data(), r.data());
    while (got > 0) {
      all_l.insert(all_l.end(), l.begin(), l.begin() + got);
      all_r.insert(all_r.end(), r.begin(), r.begin() + got);
      got = hip_decode(hip, nullptr, 0, l.data(), r.data());
    }
  }
  hip_decode_exit(hip);
  return {all_l, all_r};
}

TEST_F(RecordingTest, FinalizedRecordingHasMp3AndMetadata) {
  auto rec = CallRecorder::open(path("c.wav"));
  ASSERT_TRUE(rec.ok());
  write_call(**rec, 3.0);
  ASSERT_TRUE((*rec)->close().ok());
  auto meta = finalize_recording(path("c.wav"), path("c.mp3"));
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->channels, 2);
  EXPECT_EQ(meta->sample_rate, 8000);
  EXPECT_EQ(meta->duration_ms, 3000);
  EXPECT_EQ(meta->wav_bytes, fs::file_size(path("c.wav")));
  EXPECT_EQ(meta->mp3_bytes, fs::file_size(path("c.mp3")));
  EXPECT_GT(meta->mp3_bytes, 1000u);
  EXPECT_LT(meta->mp3_bytes, meta->wav_bytes / 4);
  EXPECT_EQ(meta->mp3_sha256.size(), 64u);
  EXPECT_NE(meta->mp3_sha256, meta->wav_sha256);
  EXPECT_FALSE(fs::exists(path("c.mp3.tmp")));

  // Frame sync at the start of the stream (no ID3 tag is written).
  std::ifstream in(path("c.mp3"), std::ios::binary);
  unsigned char head[2] = {};
  in.read(reinterpret_cast<char*>(head), 2);
  EXPECT_EQ(head[0], 0xFF);
  EXPECT_EQ(head[1] & 0xE0, 0xE0);

  const auto [left, right] = decode_mp3(path("c.mp3"));
  ASSERT_GT(left.size(), 20000u);  // ~3 s at 8 kHz, plus encoder delay
  double le = 0, re = 0;
  for (size_t i = 0; i < left.size(); ++i) {
    le += std::abs(left[i]);
    re += std::abs(right[i]);
  }
  EXPECT_GT(le, 50 * re + 1);  // the caller's tone stayed on the left channel
}

TEST_F(RecordingTest, Sha256OfAKnownFile) {
  std::ofstream(path("abc.txt")) << "abc";
  EXPECT_EQ(*sha256_file(path("abc.txt")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(sha256_file(path("missing")).ok());
}

TEST_F(RecordingTest, ErrorsAreValues) {
  EXPECT_EQ(CallRecorder::open("/nonexistent/dir/x.wav").error().code, "recording_open_failed");
  EXPECT_FALSE(finalize_recording(path("none.wav"), path("none.mp3")).ok());
  auto rec = CallRecorder::open(path("d.wav"));
  ASSERT_TRUE((*rec)->close().ok());
  EXPECT_EQ((*rec)->write(sine(1, 10), {}).error().code, "recording_closed");
}

}  // namespace
}  // namespace sy::media
