// RFC 4733 payload codec, digit de-duplication and packet sequence generation.
#include "media/telephone_event.h"

#include <algorithm>
#include <string_view>

namespace sy::media {
namespace {
constexpr std::string_view kDigits = "0123456789*#ABCD";
}

Result<TelephoneEvent> parse_telephone_event(std::span<const uint8_t> payload) {
  if (payload.size() < 4) {
    return make_error(ErrorKind::kInvalidInput, kTelephoneEventTooShort,
                      "telephone-event payload under 4 bytes");
  }
  TelephoneEvent e;
  e.event = payload[0];
  e.end = (payload[1] & 0x80) != 0;
  e.volume = payload[1] & 0x3F;  // bit 6 is reserved and ignored
  e.duration = static_cast<uint16_t>((payload[2] << 8) | payload[3]);
  return e;
}

std::vector<uint8_t> build_telephone_event(const TelephoneEvent& e) {
  return {e.event, static_cast<uint8_t>((e.end ? 0x80 : 0) | (e.volume & 0x3F)),
          static_cast<uint8_t>(e.duration >> 8), static_cast<uint8_t>(e.duration)};
}

std::optional<char> dtmf_event_to_char(uint8_t event) {
  if (event >= kDigits.size()) return std::nullopt;
  return kDigits[event];
}

std::optional<uint8_t> dtmf_char_to_event(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  const size_t pos = kDigits.find(digit);
  if (pos == std::string_view::npos) return std::nullopt;
  return static_cast<uint8_t>(pos);
}

bool DtmfReceiver::continues_last_segment(uint32_t rtp_timestamp,
                                          const TelephoneEvent& event) const {
  if (seen_.empty()) return false;
  const Seen& last = seen_.back();
  constexpr uint16_t kNearFull = 0xFFFF - 1600;  // a segment only ends this long when it is full
  const int32_t gap = static_cast<int32_t>(rtp_timestamp - last.timestamp);
  return last.event == event.event && !last.ended && last.max_duration >= kNearFull && gap > 0 &&
         gap <= 0xFFFF + 1600;
}

std::optional<DtmfDigit> DtmfReceiver::on_packet(uint32_t rtp_timestamp,
                                                 const TelephoneEvent& event) {
  const auto digit = dtmf_event_to_char(event.event);
  if (!digit) return std::nullopt;  // flash and other events are not digits
  for (Seen& s : seen_) {
    if (s.timestamp == rtp_timestamp && s.event == event.event) {
      s.max_duration = std::max(s.max_duration, event.duration);
      s.ended = s.ended || event.end;
      return std::nullopt;
    }
  }
  const bool continuation = continues_last_segment(rtp_timestamp, event);
  seen_.push_back({rtp_timestamp, event.event, event.duration, event.end});
  if (seen_.size() > kMemory) seen_.pop_front();
  if (continuation) return std::nullopt;
  return DtmfDigit{*digit, rtp_timestamp};
}

std::optional<DtmfDigit> DtmfReceiver::on_payload(uint32_t rtp_timestamp,
                                                  std::span<const uint8_t> payload) {
  auto event = parse_telephone_event(payload);
  if (!event) return std::nullopt;
  return on_packet(rtp_timestamp, *event);
}

Result<std::vector<TelephoneEventPacket>> make_dtmf_packets(char digit, uint32_t start_timestamp,
                                                            const DtmfSendOptions& options) {
  const auto code = dtmf_char_to_event(digit);
  if (!code) {
    return make_error(ErrorKind::kInvalidInput, "dtmf_bad_digit", "not a DTMF digit", "digit");
  }
  if (options.packet_interval_units == 0 || options.duration_units == 0) {
    return make_error(ErrorKind::kInvalidInput, "dtmf_bad_timing", "zero duration or interval");
  }
  std::vector<TelephoneEventPacket> packets;
  TelephoneEventPacket p;
  p.timestamp = start_timestamp;
  p.event.event = *code;
  p.event.volume = options.volume;
  uint32_t elapsed = 0;
  while (elapsed + options.packet_interval_units < options.duration_units) {
    elapsed += options.packet_interval_units;
    p.marker = packets.empty();
    p.event.duration = static_cast<uint16_t>(elapsed);
    packets.push_back(p);
  }
  p.event.end = true;
  p.event.duration = options.duration_units;
  for (int i = 0; i < std::max(1, options.end_repeats); ++i) {
    p.marker = packets.empty();
    packets.push_back(p);
  }
  return packets;
}

}  // namespace sy::media
