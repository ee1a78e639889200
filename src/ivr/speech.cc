// Mandarin readings of numbers, money and times for TTS prompts.
#include "ivr/speech.h"

#include <array>
#include <chrono>
#include <vector>

namespace sy::ivr {
namespace {

constexpr std::array<const char*, 10> kDigit = {"零", "一", "二", "三", "四",
                                                "五", "六", "七", "八", "九"};
constexpr std::array<const char*, 4> kSmallUnit = {"", "十", "百", "千"};
constexpr std::array<const char*, 5> kGroupUnit = {"", "万", "亿", "万亿", "亿亿"};

// One 4-digit group. `leading`: the first words of the number, where 10..19 read 十.. not 一十..
std::string group_to_chinese(int group, bool leading) {
  std::string out;
  bool zero_pending = false;
  int divisor = 1000;
  for (int pos = 3; pos >= 0; --pos, divisor /= 10) {
    int d = (group / divisor) % 10;
    if (d == 0) {
      if (!out.empty()) zero_pending = true;
      continue;
    }
    if (zero_pending) out += kDigit[0];
    zero_pending = false;
    if (!(pos == 1 && d == 1 && out.empty() && leading)) out += kDigit[d];
    out += kSmallUnit[pos];
  }
  return out;
}

std::string unsigned_to_chinese(std::uint64_t n) {
  if (n == 0) return kDigit[0];
  std::vector<int> groups;  // lowest first
  for (; n > 0; n /= 10000) groups.push_back(static_cast<int>(n % 10000));
  std::string out;
  bool zero_needed = false;
  for (int i = static_cast<int>(groups.size()) - 1; i >= 0; --i) {
    int g = groups[i];
    if (g == 0) {
      if (!out.empty()) zero_needed = true;
      continue;
    }
    // A gap before this group (a zero group, or fewer than four digits) is spoken as one 零.
    if (!out.empty() && (zero_needed || g < 1000)) out += kDigit[0];
    zero_needed = false;
    out += group_to_chinese(g, out.empty());
    out += kGroupUnit[i];
  }
  return out;
}

struct LocalTime {
  unsigned month = 0, day = 0;
  int hour = 0, minute = 0;
};

LocalTime to_local(TimePoint t, int utc_offset_min) {
  using namespace std::chrono;
  auto local = floor<minutes>(t) + minutes{utc_offset_min};
  auto day = floor<days>(local);
  year_month_day ymd{day};
  auto since_midnight = duration_cast<minutes>(local - day).count();
  return {static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
          static_cast<int>(since_midnight / 60), static_cast<int>(since_midnight % 60)};
}

std::string clock_words(const LocalTime& lt) {
  const char* period = lt.hour < 6     ? "凌晨"
                       : lt.hour < 12  ? "上午"
                       : lt.hour == 12 ? "中午"
                       : lt.hour < 18  ? "下午"
                                       : "晚上";
  int h12 = lt.hour > 12 ? lt.hour - 12 : lt.hour;
  std::string out = period;
  out += h12 == 2 ? "两" : unsigned_to_chinese(static_cast<std::uint64_t>(h12));
  out += "点";
  if (lt.minute > 0) {
    if (lt.minute < 10) out += kDigit[0];
    out += unsigned_to_chinese(static_cast<std::uint64_t>(lt.minute));
    out += "分";
  }
  return out;
}

std::string date_words(const LocalTime& lt) {
  return unsigned_to_chinese(lt.month) + "月" + unsigned_to_chinese(lt.day) + "日";
}

}  // namespace

std::string number_to_chinese(std::int64_t n) {
  if (n < 0) return "负" + unsigned_to_chinese(0 - static_cast<std::uint64_t>(n));
  return unsigned_to_chinese(static_cast<std::uint64_t>(n));
}

std::string money_to_chinese(std::int64_t fen) {
  if (fen < 0) return "负" + money_to_chinese(fen == INT64_MIN ? INT64_MAX : -fen);
  std::int64_t yuan = fen / 100;
  int jiao = static_cast<int>(fen / 10 % 10);
  int cents = static_cast<int>(fen % 10);
  std::string out;
  if (yuan > 0 || (jiao == 0 && cents == 0)) out = number_to_chinese(yuan) + "元";
  if (jiao > 0) {
    out += kDigit[jiao];
    out += "角";
  } else if (cents > 0 && yuan > 0) {
    out += kDigit[0];  // 十元零五分: the missing 角 is spoken
  }
  if (cents > 0) {
    out += kDigit[cents];
    out += "分";
  }
  return out;
}

std::string digits_to_chinese(const std::string& digits) {
  std::string out;
  for (char c : digits) {
    if (c >= '0' && c <= '9')
      out += kDigit[c - '0'];
    else if (c == '*')
      out += "星";
    else if (c == '#')
      out += "井";
  }
  return out;
}

std::string datetime_to_chinese(TimePoint t, int utc_offset_min) {
  LocalTime lt = to_local(t, utc_offset_min);
  return date_words(lt) + " " + clock_words(lt);
}

std::string date_to_chinese(TimePoint t, int utc_offset_min) {
  return date_words(to_local(t, utc_offset_min));
}

std::string time_to_chinese(TimePoint t, int utc_offset_min) {
  return clock_words(to_local(t, utc_offset_min));
}

}  // namespace sy::ivr
