// How numbers, money, digits and times are spoken in Mandarin prompts (TTS text, not audio).
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"

namespace sy::ivr {

// 12345 -> 一百二十三 ; 10 -> 十 ; 1001 -> 一千零一 ; negative numbers start with 负.
std::string number_to_chinese(std::int64_t n);
// Money in integer fen: 12345 -> 一百二十三元四角五分, 1005 -> 十元零五分, 0 -> 零元.
std::string money_to_chinese(std::int64_t fen);
// Reads each digit on its own ("0591" -> 零五九一); '*' -> 星, '#' -> 井; others are skipped.
std::string digits_to_chinese(const std::string& digits);
// "十一月二十三日 下午三点" / "十一月二十三日 下午三点零五分" in local time at `utc_offset_min`.
std::string datetime_to_chinese(TimePoint t, int utc_offset_min);
std::string date_to_chinese(TimePoint t, int utc_offset_min);
std::string time_to_chinese(TimePoint t, int utc_offset_min);

}  // namespace sy::ivr
