// RTCP SR/RR serialisation and the receiver-side loss and jitter estimators.
#include "media/rtcp.h"

#include <algorithm>
#include <cstdlib>

#include "media/rtp.h"

namespace sy::media {
namespace {

uint32_t read32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
Error malformed(const char* message) {
  return make_error(ErrorKind::kInvalidInput, kRtcpMalformed, message);
}

void put_block(std::vector<uint8_t>& out, const RtcpReportBlock& b) {
  put32(out, b.ssrc);
  const int32_t lost = std::clamp(b.cumulative_lost, -0x800000, 0x7FFFFF);
  put32(out, (uint32_t{b.fraction_lost} << 24) | (static_cast<uint32_t>(lost) & 0xFFFFFF));
  put32(out, b.highest_seq);
  put32(out, b.jitter);
  put32(out, b.last_sr);
  put32(out, b.delay_since_sr);
}

RtcpReportBlock read_block(const uint8_t* p) {
  RtcpReportBlock b;
  b.ssrc = read32(p);
  const uint32_t word = read32(p + 4);
  b.fraction_lost = static_cast<uint8_t>(word >> 24);
  int32_t lost = static_cast<int32_t>(word & 0xFFFFFF);
  if (lost & 0x800000) lost -= 0x1000000;  // sign-extend 24 bits
  b.cumulative_lost = lost;
  b.highest_seq = read32(p + 8);
  b.jitter = read32(p + 12);
  b.last_sr = read32(p + 16);
  b.delay_since_sr = read32(p + 20);
  return b;
}

// Parses one SR/RR whose length was already checked to fit in `body_words` 32-bit words.
Result<RtcpReport> parse_report(const uint8_t* p, size_t total_bytes) {
  const uint8_t count = p[0] & 0x1F;
  const bool is_sr = p[1] == kRtcpTypeSr;
  const size_t needed = 8 + (is_sr ? 20 : 0) + 24u * count;
  if (total_bytes < needed) return malformed("report blocks run past the packet length");
  RtcpReport report;
  report.ssrc = read32(p + 4);
  size_t offset = 8;
  if (is_sr) {
    RtcpSenderInfo s;
    s.ntp_timestamp = (uint64_t{read32(p + 8)} << 32) | read32(p + 12);
    s.rtp_timestamp = read32(p + 16);
    s.packet_count = read32(p + 20);
    s.octet_count = read32(p + 24);
    report.sender = s;
    offset += 20;
  }
  if (count > 0) report.block = read_block(p + offset);
  return report;
}

}  // namespace

std::vector<uint8_t> build_rtcp_report(const RtcpReport& report) {
  std::vector<uint8_t> out;
  const bool is_sr = report.sender.has_value();
  const uint8_t count = report.block ? 1 : 0;
  const size_t words = 1 + (is_sr ? 5 : 0) + 6u * count;  // after the first word
  out.push_back(static_cast<uint8_t>(0x80 | count));
  out.push_back(is_sr ? kRtcpTypeSr : kRtcpTypeRr);
  out.push_back(static_cast<uint8_t>(words >> 8));
  out.push_back(static_cast<uint8_t>(words));
  put32(out, report.ssrc);
  if (is_sr) {
    put32(out, static_cast<uint32_t>(report.sender->ntp_timestamp >> 32));
    put32(out, static_cast<uint32_t>(report.sender->ntp_timestamp));
    put32(out, report.sender->rtp_timestamp);
    put32(out, report.sender->packet_count);
    put32(out, report.sender->octet_count);
  }
  if (report.block) put_block(out, *report.block);
  return out;
}

Result<RtcpReport> parse_rtcp_report(std::span<const uint8_t> data) {
  size_t offset = 0;
  if (data.size() < 8) return malformed("RTCP packet under 8 bytes");
  while (offset + 4 <= data.size()) {
    const uint8_t* p = data.data() + offset;
    if ((p[0] >> 6) != 2) return malformed("RTCP version is not 2");
    const size_t bytes = 4u * (((size_t{p[2]} << 8) | p[3]) + 1);
    if (offset + bytes > data.size()) return malformed("RTCP length runs past the datagram");
    if ((p[1] == kRtcpTypeSr || p[1] == kRtcpTypeRr) && bytes >= 8) return parse_report(p, bytes);
    offset += bytes;
  }
  if (offset != data.size()) return malformed("trailing bytes after the last RTCP packet");
  return make_error(ErrorKind::kInvalidInput, kRtcpNoReport, "no SR or RR in the compound packet");
}

void RtpReceiverStats::on_packet(uint16_t seq, uint32_t rtp_timestamp, uint32_t arrival) {
  if (!started_) {
    started_ = true;
    base_ext_seq_ = seq;
    max_ext_seq_ = seq;
  } else {
    const int64_t ext = max_ext_seq_ + seq_delta(static_cast<uint16_t>(max_ext_seq_), seq);
    max_ext_seq_ = std::max(max_ext_seq_, ext);
  }
  ++received_;
  // Transit difference in timestamp units; J += (|D| - J) / 16, kept scaled by 16.
  const int64_t transit = static_cast<int32_t>(arrival - rtp_timestamp);
  if (have_transit_) {
    const int64_t d = std::llabs(transit - last_transit_);
    jitter_q4_ = static_cast<uint32_t>(jitter_q4_ + d - ((jitter_q4_ + 8) >> 4));
  }
  last_transit_ = transit;
  have_transit_ = true;
}

int64_t RtpReceiverStats::cumulative_lost() const {
  if (!started_) return 0;
  const int64_t expected = max_ext_seq_ - base_ext_seq_ + 1;
  return expected - static_cast<int64_t>(received_);
}

RtcpReportBlock RtpReceiverStats::make_report_block(uint32_t source_ssrc) {
  RtcpReportBlock b;
  b.ssrc = source_ssrc;
  if (!started_) return b;
  const int64_t expected = max_ext_seq_ - base_ext_seq_ + 1;
  const int64_t expected_interval = expected - expected_prior_;
  const int64_t received_interval = static_cast<int64_t>(received_ - received_prior_);
  const int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected;
  received_prior_ = received_;
  if (expected_interval > 0 && lost_interval > 0) {
    b.fraction_lost =
        static_cast<uint8_t>(std::min<int64_t>(255, (lost_interval << 8) / expected_interval));
  }
  b.cumulative_lost =
      static_cast<int32_t>(std::clamp<int64_t>(cumulative_lost(), -0x800000, 0x7FFFFF));
  b.highest_seq = static_cast<uint32_t>(max_ext_seq_);
  b.jitter = jitter();
  return b;
}

}  // namespace sy::media
