// Three-party mixing for supervisor listen / whisper / barge: given one 20 ms frame from each of
// caller, agent and supervisor, what each of them hears. Sums saturate to int16 instead of
// wrapping, so loud speech clips rather than turning into noise bursts.
#pragma once

#include <cstdint>
#include <span>

#include "media/jitter_buffer.h"

namespace sy::media {

enum class SupervisorMode {
  kNone,     // plain two-party call: supervisor hears nothing
  kListen,   // supervisor hears both; nobody hears the supervisor
  kWhisper,  // agent hears caller + supervisor; caller hears the agent only; supervisor both
  kBarge,    // everyone hears the other two
};

struct ThreePartyInput {
  std::span<const int16_t> caller;  // empty span = silence (e.g. no supervisor attached)
  std::span<const int16_t> agent;
  std::span<const int16_t> supervisor;
};

struct ThreePartyOutput {
  Frame to_caller{};
  Frame to_agent{};
  Frame to_supervisor{};
};

ThreePartyOutput mix_three_party(SupervisorMode mode, const ThreePartyInput& in);

// dst[i] = clamp(dst[i] + src[i]) for the overlapping length.
void mix_add_saturating(std::span<int16_t> dst, std::span<const int16_t> src);

inline int16_t saturate16(int32_t v) {
  return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

}  // namespace sy::media
