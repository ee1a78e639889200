#include "core/clock.h"

#include <cstdio>
#include <ctime>

namespace sy {

std::string format_rfc3339(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count() / 1000));
  return buf;
}

bool parse_rfc3339(const std::string& s, TimePoint* out) {
  using namespace std::chrono;
  int y, mo, d, h, mi, sec;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
      n != 19) {
    // Also accept a space instead of 'T'.
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19)
      return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return false;
  std::size_t i = 19;
  long long micros = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[i] - '0'), ++digits;
      ++i;
    }
    if (digits == 0) return false;
    while (digits++ < 6) micros *= 10;
  }
  long offset_min = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (i + 6 > s.size() || std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2 ||
        s[i + 3] != ':')
      return false;
    offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size()) return false;
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + microseconds{micros} -
            minutes{offset_min};
  *out = time_point_cast<Duration>(tp);
  return true;
}

}  // namespace sy
