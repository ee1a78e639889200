// Random numbers for the simulator: our own generator and samplers, so a seed gives the same run
// on every platform and library version (std:: distributions are implementation-defined).
#pragma once

#include <cmath>
#include <cstdint>

#include "sim/scenario.h"

namespace sy::sim {

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in (0, 1]: never 0, so log() is safe.
  double uniform() { return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log(uniform()); }
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double r = std::sqrt(-2.0 * std::log(uniform()));
    double a = 6.283185307179586 * uniform();
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

inline double sample(const Distribution& d, Rng& rng) {
  switch (d.kind) {
    case Distribution::Kind::kExponential:
      return rng.exponential(d.mean_s);
    case Distribution::Kind::kConstant:
      return d.mean_s;
    case Distribution::Kind::kLognormal: {
      // Parameters of the underlying normal from the wanted mean and standard deviation.
      double var = std::log(1.0 + (d.sd_s * d.sd_s) / (d.mean_s * d.mean_s));
      double mu = std::log(d.mean_s) - var / 2;
      return std::exp(mu + std::sqrt(var) * rng.normal());
    }
  }
  return d.mean_s;
}

}  // namespace sy::sim
