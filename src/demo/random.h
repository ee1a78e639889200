// The demo generator's own random numbers: SplitMix64, so a seed gives the same province on every
// machine and libstdc++ version (std:: distributions are not portable across implementations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sy::demo {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0. The multiply-shift keeps bias far below anything visible here.
  std::uint64_t below(std::uint64_t n) {
    __extension__ using U128 = unsigned __int128;  // g++ builtin; -Wpedantic wants the marker
    return static_cast<std::uint64_t>((static_cast<U128>(next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  // True with probability per_mille / 1000.
  bool chance(std::uint32_t per_mille) { return below(1000) < per_mille; }
  // Index drawn with the given integer weights (not all zero).
  std::size_t weighted(std::span<const std::uint32_t> weights) {
    std::uint64_t total = 0;
    for (auto w : weights) total += w;
    std::uint64_t x = below(total);
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

// Derives an independent stream from a seed and a label, so adding draws to one part of the
// generator does not shift the numbers of another.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t label) {
  Rng r(seed ^ (label * 0xd1342543de82ef95ULL));
  r.next();
  return r.next();
}

}  // namespace sy::demo
