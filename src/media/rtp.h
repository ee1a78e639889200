// RTP packets (RFC 3550 §5.1): strict parsing into a view over the caller's buffer and building
// into bytes, plus 16/32-bit sequence and timestamp arithmetic that survives wrap-around.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"

namespace sy::media {

// Stable error codes (Error::code) for malformed packets; all have kind kInvalidInput.
inline constexpr const char* kRtpTooShort = "rtp_too_short";
inline constexpr const char* kRtpBadVersion = "rtp_bad_version";
inline constexpr const char* kRtpBadPadding = "rtp_bad_padding";
inline constexpr const char* kRtpExtensionOverflow = "rtp_extension_overflow";
inline constexpr const char* kRtpCsrcOverflow = "rtp_csrc_overflow";  // CSRC list past the end

inline constexpr size_t kRtpFixedHeaderSize = 12;
inline constexpr size_t kRtpMaxCsrcs = 15;

struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;  // 7 bits
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  uint8_t csrc_count = 0;
  std::array<uint32_t, kRtpMaxCsrcs> csrcs{};
  bool has_extension = false;
  uint16_t extension_profile = 0;  // "defined by profile" field of the header extension
};

// A parsed packet. Spans point into the buffer given to parse_rtp (keep it alive).
struct RtpPacketView {
  RtpHeader header;
  std::span<const uint8_t> extension;  // extension data words (without the 4-byte ext header)
  std::span<const uint8_t> payload;    // without padding
  uint8_t padding = 0;                 // padding bytes removed (0 if P bit clear)
};

// Never reads outside `data`; every malformation is an error value.
Result<RtpPacketView> parse_rtp(std::span<const uint8_t> data);

// Serialises header + payload. `extension` must be a multiple of 4 bytes when has_extension;
// `padding` bytes (0..255) are appended with the P bit when non-zero.
std::vector<uint8_t> build_rtp(const RtpHeader& header, std::span<const uint8_t> payload,
                               std::span<const uint8_t> extension = {}, uint8_t padding = 0);

// Cheap check used to tell RTP from RTCP on a shared port (RFC 5761 §4: PT 64..95 is RTCP).
bool looks_like_rtcp(std::span<const uint8_t> data);

// Signed distance b - a on the 16-bit sequence circle: positive when b is newer.
inline int16_t seq_delta(uint16_t a, uint16_t b) { return static_cast<int16_t>(b - a); }
inline bool seq_newer(uint16_t candidate, uint16_t reference) {
  return seq_delta(reference, candidate) > 0;
}
// Signed distance on the 32-bit RTP timestamp circle.
inline int32_t ts_delta(uint32_t a, uint32_t b) { return static_cast<int32_t>(b - a); }

// Extends 16-bit sequence numbers to a monotonic 64-bit count (cycles * 65536 + seq), taking
// the closest interpretation so reordered packets around a wrap land on the right cycle.
class SequenceExtender {
 public:
  int64_t extend(uint16_t seq);
  bool started() const { return started_; }
  int64_t highest() const { return highest_; }

 private:
  bool started_ = false;
  int64_t highest_ = 0;
};

}  // namespace sy::media
