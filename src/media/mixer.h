// Mixing of one call's parties for each 20 ms frame: caller, agent, a supervisor (listen /
// whisper / barge) and a consulted third party (consultation, three-way conference). Who hears
// whom is a matrix; each listener gets the sum of the speakers it hears. Sums saturate to int16
// instead of wrapping, so loud speech clips rather than turning into noise bursts.
#pragma once

#include <array>
#include <cstddef>
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

// The parties of one call, by index: caller 0, agent 1, supervisor 2, consulted party 3.
inline constexpr std::size_t kMaxParties = 4;
// hears[listener][speaker]; nobody hears themselves.
using HearingMatrix = std::array<std::array<bool, kMaxParties>, kMaxParties>;
// The supervisor mode's matrix over caller, agent and supervisor; nobody hears the third party
// and it hears nobody (callers add that: consultation, conference).
HearingMatrix hearing_for(SupervisorMode mode);
// Each listener's frame: the saturating sum of the speakers it hears (empty span = silence).
std::array<Frame, kMaxParties> mix_parties(
    const HearingMatrix& hears, const std::array<std::span<const int16_t>, kMaxParties>& in);

// dst[i] = clamp(dst[i] + src[i]) for the overlapping length.
void mix_add_saturating(std::span<int16_t> dst, std::span<const int16_t> src);

inline int16_t saturate16(int32_t v) {
  return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

}  // namespace sy::media
