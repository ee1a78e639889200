// The media side of the telephony adapter: one thread that runs every anchored call's audio in
// 20 ms ticks. Per call it owns the RtpSocket (port pair from the configured range), the
// RtpStream (G.711, RFC 4733 and in-band DTMF) and the CallMedia graph whose caller player
// speaks IVR prompts. Digits and "prompt finished" go out through MediaEvents (which post to the
// control loop); commands (play, stop for barge-in, hold) come in from the control loop.
//
// Anchored bridging: an agent leg (our outbound call to the agent's phone) is bridged into a
// caller leg; from then on the caller leg's CallMedia graph mixes both (and an optional
// supervisor leg: listen / whisper / barge) each tick and sends every leg its packet. The
// recording of a caller leg is a stereo 8 kHz WAV (caller left, agent right) written on the
// media thread; after stop_recording() (or close()) a worker thread encodes the MP3 and reports
// the metadata through MediaEvents::on_recording_finished, never blocking the 20 ms ticks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.h"
#include "media/call_media.h"
#include "media/mixer.h"
#include "media/player.h"
#include "media/recording.h"
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
  // A recording started with start_recording() is closed and its MP3 encoded (or failed).
  // Called on the recording worker thread, not the media thread.
  virtual void on_recording_finished(CallId /*caller_leg*/,
                                     const Result<media::RecordingMetadata>& /*result*/) {}
};

// What one leg has sent and received (tests, diagnostics).
struct LegCounters {
  std::uint64_t packets_in = 0;   // RTP datagrams received on the leg's socket
  std::uint64_t packets_out = 0;  // RTP packets sent to the leg
  std::uint64_t loud_frames_in = 0;   // received 20 ms frames with audible audio (> -50 dBFS)
  std::uint64_t loud_frames_out = 0;  // sent frames with audible audio
  std::uint64_t dtmf_sent = 0;        // digits queued by send_dtmf()
  std::uint64_t events_out = 0;       // RFC 4733 telephone-event packets sent to the leg
  bool inband_dtmf = false;           // in-band DTMF is being detected on what the leg sends
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

  // Runs the 20 ms media thread with SCHED_FIFO `priority` (1-99) so builds or batch jobs on
  // the same machine cannot delay packets; 0 (default) keeps normal scheduling. Needs
  // CAP_SYS_NICE; without it a warning is logged and scheduling stays normal. Before start().
  void set_realtime_priority(int priority) { realtime_priority_ = priority; }
  void start();
  void stop();  // idempotent; closes every call

  // Opens the call's port pair and stream towards the negotiated remote; returns our RTP port.
  // A caller leg: in-band DTMF is detected on it (for IVR menus and queue choices) until the
  // phone shows it sends RFC 4733 events, and not while it is bridged to an agent.
  Result<uint16_t> open(CallId id, const NegotiatedAudio& audio);
  // For an outbound leg: opens the port pair before the remote is known (its port goes into the
  // offer of SipAdapter::dial); nothing is sent or received until connect(). An agent or
  // supervisor leg: no in-band DTMF detection (RFC 4733 digits still arrive) unless
  // set_inband_dtmf() asks for it.
  Result<uint16_t> reserve(CallId id);
  // The phone's answer arrived (CallHandler::on_outbound_answered): codec and remote address.
  Status connect(CallId id, const NegotiatedAudio& audio);
  // New remote address or direction (hold: nothing is sent while the far end is inactive or
  // only sending).
  void update(CallId id, const NegotiatedAudio& audio);
  // Queues prompts after whatever is playing; returns the sequence number that
  // on_playback_finished will carry once all of them have been played.
  std::uint64_t play(CallId id, std::vector<media::SharedSamples> prompts);
  void stop_playback(CallId id);  // barge-in
  // Replaces what plays with a tone until the next play() or stop (callers waiting in a queue).
  void play_waiting_tone(CallId id, const media::ToneSpec& tone);
  // Closes the leg: an agent or supervisor leg is detached from its caller; a caller leg frees
  // its agent and supervisor legs (they stay open, silent, until closed) and stops its recording.
  void close(CallId id);

