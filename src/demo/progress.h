// A one-line progress bar for long offline commands: bar, count, rate and time left.
#pragma once

#include <cstdint>
#include <string>

namespace sy::demo {

// e.g. "[##########..........]  50%  5,000,000/10,000,000 customers  41,230/s  ETA 2m01s".
std::string format_progress(std::int64_t done, std::int64_t total, double elapsed_s,
                            const std::string& unit);
// 1234567 -> "1,234,567".
std::string group_thousands(std::int64_t n);
// 125.4 -> "2m05s", 3.2 -> "3s".
std::string format_duration(double seconds);

}  // namespace sy::demo
