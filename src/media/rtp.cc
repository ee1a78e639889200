// RTP parsing and building. Parsing checks every length before reading so random or hostile
// datagrams from the network can only produce an error value.
#include "media/rtp.h"

namespace sy::media {
namespace {

uint16_t read16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t read32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}
Error bad(const char* code, const char* message) {
  return make_error(ErrorKind::kInvalidInput, code, message);
}

}  // namespace

Result<RtpPacketView> parse_rtp(std::span<const uint8_t> data) {
  if (data.size() < kRtpFixedHeaderSize) return bad(kRtpTooShort, "RTP packet under 12 bytes");
  const uint8_t* p = data.data();
  if ((p[0] >> 6) != 2) return bad(kRtpBadVersion, "RTP version is not 2");
  RtpPacketView view;
  RtpHeader& h = view.header;
  const bool has_padding = (p[0] & 0x20) != 0;
  h.has_extension = (p[0] & 0x10) != 0;
  h.csrc_count = p[0] & 0x0F;
  h.marker = (p[1] & 0x80) != 0;
  h.payload_type = p[1] & 0x7F;
  h.sequence = read16(p + 2);
  h.timestamp = read32(p + 4);
  h.ssrc = read32(p + 8);
  size_t offset = kRtpFixedHeaderSize;
  if (data.size() < offset + 4u * h.csrc_count) {
    return bad(kRtpCsrcOverflow, "CSRC list runs past the end of the packet");
  }
  for (uint8_t i = 0; i < h.csrc_count; ++i, offset += 4) h.csrcs[i] = read32(p + offset);
  if (h.has_extension) {
    if (data.size() < offset + 4) return bad(kRtpExtensionOverflow, "extension header truncated");
    h.extension_profile = read16(p + offset);
    const size_t ext_bytes = 4u * read16(p + offset + 2);
    offset += 4;
    if (data.size() < offset + ext_bytes) {
      return bad(kRtpExtensionOverflow, "extension length runs past the end of the packet");
    }
    view.extension = data.subspan(offset, ext_bytes);
    offset += ext_bytes;
  }
  size_t end = data.size();
  if (has_padding) {
    const uint8_t pad = p[data.size() - 1];
    // The count includes itself, so 0 is invalid; it may not eat into the header.
    if (pad == 0 || pad > end - offset) {
      return bad(kRtpBadPadding, "padding count is zero or longer than the payload");
    }
    view.padding = pad;
    end -= pad;
  }
  view.payload = data.subspan(offset, end - offset);
  return view;
}

std::vector<uint8_t> build_rtp(const RtpHeader& header, std::span<const uint8_t> payload,
                               std::span<const uint8_t> extension, uint8_t padding) {
  std::vector<uint8_t> out;
  const uint8_t csrc_count = header.csrc_count > kRtpMaxCsrcs ? kRtpMaxCsrcs : header.csrc_count;
  out.reserve(kRtpFixedHeaderSize + 4u * csrc_count + 4 + extension.size() + payload.size() +
              padding);
  out.push_back(static_cast<uint8_t>(0x80 | (padding ? 0x20 : 0) |
                                     (header.has_extension ? 0x10 : 0) | csrc_count));
  out.push_back(static_cast<uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7F)));
  put16(out, header.sequence);
  put32(out, header.timestamp);
  put32(out, header.ssrc);
  for (uint8_t i = 0; i < csrc_count; ++i) put32(out, header.csrcs[i]);
  if (header.has_extension) {
    put16(out, header.extension_profile);
    put16(out, static_cast<uint16_t>(extension.size() / 4));
    out.insert(out.end(), extension.begin(), extension.begin() + (extension.size() / 4) * 4);
  }
  out.insert(out.end(), payload.begin(), payload.end());
  if (padding) {
    out.insert(out.end(), padding - 1u, uint8_t{0});
    out.push_back(padding);
  }
  return out;
}

bool looks_like_rtcp(std::span<const uint8_t> data) {
  if (data.size() < 2 || (data[0] >> 6) != 2) return false;
  const uint8_t pt = data[1] & 0x7F;
  return pt >= 64 && pt <= 95;
}

int64_t SequenceExtender::extend(uint16_t seq) {
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return highest_;
  }
  const int64_t candidate = highest_ + seq_delta(static_cast<uint16_t>(highest_), seq);
  if (candidate > highest_) highest_ = candidate;
  return candidate;
}

}  // namespace sy::media
