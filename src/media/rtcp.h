// Minimal RTCP (RFC 3550 §6.4): sender and receiver reports with at most one report block, which
// is all a two-party G.711 leg needs for loss/jitter statistics, plus the receiver-side counters
// (RFC 3550 A.3 loss, A.8 interarrival jitter) that fill the report block.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"

namespace sy::media {

inline constexpr const char* kRtcpMalformed = "rtcp_malformed";
inline constexpr const char* kRtcpNoReport = "rtcp_no_report";  // valid RTCP, but no SR/RR in it
inline constexpr uint8_t kRtcpTypeSr = 200;
inline constexpr uint8_t kRtcpTypeRr = 201;

struct RtcpReportBlock {
  uint32_t ssrc = 0;            // source this block is about
  uint8_t fraction_lost = 0;    // fixed point /256 since the last report
  int32_t cumulative_lost = 0;  // 24-bit signed on the wire
  uint32_t highest_seq = 0;     // extended highest sequence received
  uint32_t jitter = 0;          // timestamp units
  uint32_t last_sr = 0;         // middle 32 bits of the last SR's NTP time
  uint32_t delay_since_sr = 0;  // 1/65536 s
};

struct RtcpSenderInfo {
  uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
};

struct RtcpReport {
  uint32_t ssrc = 0;                     // sender of this report
  std::optional<RtcpSenderInfo> sender;  // present in an SR
  std::optional<RtcpReportBlock> block;  // the first report block, if any
};

// Builds an SR when report.sender is set, otherwise an RR.
std::vector<uint8_t> build_rtcp_report(const RtcpReport& report);

// Walks a compound packet and returns the first SR or RR; checks every length field.
Result<RtcpReport> parse_rtcp_report(std::span<const uint8_t> data);

// Receiver statistics for one incoming SSRC. Arrival time is given in RTP timestamp units
// (8000 Hz for G.711) so the caller's clock, not this class, decides what "now" is.
class RtpReceiverStats {
 public:
  void on_packet(uint16_t seq, uint32_t rtp_timestamp, uint32_t arrival_ts_units);
  // Fills a report block and starts a new interval for fraction_lost.
  RtcpReportBlock make_report_block(uint32_t source_ssrc);

  uint64_t packets_received() const { return received_; }
  int64_t cumulative_lost() const;
  uint32_t jitter() const { return static_cast<uint32_t>(jitter_q4_ >> 4); }

 private:
  bool started_ = false;
  int64_t base_ext_seq_ = 0;
  int64_t max_ext_seq_ = 0;
  uint64_t received_ = 0;
  int64_t expected_prior_ = 0;
  uint64_t received_prior_ = 0;
  int64_t last_transit_ = 0;
  bool have_transit_ = false;
  uint32_t jitter_q4_ = 0;  // jitter * 16, as in RFC 3550 A.8
};

}  // namespace sy::media
