// Time behind an interface: engines take a Clock (or a `now` argument) so tests can
// advance a manual clock instead of sleeping. Times are UTC with microsecond precision.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sy {

using Duration = std::chrono::microseconds;
using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

// A clock that only moves when told to. Not thread-safe: tests drive it from one thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

inline std::int64_t to_unix_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_ms(std::int64_t ms) {
  return TimePoint{std::chrono::milliseconds{ms}};
}

// RFC 3339 in UTC with millisecond precision, e.g. "2026-11-22T08:30:00.123Z".
std::string format_rfc3339(TimePoint t);
// Parses RFC 3339 (Z or ±hh:mm offset, optional fraction); false on malformed input.
bool parse_rfc3339(const std::string& text, TimePoint* out);

}  // namespace sy