  // --- bridging an answered agent leg to a waiting caller ---
  // Caller ⇄ agent through us. Stops the caller's waiting audio (tones, announcements); prompts
  // played after bridge() are still mixed into what the caller hears. Errors: unknown leg
  // ("media_leg_not_found"), a leg not connected yet or already bridged ("media_leg_busy").
  Status bridge(CallId caller_leg, CallId agent_leg);
  void unbridge(CallId caller_leg);  // the agent leg goes silent; the caller hears only prompts
  // Records the caller leg (whether bridged yet or not) into a stereo WAV at `wav_path`; the MP3
  // is written next to it (same name, .mp3) after stop_recording() or close().
  Status start_recording(CallId caller_leg, const std::string& wav_path,
                         media::RecorderOptions options = {});
  void stop_recording(CallId caller_leg);
  // Listen, whisper or barge (mode kNone detaches). The supervisor leg is an answered outbound
  // leg to the supervisor's phone.
  Status attach_supervisor(CallId caller_leg, CallId supervisor_leg, media::SupervisorMode mode);
  void detach_supervisor(CallId caller_leg);
  // Consultation: an answered outbound leg (the consulted phone) joins the caller leg's graph;
  // it and the agent hear each other (put the caller on hold meanwhile). With set_conference
  // the caller, the agent and the third party all hear each other (and it is recorded with the
  // agent). Errors as for bridge().
  Status attach_third(CallId caller_leg, CallId third_leg);
  void detach_third(CallId caller_leg);  // the third leg goes silent; conference off
  void set_conference(CallId caller_leg, bool on);
  // Hold: the caller hears `music` (a cadenced tone) and nothing from the agent; the agent hears
  // silence. Resume restores the conversation.
  void set_hold(CallId caller_leg, bool on,
                const media::ToneSpec& music = media::hold_tone());
  // Mute: what this leg (caller, agent or supervisor) says reaches nobody, nor the recording.
  void set_mute(CallId leg, bool on);
  // Sends RFC 4733 digits to the leg (e.g. to an IVR behind a transfer); error when the leg
  // negotiated no telephone-event or a digit is not 0-9 * # A-D.
  Status send_dtmf(CallId leg, std::string_view digits);
  // In-band DTMF detection on the leg, on or off (before or after connect()), whether bridged
  // or not; overrides the default of open() / reserve().
  Status set_inband_dtmf(CallId leg, bool on);

  const std::string& bind_ip() const { return bind_ip_; }
  MediaHostCounters counters() const;
  std::optional<LegCounters> leg_counters(CallId id) const;

 private:
  struct Leg {
    CallId id = 0;
    std::unique_ptr<media::RtpSocket> socket;
    std::unique_ptr<media::RtpStream> stream;  // null until connect() for a reserved leg
    std::unique_ptr<media::CallMedia> graph;
    NegotiatedAudio audio;
    std::uint64_t sequence = 0;  // of the last play()
    bool playing = false;
    // Bridging: a caller leg names its agent/supervisor legs; those name their caller leg.
    std::optional<CallId> agent, supervisor, third, bridged_to;
    std::unique_ptr<media::CallRecorder> recorder;
    bool recorder_failed = false;
    bool caller = false;                  // opened by open(): detects in-band DTMF unless bridged
    std::optional<bool> inband_override;  // set_inband_dtmf()
    LegCounters counters;
  };
  struct Encode {
    CallId caller_leg;
    std::unique_ptr<media::CallRecorder> recorder;
  };
  void run();
  void tick_all();
  void run_encoder();
  Leg* find(CallId id);  // under mu_
  void detach_locked(CallId id, Leg& leg);
  Status apply_inband_locked(Leg& leg);
  void stop_recording_locked(CallId id, Leg& leg);
  static Result<std::unique_ptr<media::RtpStream>> make_stream(const NegotiatedAudio& audio);

  std::string bind_ip_;
  media::PortRange range_;
  MediaEvents& events_;
  mutable std::mutex mu_;
  std::map<CallId, std::unique_ptr<Leg>> legs_;
  uint16_t next_hint_ = 0;
  int epoll_fd_ = -1;  // readiness of every leg's RTP and RTCP socket
  int realtime_priority_ = 0;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> ticks_{0}, late_{0}, in_{0}, out_{0};
  // MP3 encoding after hang-up, off the media thread.
  std::mutex encode_mu_;
  std::condition_variable encode_cv_;
  std::deque<Encode> encodes_;
  bool encoder_stop_ = false;
  std::thread encoder_;
};

}  // namespace sy::sip
