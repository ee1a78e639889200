// RFC 4733 telephone-events (DTMF over RTP): the 4-byte payload, a receiver that turns the
// redundant packet stream of a key press into exactly one digit, and a sender that produces the
// packet sequence for one digit.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"

namespace sy::media {

inline constexpr const char* kTelephoneEventTooShort = "telephone_event_too_short";

struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D' (other events exist, e.g. flash)
  bool end = false;
  uint8_t volume = 10;    // 0..63, -dBm0
  uint16_t duration = 0;  // in RTP timestamp units since the event began
};

Result<TelephoneEvent> parse_telephone_event(std::span<const uint8_t> payload);
std::vector<uint8_t> build_telephone_event(const TelephoneEvent& event);

// DTMF event code <-> character; nullopt for codes/characters that are not DTMF digits.
std::optional<char> dtmf_event_to_char(uint8_t event);
std::optional<uint8_t> dtmf_char_to_event(char digit);

struct DtmfDigit {
  char digit = 0;
  uint32_t timestamp = 0;  // RTP timestamp of the event: identifies the key press
};

// One key press is every packet sharing an RTP timestamp (RFC 4733 §2.5.1.3), so the receiver
// reports a digit the first time it sees a new (timestamp, event) and ignores the rest: updates,
// the three end packets, retransmits and late reordered copies. A short memory of recent key
// presses handles reordering across presses. A key held past the 16-bit duration (~8 s) is sent
// as further segments with new timestamps; those continue the press instead of repeating it.
class DtmfReceiver {
 public:
  std::optional<DtmfDigit> on_packet(uint32_t rtp_timestamp, const TelephoneEvent& event);
  // Convenience: parses the payload first; malformed payloads are ignored (nullopt).
  std::optional<DtmfDigit> on_payload(uint32_t rtp_timestamp, std::span<const uint8_t> payload);

 private:
  struct Seen {
    uint32_t timestamp;
    uint8_t event;
    uint16_t max_duration;
    bool ended;
  };
  bool continues_last_segment(uint32_t rtp_timestamp, const TelephoneEvent& event) const;
  static constexpr size_t kMemory = 32;
  std::deque<Seen> seen_;
};

// One RTP packet of a telephone-event stream; the caller adds sequence numbers, SSRC and the
// payload type negotiated in SDP, and sends them `packet_interval` apart.
struct TelephoneEventPacket {
  bool marker = false;     // first packet of the event
  uint32_t timestamp = 0;  // the same for every packet of the event
  TelephoneEvent event;
};

struct DtmfSendOptions {
  uint16_t duration_units = 800;         // 100 ms at 8 kHz
  uint16_t packet_interval_units = 160;  // 20 ms
  uint8_t volume = 10;
  int end_repeats = 3;  // RFC 4733 §2.5.1.4 recommends three end packets
};

Result<std::vector<TelephoneEventPacket>> make_dtmf_packets(char digit, uint32_t start_timestamp,
                                                            const DtmfSendOptions& options = {});

}  // namespace sy::media
