// CJK tokens: what gets indexed, how agents' queries are read, and highlighted snippets.
#include "search/cjk_tokens.h"

#include <gtest/gtest.h>

namespace sy::search {
namespace {

TEST(CjkTokens, BodyGivesBigramsAndWords) {
  EXPECT_EQ(index_tokens("阶梯电价：第1档", false), "阶梯 梯电 电价 第 1 档");
}

TEST(CjkTokens, TitleAlsoGivesUnigrams) {
  EXPECT_EQ(index_tokens("峰谷电价", true), "峰 谷 电 价 峰谷 谷电 电价");
}

TEST(CjkTokens, WordsAreLowerCasedAndFullWidthFolded) {
  EXPECT_EQ(index_tokens("拨打９５５９８或用网上国网APP", false),
            "拨打 95598 或用 用网 网上 上国 国网 app");
  EXPECT_EQ(normalize("ＡＢＣ　x"), "abc x");
}

TEST(CjkTokens, LoneCharacterIsIndexed) {
  EXPECT_EQ(index_tokens("电，水", false), "电 水");
}

TEST(CjkTokens, InvalidUtf8IsDropped) {
  EXPECT_EQ(index_tokens(std::string("电\xff\xfe价"), false), "电价");
  EXPECT_EQ(index_tokens(std::string("\xe7\x94"), false), "");
}

TEST(CjkQuery, FillerWordsSeparateTerms) {
  Query q = parse_query("过户需要什么材料");
  EXPECT_EQ(q.terms, (std::vector<std::string>{"过户", "材料"}));
  EXPECT_EQ(parse_query("电表走得快").terms, (std::vector<std::string>{"电表走"}));
  EXPECT_EQ(parse_query("停电了多久来电").terms, (std::vector<std::string>{"停电", "来电"}));
  EXPECT_EQ(parse_query("网上国网 APP 怎么交电费").terms,
            (std::vector<std::string>{"网上国网", "app", "交电费"}));
}

TEST(CjkQuery, OneCharacterSearchesTitles) {
  Query q = parse_query(" 电 ");
  EXPECT_TRUE(q.terms.empty());
  EXPECT_EQ(q.single_char, "电");
  EXPECT_FALSE(q.empty());
}

TEST(CjkQuery, OnlyFillerStillSearchesWhatWasTyped) {
  EXPECT_EQ(parse_query("怎么办").terms, (std::vector<std::string>{"怎么办"}));
  EXPECT_TRUE(parse_query("？！…").empty());
}

TEST(CjkQuery, TermTokensAreBigrams) {
  EXPECT_EQ(term_tokens("阶梯电价"), (std::vector<std::string>{"阶梯", "梯电", "电价"}));
  EXPECT_EQ(term_tokens("95598"), (std::vector<std::string>{"95598"}));
  EXPECT_EQ(all_tokens(parse_query("过户 材料 过户")),
            (std::vector<std::string>{"过户", "材料"}));
}

TEST(PlainText, StripsHtmlMarkdownAndImages) {
  EXPECT_EQ(plain_text("<p>第一档：<b>0.4983</b>元&amp;千瓦时</p><img src=\"a.png\">"),
            "第一档： 0.4983 元&千瓦时");
  EXPECT_EQ(plain_text("## 标题\n\n![示意图](https://x/y.png) **加粗**正文"), "标题 加粗正文");
}

TEST(Highlight, MarksTermsAndTheirPieces) {
  Query q = parse_query("阶梯电价");
  EXPECT_EQ(highlight("居民阶梯电价与峰谷电价", q),
            "居民<mark>阶梯电价</mark>与峰谷<mark>电价</mark>");
}

TEST(Highlight, EscapesHtml) {
  Query q = parse_query("电费");
  EXPECT_EQ(highlight("<script>电费</script>", q),
            "&lt;script&gt;<mark>电费</mark>&lt;/script&gt;");
}

TEST(Highlight, WordsMatchWholeWordsOnly) {
  Query q = parse_query("app");
  EXPECT_EQ(highlight("APP application", q), "<mark>APP</mark> application");
}

TEST(Highlight, WindowAroundTheMatches) {
  std::string text(300, 'x');
  text += " 欠费停电 ";
  text += std::string(300, 'y');
  std::string s = highlight(text, parse_query("欠费停电"), 40);
  EXPECT_NE(s.find("<mark>欠费停电</mark>"), std::string::npos) << s;
  EXPECT_EQ(s.rfind("…", 0), 0u);
  EXPECT_LT(s.size(), 120u);
}

}  // namespace
}  // namespace sy::search
