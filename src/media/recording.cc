// WAV recording through libsndfile and MP3 encoding through libmp3lame.
#include "media/recording.h"

#include <lame/lame.h>
#include <sndfile.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace sy::media {
namespace {

Error io_error(const std::string& code, const std::string& message) {
  return make_error(ErrorKind::kInternal, code, message);
}

}  // namespace

Result<std::unique_ptr<CallRecorder>> CallRecorder::open(const std::string& path,
                                                         RecorderOptions options) {
  SF_INFO info{};
  info.samplerate = options.sample_rate;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) return io_error("recording_open_failed", path + ": " + sf_strerror(nullptr));
  std::unique_ptr<CallRecorder> r(new CallRecorder());
  r->file_ = f;
  r->path_ = path;
  r->options_ = options;
  // A valid (empty) header on disk from the start, so even an immediate crash leaves a WAV.
  sf_command(f, SFC_UPDATE_HEADER_NOW, nullptr, 0);
  return r;
}

CallRecorder::~CallRecorder() {
  if (file_) (void)close();
}

Status CallRecorder::write(std::span<const int16_t> caller, std::span<const int16_t> agent) {
  if (!file_) return io_error("recording_closed", "write after close");
  const size_t n = std::max(caller.size(), agent.size());
  if (n == 0) return ok_status();
  if (scratch_frames_ < n) {
    scratch_.reset(new int16_t[2 * n]);
    scratch_frames_ = n;
  }
  for (size_t i = 0; i < n; ++i) {
    scratch_[2 * i] = i < caller.size() ? caller[i] : int16_t{0};
    scratch_[2 * i + 1] = i < agent.size() ? agent[i] : int16_t{0};
  }
  const sf_count_t written = sf_writef_short(file_, scratch_.get(), static_cast<sf_count_t>(n));
  if (written != static_cast<sf_count_t>(n)) {
    return io_error("recording_write_failed", path_ + ": " + sf_strerror(file_));
  }
  frames_ += static_cast<int64_t>(n);
  if (options_.flush_every_frames > 0 &&
      frames_ - frames_at_flush_ >= options_.flush_every_frames) {
    return flush();
  }
  return ok_status();
}

Status CallRecorder::flush() {
  if (!file_) return io_error("recording_closed", "flush after close");
  sf_command(file_, SFC_UPDATE_HEADER_NOW, nullptr, 0);
  if (options_.sync) sf_write_sync(file_);
  frames_at_flush_ = frames_;
  return ok_status();
}

Status CallRecorder::close() {
  if (!file_) return ok_status();
  sf_command(file_, SFC_UPDATE_HEADER_NOW, nullptr, 0);
  if (options_.sync_on_close) sf_write_sync(file_);
  const int rc = sf_close(file_);
  file_ = nullptr;
  if (rc != 0) return io_error("recording_close_failed", path_ + ": " + sf_error_number(rc));
  return ok_status();
}

