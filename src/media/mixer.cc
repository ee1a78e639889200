// Mixing matrix per supervisor mode; each output is the saturating sum of the inputs it hears.
#include "media/mixer.h"

#include <algorithm>

namespace sy::media {
namespace {

struct Hears {
  bool caller, agent, supervisor;
};

// Row per listener: who that listener hears in each mode. Nobody hears themselves.
struct Matrix {
  Hears caller, agent, supervisor;
};

Matrix matrix_for(SupervisorMode mode) {
  switch (mode) {
    case SupervisorMode::kListen:
      return {{false, true, false}, {true, false, false}, {true, true, false}};
    case SupervisorMode::kWhisper:
      return {{false, true, false}, {true, false, true}, {true, true, false}};
    case SupervisorMode::kBarge:
      return {{false, true, true}, {true, false, true}, {true, true, false}};
    case SupervisorMode::kNone:
      break;
  }
  return {{false, true, false}, {true, false, false}, {false, false, false}};
}

void mix_into(Frame& out, const Hears& hears, const ThreePartyInput& in) {
  std::array<int32_t, kFrameSamples> acc{};
  auto add = [&](std::span<const int16_t> src) {
    const size_t n = std::min(src.size(), acc.size());
    for (size_t i = 0; i < n; ++i) acc[i] += src[i];
  };
  if (hears.caller) add(in.caller);
  if (hears.agent) add(in.agent);
  if (hears.supervisor) add(in.supervisor);
  for (size_t i = 0; i < out.size(); ++i) out[i] = saturate16(acc[i]);
}

}  // namespace

ThreePartyOutput mix_three_party(SupervisorMode mode, const ThreePartyInput& in) {
  const Matrix m = matrix_for(mode);
  ThreePartyOutput out;
  mix_into(out.to_caller, m.caller, in);
  mix_into(out.to_agent, m.agent, in);
  mix_into(out.to_supervisor, m.supervisor, in);
  return out;
}

void mix_add_saturating(std::span<int16_t> dst, std::span<const int16_t> src) {
  const size_t n = std::min(dst.size(), src.size());
  for (size_t i = 0; i < n; ++i) dst[i] = saturate16(int32_t{dst[i]} + src[i]);
}

}  // namespace sy::media
