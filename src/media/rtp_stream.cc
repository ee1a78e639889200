// RtpStream: the per-leg media engine between the RTP socket and the call's audio graph.
#include "media/rtp_stream.h"

#include "media/rtp.h"

namespace sy::media {
namespace {

// RTP timestamp units (8 kHz) of a wall time: only differences matter for jitter.
uint32_t to_units(TimePoint t) {
  constexpr int64_t kMicrosPerUnit = 1000000 / kSampleRate;  // 125 µs
  return static_cast<uint32_t>(t.time_since_epoch().count() / kMicrosPerUnit);
}

// 32.32 NTP time (seconds since 1900) for RTCP sender reports.
uint64_t to_ntp(TimePoint t) {
  constexpr uint64_t kUnixToNtp = 2208988800ull;
  const int64_t us = t.time_since_epoch().count();
  const uint64_t secs = static_cast<uint64_t>(us / 1000000) + kUnixToNtp;
  const uint64_t frac = (static_cast<uint64_t>(us % 1000000) << 32) / 1000000;
  return (secs << 32) | frac;
}

}  // namespace

Result<std::unique_ptr<RtpStream>> RtpStream::create(const RtpStreamConfig& config) {
  std::unique_ptr<RtpStream> s(new RtpStream(config));
  if (config.detect_inband_dtmf) {
    auto rx = InbandDtmfDetector::create();
    if (!rx) return rx.error();
    s->inband_ = std::move(*rx);
  }
  s->seq_ = config.initial_sequence;
  s->ts_ = config.initial_timestamp;
  return s;
}

Received RtpStream::on_datagram(std::span<const uint8_t> datagram, TimePoint now) {
  auto parsed = parse_rtp(datagram);
  if (!parsed) return {ReceivedKind::kMalformed, std::nullopt};
  const RtpHeader& h = parsed->header;
  const bool is_audio = h.payload_type == config_.audio_payload_type;
  const bool is_event = config_.telephone_event_payload_type >= 0 &&
                        h.payload_type == config_.telephone_event_payload_type;
  if (!is_audio && !is_event) return {};  // comfort noise, unnegotiated codecs
  if (remote_ssrc_ != h.ssrc) {
    // A new source (first packet, or the far end re-INVITEd / was transferred): start over.
    remote_ssrc_ = h.ssrc;
    stats_ = RtpReceiverStats();
    jitter_.reset();
    frames_anchored_ = false;
  }
  stats_.on_packet(h.sequence, h.timestamp, to_units(now));
  if (is_event) {
    telephone_events_seen_ = true;
    // The event replaced audio for this sequence number: play silence, not concealment. Each
    // event packet stands for one 20 ms frame after the last audio packet.
    if (frames_anchored_) {
      int64_t frame = next_frame_ + static_cast<int16_t>(h.sequence - last_audio_seq_ - 1);
      jitter_.push(static_cast<uint16_t>(frame), Frame{}, now);
    } else {
      jitter_.push(h.sequence, Frame{}, now);
    }
    Received r{ReceivedKind::kTelephoneEvent, std::nullopt};
    if (auto d = dtmf_rx_.on_payload(h.timestamp, parsed->payload)) {
      r.digit = d->digit;
      digits_.push_back(d->digit);
    }
    return r;
  }
  // Frames are placed by RTP timestamp, so any packet length (10, 20, 30 ms...) fills the 20 ms
  // frames of the jitter buffer; a frame split across two packets is joined there.
  if (!frames_anchored_) {
    frames_anchored_ = true;
    ts_anchor_ = h.timestamp;
    last_ts_offset_ = 0;
  }
  last_ts_offset_ +=
      static_cast<int32_t>(h.timestamp - ts_anchor_ - static_cast<uint32_t>(last_ts_offset_));
  int64_t position = last_ts_offset_;
  std::span<const uint8_t> payload =
      parsed->payload.first(std::min<size_t>(parsed->payload.size(), 1920));
  int16_t pcm[1920];
  g711_decode(config_.law, payload, std::span<int16_t>(pcm, payload.size()));
  size_t done = 0;
  while (done < payload.size()) {
    int64_t frame = position / static_cast<int64_t>(kFrameSamples);
    size_t offset = static_cast<size_t>(position % static_cast<int64_t>(kFrameSamples));
    if (position < 0) {  // before the anchor: a reordered first packet
      frame = (position - static_cast<int64_t>(kFrameSamples) + 1) /
              static_cast<int64_t>(kFrameSamples);
      offset = static_cast<size_t>(position - frame * static_cast<int64_t>(kFrameSamples));
    }
    size_t n = std::min(payload.size() - done, kFrameSamples - offset);
    jitter_.push_part(static_cast<uint16_t>(frame), offset, std::span<const int16_t>(pcm + done, n),
                      now);
    done += n;
    position += static_cast<int64_t>(n);
  }
  last_audio_seq_ = h.sequence;
  next_frame_ =
      (position + static_cast<int64_t>(kFrameSamples) - 1) / static_cast<int64_t>(kFrameSamples);
  return {ReceivedKind::kAudio, std::nullopt};
}

JitterOutput RtpStream::next_frame(TimePoint now) {
  JitterOutput out = jitter_.pop(now);
  // Concealed frames repeat real audio: scanning them would double a digit.
  if (inband_ && !telephone_events_seen_ && out.kind == FrameKind::kAudio) {
    digits_ += inband_->process(out.samples);
  }
  return out;
}

Status RtpStream::set_inband_detection(bool on) {
  if (!on) {
    inband_.reset();
    return {};
  }
  if (inband_) return {};
  auto rx = InbandDtmfDetector::create();
  if (!rx) return rx.error();
  inband_ = std::move(*rx);
  return {};
}

std::string RtpStream::take_digits() {
  std::string out;
  out.swap(digits_);
  return out;
}

void RtpStream::on_rtcp(std::span<const uint8_t> datagram, TimePoint now) {
  auto report = parse_rtcp_report(datagram);
  if (!report) return;
  if (report->sender) {
    last_sr_middle_ = static_cast<uint32_t>(report->sender->ntp_timestamp >> 16);
    last_sr_arrival_ = now;
  }
  remote_report_ = *report;
}

Status RtpStream::send_digits(std::string_view digits) {
  if (config_.telephone_event_payload_type < 0) {
    return make_error(ErrorKind::kConflict, "dtmf_not_negotiated",
                      "the far end did not offer telephone-event");
  }
  for (char c : digits) {
    if (!dtmf_char_to_event(c)) {
      return make_error(ErrorKind::kInvalidInput, "dtmf_bad_digit", "not a DTMF digit", "digits");
    }
  }
  dtmf_queue_.insert(dtmf_queue_.end(), digits.begin(), digits.end());
  return ok_status();
}

void RtpStream::start_next_digit() {
  if (dtmf_queue_.empty() || !dtmf_packets_.empty() || dtmf_gap_left_ > 0) return;
  auto packets = make_dtmf_packets(dtmf_queue_.front(), ts_, config_.dtmf);
  dtmf_queue_.pop_front();
  if (packets) dtmf_packets_.assign(packets->begin(), packets->end());
}

std::vector<uint8_t> RtpStream::packet(bool marker, uint8_t pt, uint32_t ts,
                                       std::span<const uint8_t> payload) {
  RtpHeader h;
  h.marker = marker;
  h.payload_type = pt;
  h.sequence = seq_++;
  h.timestamp = ts;
  h.ssrc = config_.ssrc;
  ++sent_.packets;
  sent_.octets += static_cast<uint32_t>(payload.size());
  return build_rtp(h, payload);
}

std::vector<uint8_t> RtpStream::next_packet(std::span<const int16_t> frame) {
  start_next_digit();
  std::vector<uint8_t> out;
  if (!dtmf_packets_.empty()) {
    // Audio is replaced by the event while a digit plays (RFC 4733 §2.5.1.1); the media clock
    // keeps running so audio resumes at the right timestamp.
    const TelephoneEventPacket p = dtmf_packets_.front();
    dtmf_packets_.pop_front();
    out = packet(p.marker, static_cast<uint8_t>(config_.telephone_event_payload_type), p.timestamp,
                 build_telephone_event(p.event));
    if (dtmf_packets_.empty()) dtmf_gap_left_ = config_.dtmf_gap_frames;
  } else {
    std::array<uint8_t, kFrameSamples> payload{};
    const size_t n = std::min(frame.size(), payload.size());
    g711_encode(config_.law, frame.first(n), payload);
    for (size_t i = n; i < payload.size(); ++i) payload[i] = g711_silence_byte(config_.law);
    out = packet(false, config_.audio_payload_type, ts_, payload);
    if (dtmf_gap_left_ > 0) --dtmf_gap_left_;
  }
  ts_ += kFrameSamples;
  return out;
}

std::vector<uint8_t> RtpStream::make_rtcp_report(TimePoint now) {
  RtcpReport r;
  r.ssrc = config_.ssrc;
  if (sent_.packets > 0) {
    r.sender = RtcpSenderInfo{to_ntp(now), ts_, sent_.packets, sent_.octets};
  }
  if (remote_ssrc_) {
    RtcpReportBlock b = stats_.make_report_block(*remote_ssrc_);
    if (last_sr_middle_ != 0) {
      b.last_sr = last_sr_middle_;
      const int64_t us = (now - last_sr_arrival_).count();
      b.delay_since_sr = static_cast<uint32_t>((us << 16) / 1000000);
    }
    r.block = b;
  }
  return build_rtcp_report(r);
}

}  // namespace sy::media
