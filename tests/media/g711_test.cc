// G.711: ITU reference byte/sample pairs, the round trip of every code word, and the bounded
// quantisation error of every 16-bit sample.
#include "media/g711.h"

#include <gtest/gtest.h>
#include <spandsp.h>

#include <cstdlib>

namespace sy::media {
namespace {

TEST(G711, MuLawMatchesReferenceValues) {
  // From ITU-T G.711 Table 2 (as produced by the reference implementation).
  EXPECT_EQ(ulaw_encode(0), 0xFF);
  EXPECT_EQ(ulaw_decode(0xFF), 0);
  EXPECT_EQ(ulaw_decode(0x7F), 0);  // negative zero
  EXPECT_EQ(ulaw_decode(0x00), -32124);
  EXPECT_EQ(ulaw_decode(0x80), 32124);
  EXPECT_EQ(ulaw_encode(32767), 0x80);
  EXPECT_EQ(ulaw_encode(-32768), 0x00);
  EXPECT_EQ(ulaw_decode(0xEF), 132);  // segment 0, step 8 around bias
  EXPECT_EQ(ulaw_encode(1000), 0xCE);
  EXPECT_EQ(ulaw_decode(0xCE), 988);
  // G.191 codes negatives by one's complement: -1 is negative zero, -100 mirrors 99.
  EXPECT_EQ(ulaw_encode(-1), 0x7F);
  EXPECT_EQ(ulaw_encode(-100), 0x73);
  EXPECT_EQ(ulaw_decode(0x73), -96);
  EXPECT_EQ(ulaw_encode(100), 0xF2);
  EXPECT_EQ(ulaw_decode(0xF2), 104);
}

TEST(G711, ALawMatchesReferenceValues) {
  EXPECT_EQ(alaw_encode(0), 0xD5);
  EXPECT_EQ(alaw_decode(0xD5), 8);
  EXPECT_EQ(alaw_decode(0x55), -8);
  EXPECT_EQ(alaw_decode(0xAA), 32256);
  EXPECT_EQ(alaw_decode(0x2A), -32256);
  EXPECT_EQ(alaw_encode(32767), 0xAA);
  EXPECT_EQ(alaw_encode(-32768), 0x2A);
  EXPECT_EQ(alaw_encode(1000), 0xFA);
  EXPECT_EQ(alaw_decode(0xFA), 1008);
}

// An independent implementation (spandsp's inline codec) agrees on every decode, every A-law
// encode, and every non-negative µ-law encode. (spandsp rounds negative µ-law magnitudes the
// other way from G.191, so those are compared against the G.191 symmetry instead.)
TEST(G711, AgreesWithSpandspReferenceCodec) {
  for (int b = 0; b < 256; ++b) {
    ASSERT_EQ(ulaw_decode(static_cast<uint8_t>(b)), ulaw_to_linear(static_cast<uint8_t>(b))) << b;
    ASSERT_EQ(alaw_decode(static_cast<uint8_t>(b)), alaw_to_linear(static_cast<uint8_t>(b))) << b;
  }
  for (int s = -32768; s <= 32767; ++s) {
    ASSERT_EQ(alaw_encode(static_cast<int16_t>(s)), linear_to_alaw(s)) << s;
    if (s >= 0) {
      ASSERT_EQ(ulaw_encode(static_cast<int16_t>(s)), linear_to_ulaw(s)) << s;
      // G.191 symmetry: -1-x codes as x with the sign bit cleared.
      ASSERT_EQ(ulaw_encode(static_cast<int16_t>(-1 - s)),
                ulaw_encode(static_cast<int16_t>(s)) & 0x7F)
          << s;
    }
  }
}

TEST(G711, EveryCodeWordRoundTrips) {
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<uint8_t>(b);
    if (byte != 0x7F) {  // 0x7F is negative zero, which encodes back as 0xFF
      EXPECT_EQ(ulaw_encode(ulaw_decode(byte)), byte) << b;
    }
    EXPECT_EQ(alaw_encode(alaw_decode(byte)), byte) << b;
  }
}

// The error of a round trip never exceeds half a quantisation step, which grows with the
// segment: |x|/16 covers it above the first segments, and 16 (µ) / 8 (A) below.
TEST(G711, RoundTripStaysWithinQuantisationError) {
  int worst_mu = 0, worst_a = 0;
  for (int s = -32768; s <= 32767; ++s) {
    const auto x = static_cast<int16_t>(s);
    const int mu_err = std::abs(ulaw_decode(ulaw_encode(x)) - s);
    const int a_err = std::abs(alaw_decode(alaw_encode(x)) - s);
    const int bound = std::max(16, std::abs(s) / 16);
    if (std::abs(s) <= 32000) {  // beyond the law's top value the error is clipping
      ASSERT_LE(mu_err, bound) << s;
      ASSERT_LE(a_err, bound) << s;
    }
    worst_mu = std::max(worst_mu, mu_err);
    worst_a = std::max(worst_a, a_err);
  }
  EXPECT_LE(worst_mu, 1024);
  EXPECT_LE(worst_a, 1024);
}

TEST(G711, EncodingIsMonotonic) {
  int prev_mu = -40000, prev_a = -40000;
  for (int s = -32768; s <= 32767; s += 7) {
    const int mu = ulaw_decode(ulaw_encode(static_cast<int16_t>(s)));
    const int a = alaw_decode(alaw_encode(static_cast<int16_t>(s)));
    ASSERT_GE(mu, prev_mu);
    ASSERT_GE(a, prev_a);
    prev_mu = mu;
    prev_a = a;
  }
}

TEST(G711, BufferCodecMatchesSampleCodec) {
  std::vector<int16_t> pcm(160);
  for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<int16_t>(i * 397 - 30000);
  for (G711Law law : {G711Law::kMuLaw, G711Law::kALaw}) {
    const auto bytes = g711_encode(law, pcm);
    ASSERT_EQ(bytes.size(), 160u);
    const auto back = g711_decode(law, bytes);
    for (size_t i = 0; i < pcm.size(); ++i) {
      const int16_t expect = law == G711Law::kMuLaw ? ulaw_decode(ulaw_encode(pcm[i]))
                                                    : alaw_decode(alaw_encode(pcm[i]));
      EXPECT_EQ(back[i], expect);
    }
  }
  EXPECT_EQ(
      g711_decode(G711Law::kMuLaw, std::vector<uint8_t>{g711_silence_byte(G711Law::kMuLaw)})[0], 0);
  EXPECT_EQ(g711_encode(G711Law::kALaw, std::vector<int16_t>{0})[0],
            g711_silence_byte(G711Law::kALaw));
}

}  // namespace
}  // namespace sy::media
