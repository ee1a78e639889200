// G.711 µ-law (PCMU) and A-law (PCMA) codecs for the RTP media path. Table-driven: one lookup per
// sample each way, so 1,000 calls cost next to nothing.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sy::media {

enum class G711Law { kMuLaw, kALaw };

// RTP static payload types (RFC 3551) for the two laws.
inline constexpr uint8_t kPayloadTypePcmu = 0;
inline constexpr uint8_t kPayloadTypePcma = 8;

uint8_t ulaw_encode(int16_t sample);
int16_t ulaw_decode(uint8_t byte);
uint8_t alaw_encode(int16_t sample);
int16_t alaw_decode(uint8_t byte);

// Whole buffers; `out` must be at least as long as `in` (extra space is left untouched).
void g711_encode(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out);
void g711_decode(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out);
std::vector<uint8_t> g711_encode(G711Law law, std::span<const int16_t> in);
std::vector<int16_t> g711_decode(G711Law law, std::span<const uint8_t> in);

// The byte each law uses for silence (linear 0).
uint8_t g711_silence_byte(G711Law law);

}  // namespace sy::media
