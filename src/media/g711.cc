// G.711 tables built once from the ITU-T G.191 software tools' reference algorithms (µ-law) and
// the equivalent Sun/CCITT segment code (A-law), so encode is a 64 Ki-entry lookup and decode a
// 256-entry lookup.
#include "media/g711.h"

#include <algorithm>
#include <array>

namespace sy::media {
namespace {

constexpr int kSignBit = 0x80;
constexpr int kQuantMask = 0x0F;
constexpr int kSegShift = 4;
constexpr int kSegMask = 0x70;
constexpr int kUlawBias = 0x84;

constexpr std::array<int, 8> kAlawSegEnd = {0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF};

int segment(int value, const std::array<int, 8>& ends) {
  for (int i = 0; i < 8; ++i) {
    if (value <= ends[i]) return i;
  }
  return 8;
}

// ITU-T G.191 (STL) ulaw_compress: negative samples use the one's complement, so -1 codes as
// negative zero and the law is symmetric around -0.5.
uint8_t ulaw_encode_ref(int pcm) {
  int absno = (pcm < 0 ? (~pcm) >> 2 : pcm >> 2) + (kUlawBias >> 2);
  absno = std::min(absno, 0x1FFF);
  int segno = 1;
  for (int i = absno >> 6; i != 0; i >>= 1) ++segno;
  const int high_nibble = 0x8 - segno;
  const int low_nibble = 0xF - ((absno >> segno) & 0xF);
  int out = (high_nibble << 4) | low_nibble;
  if (pcm >= 0) out |= 0x80;
  return static_cast<uint8_t>(out);
}

int16_t ulaw_decode_ref(uint8_t byte) {
  const int u = ~byte & 0xFF;
  int t = ((u & kQuantMask) << 3) + kUlawBias;
  t <<= (u & kSegMask) >> kSegShift;
  return static_cast<int16_t>((u & kSignBit) ? (kUlawBias - t) : (t - kUlawBias));
}

uint8_t alaw_encode_ref(int pcm) {
  pcm >>= 3;  // 13-bit
  int mask = 0xD5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const int seg = segment(pcm, kAlawSegEnd);
  if (seg >= 8) return static_cast<uint8_t>(0x7F ^ mask);
  int aval = seg << kSegShift;
  aval |= (seg < 2) ? ((pcm >> 1) & kQuantMask) : ((pcm >> seg) & kQuantMask);
  return static_cast<uint8_t>(aval ^ mask);
}

int16_t alaw_decode_ref(uint8_t byte) {
  const int a = byte ^ 0x55;
  int t = (a & kQuantMask) << 4;
  const int seg = (a & kSegMask) >> kSegShift;
  if (seg == 0) {
    t += 8;
  } else {
    t += 0x108;
    if (seg > 1) t <<= seg - 1;
  }
  return static_cast<int16_t>((a & kSignBit) ? t : -t);
}

struct Tables {
  std::array<uint8_t, 65536> ulaw_enc{};
  std::array<uint8_t, 65536> alaw_enc{};
  std::array<int16_t, 256> ulaw_dec{};
  std::array<int16_t, 256> alaw_dec{};
  Tables() {
    for (int s = -32768; s <= 32767; ++s) {
      ulaw_enc[static_cast<uint16_t>(s)] = ulaw_encode_ref(s);
      alaw_enc[static_cast<uint16_t>(s)] = alaw_encode_ref(s);
    }
    for (int b = 0; b < 256; ++b) {
      ulaw_dec[b] = ulaw_decode_ref(static_cast<uint8_t>(b));
      alaw_dec[b] = alaw_decode_ref(static_cast<uint8_t>(b));
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

uint8_t ulaw_encode(int16_t sample) { return tables().ulaw_enc[static_cast<uint16_t>(sample)]; }
int16_t ulaw_decode(uint8_t byte) { return tables().ulaw_dec[byte]; }
uint8_t alaw_encode(int16_t sample) { return tables().alaw_enc[static_cast<uint16_t>(sample)]; }
int16_t alaw_decode(uint8_t byte) { return tables().alaw_dec[byte]; }

void g711_encode(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out) {
  const auto& enc = law == G711Law::kMuLaw ? tables().ulaw_enc : tables().alaw_enc;
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < n; ++i) out[i] = enc[static_cast<uint16_t>(in[i])];
}

void g711_decode(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out) {
  const auto& dec = law == G711Law::kMuLaw ? tables().ulaw_dec : tables().alaw_dec;
  const size_t n = std::min(in.size(), out.size());
  for (size_t i = 0; i < n; ++i) out[i] = dec[in[i]];
}

std::vector<uint8_t> g711_encode(G711Law law, std::span<const int16_t> in) {
  std::vector<uint8_t> out(in.size());
  g711_encode(law, in, out);
  return out;
}

std::vector<int16_t> g711_decode(G711Law law, std::span<const uint8_t> in) {
  std::vector<int16_t> out(in.size());
  g711_decode(law, in, out);
  return out;
}

uint8_t g711_silence_byte(G711Law law) { return law == G711Law::kMuLaw ? 0xFF : 0xD5; }

}  // namespace sy::media
