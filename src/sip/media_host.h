// The media side of the telephony adapter: one thread that runs every anchored call's audio in
// 20 ms ticks. Per call it owns the RtpSocket (port pair from the configured range), the
// RtpStream (G.711, RFC 4733 and in-band DTMF) and the CallMedia graph whose caller player
// speaks IVR prompts. Digits and "prompt finished" go out through MediaEvents (which post to the
// control loop); commands (play, stop for barge-in, hold) come in from the control loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "media/call_media.h"
#include "media/player.h"
#include "media/rtp_socket.h"
#include "media/rtp_stream.h"
#include "media/tones.h"
#include "sip/call_handler.h"

namespace sy::sip {

class MediaEvents {
 public:
  virtual ~MediaEvents() = default;
  // Called on the media thread; implementations post and return.
  virtual void on_digit(CallId id, char digit) = 0;
  // Everything queued by play() with this sequence number has been heard.
  virtual void on_playback_finished(CallId id, std::uint64_t sequence) = 0;
};

struct MediaHostCounters {
  std::size_t calls = 0;
  std::uint64_t ticks = 0;
  std::uint64_t late_ticks = 0;  // ticks that started more than 20 ms after their slot
  std::uint64_t packets_in = 0;
  std::uint64_t packets_out = 0;
};

class MediaHost {
 public:
  MediaHost(std::string bind_ip, media::PortRange range, MediaEvents& events);
  ~MediaHost();
  MediaHost(const MediaHost&) = delete;
  MediaHost& operator=(const MediaHost&) = delete;

  void start();
  void stop();  // idempotent; closes every call

  // Opens the call's port pair and stream towards the negotiated remote; returns our RTP port.
  Result<uint16_t> open(CallId id, const NegotiatedAudio& audio);
  // New remote address or direction (hold: nothing is sent while the far end is inactive or
  // only sending).
  void update(CallId id, const NegotiatedAudio& audio);
  // Queues prompts after whatever is playing; returns the sequence number that
  // on_playback_finished will carry once all of them have been played.
  std::uint64_t play(CallId id, std::vector<media::SharedSamples> prompts);
  void stop_playback(CallId id);  // barge-in
  // Replaces what plays with a tone until the next play() or stop (callers waiting in a queue).
  void play_waiting_tone(CallId id, const media::ToneSpec& tone);
  void close(CallId id);
  const std::string& bind_ip() const { return bind_ip_; }
  MediaHostCounters counters() const;

 private:
  struct Leg {
    std::unique_ptr<media::RtpSocket> socket;
    std::unique_ptr<media::RtpStream> stream;
    std::unique_ptr<media::CallMedia> graph;
    NegotiatedAudio audio;
    std::uint64_t sequence = 0;  // of the last play()
    bool playing = false;
  };
  void run();
  void tick_all();

  std::string bind_ip_;
  media::PortRange range_;
  MediaEvents& events_;
  mutable std::mutex mu_;
  std::map<CallId, std::unique_ptr<Leg>> legs_;
  uint16_t next_hint_ = 0;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> ticks_{0}, late_{0}, in_{0}, out_{0};
};

}  // namespace sy::sip
