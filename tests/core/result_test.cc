#include "core/result.h"

#include <gtest/gtest.h>

namespace sy {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return make_error(ErrorKind::kInvalidInput, "not_positive", "must be > 0", "v");
  return v;
}

Result<int> doubled(int v) {
  SY_TRY(parse_positive(v));
  return 2 * v;
}

TEST(Result, CarriesValueOrError) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "not_positive");
  EXPECT_EQ(bad.error().field, "v");
}

TEST(Result, TryPropagatesTheError) {
  EXPECT_EQ(*doubled(4), 8);
  auto bad = doubled(0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace sy