namespace {

struct LameDeleter {
  void operator()(lame_global_flags* g) const { lame_close(g); }
};
struct SndfileDeleter {
  void operator()(SNDFILE* f) const { sf_close(f); }
};

Result<std::unique_ptr<lame_global_flags, LameDeleter>> make_encoder(const SF_INFO& info,
                                                                     const Mp3Options& o) {
  std::unique_ptr<lame_global_flags, LameDeleter> gf(lame_init());
  if (!gf) return io_error("mp3_init_failed", "lame_init failed");
  lame_set_in_samplerate(gf.get(), info.samplerate);
  lame_set_out_samplerate(gf.get(), info.samplerate);
  lame_set_num_channels(gf.get(), info.channels);
  // Plain stereo keeps caller and agent apart (joint stereo would blur the two legs).
  lame_set_mode(gf.get(), info.channels == 1 ? MONO : STEREO);
  lame_set_brate(gf.get(), o.bitrate_kbps);
  lame_set_quality(gf.get(), o.quality);
  lame_set_bWriteVbrTag(gf.get(), 0);
  if (lame_init_params(gf.get()) < 0) {
    return io_error("mp3_init_failed", "LAME rejected the encoding parameters");
  }
  return gf;
}

Status encode_stream(SNDFILE* in, const SF_INFO& info, lame_global_flags* gf, std::FILE* out) {
  constexpr int kBlock = 1152;
  std::vector<short> pcm(static_cast<size_t>(kBlock) * info.channels);
  std::vector<unsigned char> mp3(kBlock * 5 / 4 + 7200);
  for (;;) {
    const sf_count_t got = sf_readf_short(in, pcm.data(), kBlock);
    if (got <= 0) break;
    const int n = info.channels == 1
                      ? lame_encode_buffer(gf, pcm.data(), pcm.data(), static_cast<int>(got),
                                           mp3.data(), static_cast<int>(mp3.size()))
                      : lame_encode_buffer_interleaved(gf, pcm.data(), static_cast<int>(got),
                                                       mp3.data(), static_cast<int>(mp3.size()));
    if (n < 0) return io_error("mp3_encode_failed", "lame_encode_buffer failed");
    if (std::fwrite(mp3.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n)) {
      return io_error("mp3_write_failed", "short write");
    }
  }
  const int n = lame_encode_flush(gf, mp3.data(), static_cast<int>(mp3.size()));
  if (n < 0) return io_error("mp3_encode_failed", "lame_encode_flush failed");
  if (std::fwrite(mp3.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n)) {
    return io_error("mp3_write_failed", "short write");
  }
  return ok_status();
}

}  // namespace

Status encode_wav_to_mp3(const std::string& wav_path, const std::string& mp3_path,
                         const Mp3Options& options) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileDeleter> in(sf_open(wav_path.c_str(), SFM_READ, &info));
  if (!in) return io_error("recording_open_failed", wav_path + ": " + sf_strerror(nullptr));
  if (info.channels < 1 || info.channels > 2) {
    return make_error(ErrorKind::kInvalidInput, "mp3_bad_channels", "MP3 needs 1 or 2 channels");
  }
  auto gf = make_encoder(info, options);
  if (!gf) return gf.error();
  const std::string tmp = mp3_path + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  if (!out) return io_error("mp3_write_failed", "cannot create " + tmp);
  Status st = encode_stream(in.get(), info, gf->get(), out);
  const bool closed = std::fclose(out) == 0;
  if (st.ok() && !closed) st = io_error("mp3_write_failed", "close failed: " + tmp);
  std::error_code ec;
  if (st.ok()) std::filesystem::rename(tmp, mp3_path, ec);
  if (st.ok() && ec) st = io_error("mp3_write_failed", "rename: " + ec.message());
  if (!st.ok()) std::filesystem::remove(tmp, ec);
  return st;
}

Result<RecordingMetadata> finalize_recording(const std::string& wav_path,
                                             const std::string& mp3_path,
                                             const Mp3Options& options) {
  SF_INFO info{};
  {
    std::unique_ptr<SNDFILE, SndfileDeleter> in(sf_open(wav_path.c_str(), SFM_READ, &info));
    if (!in) return io_error("recording_open_failed", wav_path + ": " + sf_strerror(nullptr));
  }
  SY_TRY(encode_wav_to_mp3(wav_path, mp3_path, options));
  RecordingMetadata m;
  m.wav_path = wav_path;
  m.mp3_path = mp3_path;
  m.sample_rate = info.samplerate;
  m.channels = info.channels;
  m.frames = info.frames;
  m.duration_ms = info.samplerate > 0 ? info.frames * 1000 / info.samplerate : 0;
  std::error_code ec;
  m.wav_bytes = std::filesystem::file_size(wav_path, ec);
  m.mp3_bytes = std::filesystem::file_size(mp3_path, ec);
  auto wav_hash = sha256_file(wav_path);
  if (!wav_hash) return wav_hash.error();
  auto mp3_hash = sha256_file(mp3_path);
  if (!mp3_hash) return mp3_hash.error();
  m.wav_sha256 = *wav_hash;
  m.mp3_sha256 = *mp3_hash;
  return m;
}

}  // namespace sy::media
