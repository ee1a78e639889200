// Mixing matrix per supervisor mode; each output is the saturating sum of the inputs it hears.
#include "media/mixer.h"

#include <algorithm>

namespace sy::media {

HearingMatrix hearing_for(SupervisorMode mode) {
  // Rows: caller, agent, supervisor, third party listening; columns: the same speaking.
  switch (mode) {
    case SupervisorMode::kListen:
      return {{{false, true, false, false}, {true, false, false, false},
               {true, true, false, false}, {}}};
    case SupervisorMode::kWhisper:
      return {{{false, true, false, false}, {true, false, true, false},
               {true, true, false, false}, {}}};
    case SupervisorMode::kBarge:
      return {{{false, true, true, false}, {true, false, true, false},
               {true, true, false, false}, {}}};
    case SupervisorMode::kNone:
      break;
  }
  return {{{false, true, false, false}, {true, false, false, false}, {}, {}}};
}

std::array<Frame, kMaxParties> mix_parties(
    const HearingMatrix& hears, const std::array<std::span<const int16_t>, kMaxParties>& in) {
  std::array<Frame, kMaxParties> out{};
  for (std::size_t listener = 0; listener < kMaxParties; ++listener) {
    std::array<int32_t, kFrameSamples> acc{};
    for (std::size_t speaker = 0; speaker < kMaxParties; ++speaker) {
      if (!hears[listener][speaker] || speaker == listener) continue;
      const size_t n = std::min(in[speaker].size(), acc.size());
      for (size_t i = 0; i < n; ++i) acc[i] += in[speaker][i];
    }
    for (size_t i = 0; i < out[listener].size(); ++i) out[listener][i] = saturate16(acc[i]);
  }
  return out;
}

ThreePartyOutput mix_three_party(SupervisorMode mode, const ThreePartyInput& in) {
  auto mixed = mix_parties(hearing_for(mode), {in.caller, in.agent, in.supervisor, {}});
  return {mixed[0], mixed[1], mixed[2]};
}

void mix_add_saturating(std::span<int16_t> dst, std::span<const int16_t> src) {
  const size_t n = std::min(dst.size(), src.size());
  for (size_t i = 0; i < n; ++i) dst[i] = saturate16(int32_t{dst[i]} + src[i]);
}

}  // namespace sy::media
