// RTP: build/parse round trips, the error code for each kind of malformed packet, a fuzz loop
// of random datagrams (must never crash or read out of bounds under ASan), and wrap-around.
#include "media/rtp.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sy::media {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}

TEST(Rtp, BuildThenParseKeepsEveryField) {
  RtpHeader h;
  h.marker = true;
  h.payload_type = 8;
  h.sequence = 65535;
  h.timestamp = 0xDEADBEEF;
  h.ssrc = 0x01020304;
  h.csrc_count = 2;
  h.csrcs[0] = 11;
  h.csrcs[1] = 0xFFFFFFFF;
  h.has_extension = true;
  h.extension_profile = 0xBEDE;
  const std::vector<uint8_t> payload(160, 0xD5);
  const auto ext = bytes({1, 2, 3, 4, 5, 6, 7, 8});
  const auto wire = build_rtp(h, payload, ext, 4);
  ASSERT_EQ(wire.size(), 12u + 8 + 4 + 8 + 160 + 4);

  auto p = parse_rtp(wire);
  ASSERT_TRUE(p.ok()) << p.error().code;
  EXPECT_TRUE(p->header.marker);
  EXPECT_EQ(p->header.payload_type, 8);
  EXPECT_EQ(p->header.sequence, 65535);
  EXPECT_EQ(p->header.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(p->header.ssrc, 0x01020304u);
  ASSERT_EQ(p->header.csrc_count, 2);
  EXPECT_EQ(p->header.csrcs[1], 0xFFFFFFFFu);
  EXPECT_TRUE(p->header.has_extension);
  EXPECT_EQ(p->header.extension_profile, 0xBEDE);
  EXPECT_EQ(std::vector<uint8_t>(p->extension.begin(), p->extension.end()), ext);
  EXPECT_EQ(p->padding, 4);
  EXPECT_EQ(std::vector<uint8_t>(p->payload.begin(), p->payload.end()), payload);
}

TEST(Rtp, PlainG711PacketParses) {
  RtpHeader h;
  h.sequence = 7;
  const std::vector<uint8_t> payload(160, 0xFF);
  auto p = parse_rtp(build_rtp(h, payload));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->payload.size(), 160u);
  EXPECT_FALSE(p->header.marker);
  EXPECT_EQ(p->padding, 0);
}

struct Garbage {
  const char* name;
  std::vector<uint8_t> data;
  const char* code;
};

TEST(Rtp, MalformedPacketsAreRejectedWithTheRightCode) {
  const std::vector<Garbage> table = {
      {"empty", {}, kRtpTooShort},
      {"eleven bytes", bytes({0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}), kRtpTooShort},
      {"version 0", bytes({0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), kRtpBadVersion},
      {"version 1", bytes({0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), kRtpBadVersion},
      {"version 3", bytes({0xC0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9}), kRtpBadVersion},
      {"padding count 0", bytes({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}), kRtpBadPadding},
      {"padding past payload", bytes({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3}),
       kRtpBadPadding},
      {"padding, no payload", bytes({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9}), kRtpBadPadding},
      {"15 CSRCs announced, 1 present", bytes({0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}),
       kRtpCsrcOverflow},
      {"extension header cut", bytes({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE}),
       kRtpExtensionOverflow},
      {"extension length too long",
       bytes({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 2, 1, 2, 3, 4}),
       kRtpExtensionOverflow},
      {"extension length 0xFFFF",
       bytes({0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF}),
       kRtpExtensionOverflow},
  };
  for (const auto& g : table) {
    auto p = parse_rtp(g.data);
    ASSERT_FALSE(p.ok()) << g.name;
    EXPECT_EQ(p.error().code, g.code) << g.name;
    EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput) << g.name;
  }
}

TEST(Rtp, PaddingThatEatsExactlyThePayloadIsValid) {
  auto p = parse_rtp(bytes({0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->payload.empty());
  EXPECT_EQ(p->padding, 3);
}

// ~100k random datagrams, half of them with a valid version so parsing gets past the first
// check; every accepted view must lie inside the buffer.
TEST(Rtp, RandomBuffersNeverCrash) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> len_dist(0, 300);
  std::uniform_int_distribution<int> byte_dist(0, 255);
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    std::vector<uint8_t> buf(static_cast<size_t>(len_dist(rng)));
    for (auto& b : buf) b = static_cast<uint8_t>(byte_dist(rng));
    if (!buf.empty() && (i & 1)) buf[0] = static_cast<uint8_t>((buf[0] & 0x3F) | 0x80);
    auto p = parse_rtp(buf);
    if (!p.ok()) continue;
    ++accepted;
    const uint8_t* begin = buf.data();
    const uint8_t* end = buf.data() + buf.size();
    ASSERT_GE(p->payload.data(), begin);
    ASSERT_LE(p->payload.data() + p->payload.size(), end);
    ASSERT_LE(p->extension.data() + p->extension.size(), end);
  }
  EXPECT_GT(accepted, 1000);  // the fuzz reached the deeper checks
}

TEST(Rtp, SequenceArithmeticWrapsAround) {
  EXPECT_EQ(seq_delta(65535, 0), 1);
  EXPECT_EQ(seq_delta(0, 65535), -1);
  EXPECT_TRUE(seq_newer(2, 65530));
  EXPECT_FALSE(seq_newer(65530, 2));
  EXPECT_EQ(ts_delta(0xFFFFFF60u, 0x00000000u), 160);

  SequenceExtender ext;
  EXPECT_EQ(ext.extend(65534), 65534);
  EXPECT_EQ(ext.extend(65535), 65535);
  EXPECT_EQ(ext.extend(1), 65537);      // wrapped
  EXPECT_EQ(ext.extend(0), 65536);      // reordered across the wrap
  EXPECT_EQ(ext.extend(65535), 65535);  // late, previous cycle
  EXPECT_EQ(ext.highest(), 65537);
}

TEST(Rtp, RtcpIsToldApartFromRtp) {
  RtpHeader h;
  h.payload_type = 0;
  EXPECT_FALSE(looks_like_rtcp(build_rtp(h, std::vector<uint8_t>(10))));
  EXPECT_TRUE(looks_like_rtcp(bytes({0x81, 200, 0, 6})));
  EXPECT_TRUE(looks_like_rtcp(bytes({0x81, 201, 0, 7})));
}

}  // namespace
}  // namespace sy::media
