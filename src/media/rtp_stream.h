// One RTP media stream of a call leg, as a pure engine (no sockets, no clock of its own): the
// SIP adapter feeds it datagrams from its RtpSocket and calls it every 20 ms. Receive side:
// parse, separate audio from RFC 4733 telephone-events by payload type, decode G.711 into the
// jitter buffer, collect digits (RFC 4733, or in-band through spandsp when the far end sends no
// telephone-events), keep RTCP statistics. Send side: G.711 packets with running sequence and
// timestamp, with queued DTMF digits sent as RFC 4733 packets in place of audio.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "media/g711.h"
#include "media/jitter_buffer.h"
#include "media/rtcp.h"
#include "media/telephone_event.h"
#include "media/tones.h"

namespace sy::media {

struct RtpStreamConfig {
  G711Law law = G711Law::kMuLaw;
  uint8_t audio_payload_type = kPayloadTypePcmu;  // 0 PCMU, 8 PCMA (from the SDP answer)
  int telephone_event_payload_type = 101;         // a=rtpmap:N telephone-event/8000; -1 = none
  uint32_t ssrc = 0;                              // ours; pick at random per RFC 3550
  uint16_t initial_sequence = 0;                  // random per RFC 3550
  uint32_t initial_timestamp = 0;                 // random per RFC 3550
  JitterBufferConfig jitter;
  bool detect_inband_dtmf = true;  // only until the far end shows it sends telephone-events
  DtmfSendOptions dtmf;
  int dtmf_gap_frames = 3;  // audio frames between two sent digits
};

enum class ReceivedKind { kAudio, kTelephoneEvent, kIgnored, kMalformed };

struct Received {
  ReceivedKind kind = ReceivedKind::kIgnored;
  std::optional<char> digit;  // set when this packet started a new RFC 4733 key press
};

struct SendCounters {
  uint32_t packets = 0;
  uint32_t octets = 0;  // payload octets, as RTCP counts them
};

class RtpStream {
 public:
  static Result<std::unique_ptr<RtpStream>> create(const RtpStreamConfig& config);

  // --- receive ---
  Received on_datagram(std::span<const uint8_t> datagram, TimePoint now);
  // The 20 ms of far-end audio to play, mix or record now.
  JitterOutput next_frame(TimePoint now);
  // Digits received so far (RFC 4733 and in-band, in order), then cleared.
  std::string take_digits();
  // Turns in-band DTMF detection (spandsp, the costly part of receiving) on or off.
  Status set_inband_detection(bool on);
  bool inband_detection() const { return inband_ != nullptr; }
  void on_rtcp(std::span<const uint8_t> datagram, TimePoint now);

  // --- send ---
  // Queues digits to send as RFC 4733 events (error if no telephone-event PT was negotiated).
  Status send_digits(std::string_view digits);
  bool sending_dtmf() const { return !dtmf_queue_.empty() || !dtmf_packets_.empty(); }
  // The packet for this 20 ms tick: `frame` as G.711, or the next DTMF packet.
  std::vector<uint8_t> next_packet(std::span<const int16_t> frame);
  // SR (we have sent) or RR, with a report block on the far end's stream when there is one.
  std::vector<uint8_t> make_rtcp_report(TimePoint now);

  const RtpReceiverStats& receive_stats() const { return stats_; }
  const JitterStats& jitter_stats() const { return jitter_.stats(); }
  const SendCounters& send_counters() const { return sent_; }
  std::optional<uint32_t> remote_ssrc() const { return remote_ssrc_; }
  std::optional<RtcpReport> last_remote_report() const { return remote_report_; }

 private:
  explicit RtpStream(const RtpStreamConfig& config) : config_(config), jitter_(config.jitter) {}
  std::vector<uint8_t> packet(bool marker, uint8_t pt, uint32_t ts,
                              std::span<const uint8_t> payload);
  void start_next_digit();

  RtpStreamConfig config_;
  JitterBuffer jitter_;
  DtmfReceiver dtmf_rx_;
  std::unique_ptr<InbandDtmfDetector> inband_;
  bool telephone_events_seen_ = false;
  std::string digits_;
  RtpReceiverStats stats_;
  std::optional<uint32_t> remote_ssrc_;
  std::optional<RtcpReport> remote_report_;
  uint32_t last_sr_middle_ = 0;
  TimePoint last_sr_arrival_{};
  // Receive-side frame placement by RTP timestamp (see on_datagram).
  bool frames_anchored_ = false;
  uint32_t ts_anchor_ = 0;
  int64_t last_ts_offset_ = 0;  // unwrapped timestamp of the last audio packet, from the anchor
  uint16_t last_audio_seq_ = 0;
  int64_t next_frame_ = 0;  // the frame after the last audio packet's samples

  uint16_t seq_ = 0;
  uint32_t ts_ = 0;
  SendCounters sent_;
  std::deque<char> dtmf_queue_;
  std::deque<TelephoneEventPacket> dtmf_packets_;
  int dtmf_gap_left_ = 0;
};

}  // namespace sy::media
