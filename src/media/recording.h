// Call recording: a stereo 8 kHz WAV written while the call lasts (caller left, agent right)
// whose header is rewritten on every flush, so a crashed process leaves a file readable up to
// the last flush; after hang-up the WAV is encoded to MP3 (libmp3lame) and described by a
// metadata record (duration, sizes, paths, SHA-256) for the recordings table.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"
#include "media/digest.h"  // sha256_file for the metadata

typedef struct sf_private_tag SNDFILE;  // libsndfile's opaque handle (sndfile.h)

namespace sy::media {

struct RecorderOptions {
  int sample_rate = 8000;
  // Header update after this many frames; 0 = only on flush(). The header update alone makes the
  // audio so far survive kill -9 (the data is in the page cache); fsync adds power-loss safety.
  int64_t flush_every_frames = 8000;  // 1 s
  bool sync = false;                  // fsync on every flush (costly at 1,000 calls)
  bool sync_on_close = true;          // fsync once when the call ends
};

class CallRecorder {
 public:
  // Creates (truncates) `path`.
  static Result<std::unique_ptr<CallRecorder>> open(const std::string& path,
                                                    RecorderOptions options = {});
  ~CallRecorder();  // closes (finalises the header) if close() was not called
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;

  // Appends max(caller.size(), agent.size()) stereo frames; the shorter side is padded with
  // silence (one leg may be on hold or missing a packet).
  Status write(std::span<const int16_t> caller, std::span<const int16_t> agent);
  // Makes everything written so far readable after a crash.
  Status flush();
  Status close();

  int64_t frames_written() const { return frames_; }
  const std::string& path() const { return path_; }

 private:
  CallRecorder() = default;
  SNDFILE* file_ = nullptr;
  std::string path_;
  RecorderOptions options_;
  int64_t frames_ = 0;
  int64_t frames_at_flush_ = 0;
  std::unique_ptr<int16_t[]> scratch_;
  size_t scratch_frames_ = 0;
};

struct Mp3Options {
  int bitrate_kbps = 32;  // plenty for two 8 kHz voice channels
  int quality = 5;        // LAME's 0 (best, slow) .. 9 (fast)
};

struct RecordingMetadata {
  std::string wav_path;
  std::string mp3_path;
  int sample_rate = 0;
  int channels = 0;
  int64_t frames = 0;
  int64_t duration_ms = 0;
  uint64_t wav_bytes = 0;
  uint64_t mp3_bytes = 0;
  std::string wav_sha256;  // lowercase hex
  std::string mp3_sha256;
};

// Encodes a (mono or stereo) WAV to MP3. Writes `mp3_path`.tmp and renames it into place, so a
// crash never leaves a half MP3 under the final name.
Status encode_wav_to_mp3(const std::string& wav_path, const std::string& mp3_path,
                         const Mp3Options& options = {});

// After hang-up: encodes the MP3 and gathers the metadata of both files.
Result<RecordingMetadata> finalize_recording(const std::string& wav_path,
                                             const std::string& mp3_path,
                                             const Mp3Options& options = {});

}  // namespace sy::media
