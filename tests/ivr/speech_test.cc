// Spoken Chinese for money, numbers, digits and times, as a caller hears them.
#include "ivr/speech.h"

#include <gtest/gtest.h>

#include "ivr/template.h"
#include "replay.h"

namespace sy::ivr {
namespace {

TEST(MoneyToChinese, TableOfAmounts) {
  const std::pair<std::int64_t, const char*> cases[] = {
      {12345, "一百二十三元四角五分"},
      {0, "零元"},
      {100000, "一千元"},
      {1005, "十元零五分"},
      {100, "一元"},
      {105, "一元零五分"},
      {5, "五分"},
      {50, "五角"},
      {55, "五角五分"},
      {1050, "十元五角"},
      {1000, "十元"},
      {11000, "一百一十元"},
      {100100, "一千零一元"},
      {1000005, "一万元零五分"},
      {1001000, "一万零一十元"},
      {10000000, "十万元"},
      {12000000, "十二万元"},
      {10000000000, "一亿元"},
      {10000000100, "一亿零一元"},
      {123456789, "一百二十三万四千五百六十七元八角九分"},
      {-2550, "负二十五元五角"},
  };
  for (const auto& [fen, spoken] : cases) EXPECT_EQ(money_to_chinese(fen), spoken) << fen;
}

TEST(NumberToChinese, ZerosAndTens) {
  EXPECT_EQ(number_to_chinese(0), "零");
  EXPECT_EQ(number_to_chinese(10), "十");
  EXPECT_EQ(number_to_chinese(15), "十五");
  EXPECT_EQ(number_to_chinese(110), "一百一十");
  EXPECT_EQ(number_to_chinese(1001), "一千零一");
  EXPECT_EQ(number_to_chinese(10010), "一万零一十");
  EXPECT_EQ(number_to_chinese(100000001), "一亿零一");
  EXPECT_EQ(number_to_chinese(20304), "二万零三百零四");
}

TEST(DigitsToChinese, ReadsAccountNumbersOneByOne) {
  EXPECT_EQ(digits_to_chinese("0591100"), "零五九一一零零");
  EXPECT_EQ(digits_to_chinese("12*#"), "一二星井");
}

TEST(DateTimeToChinese, LocalTimeInShanghai) {
  using testing::china_time;
  EXPECT_EQ(datetime_to_chinese(china_time(2026, 11, 23, 15, 0), 480), "十一月二十三日 下午三点");
  EXPECT_EQ(datetime_to_chinese(china_time(2026, 11, 23, 15, 5), 480),
            "十一月二十三日 下午三点零五分");
  EXPECT_EQ(datetime_to_chinese(china_time(2026, 1, 1, 9, 30), 480), "一月一日 上午九点三十分");
  EXPECT_EQ(time_to_chinese(china_time(2026, 1, 1, 12, 0), 480), "中午十二点");
  EXPECT_EQ(time_to_chinese(china_time(2026, 1, 1, 2, 0), 480), "凌晨两点");
  EXPECT_EQ(time_to_chinese(china_time(2026, 1, 1, 20, 45), 480), "晚上八点四十五分");
  EXPECT_EQ(date_to_chinese(china_time(2026, 12, 31, 23, 59), 480), "十二月三十一日");
}

TEST(PromptTemplates, FiltersRenderValuesAndBadValuesDegradeGracefully) {
  std::map<std::string, std::string> vars = {
      {"fen", "12345"}, {"at", "2026-11-23T07:00:00Z"}, {"acct", "0591"}, {"junk", "abc"}};
  EXPECT_EQ(render_template("欠费{fen|money}，预计{at|datetime}，户号{acct|digits}", vars, 480),
            "欠费一百二十三元四角五分，预计十一月二十三日 下午三点，户号零五九一");
  EXPECT_EQ(render_template("{junk|money}{missing}!", vars, 480), "abc!");
  EXPECT_FALSE(check_template("a {x|money} b").has_value());
  EXPECT_TRUE(check_template("a {x|euro}").has_value());
  EXPECT_TRUE(check_template("a {x").has_value());
  EXPECT_TRUE(check_template("a }").has_value());
  EXPECT_TRUE(check_template("{1x}").has_value());
}

}  // namespace
}  // namespace sy::ivr
