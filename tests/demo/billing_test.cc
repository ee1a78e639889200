// Tariff arithmetic in integer fen, and the progress line.
#include "demo/billing.h"

#include <gtest/gtest.h>

#include "demo/progress.h"

namespace sy::demo {
namespace {

TEST(DemoBilling, ResidentialTiersFollowFujianPrices) {
  EXPECT_EQ(residential_amount_fen(0), 0);
  EXPECT_EQ(residential_amount_fen(100), 4983);  // 100 × 0.4983 元
  EXPECT_EQ(residential_amount_fen(200), 9966);
  EXPECT_EQ(residential_amount_fen(300), 9966 + 5483);  // second tier from 201 kWh
  EXPECT_EQ(residential_amount_fen(500), 9966 + 10966 + 7983);
  EXPECT_EQ(residential_amount_fen(1), 50);  // 49.83 fen rounds half up
}

TEST(DemoBilling, LocalDateIsChinaTime) {
  EXPECT_EQ(local_date(1795428000000), "2026-11-23");  // 10:00 UTC = 18:00 local
  EXPECT_EQ(local_date(1795453200000), "2026-11-24");  // 17:00 UTC = 01:00 next day local
}

TEST(DemoProgress, LineShowsCountRateAndTimeLeft) {
  std::string line = format_progress(5000000, 10000000, 100.0, "customers");
  EXPECT_NE(line.find("[##########..........]"), std::string::npos) << line;
  EXPECT_NE(line.find(" 50%"), std::string::npos) << line;
  EXPECT_NE(line.find("5,000,000/10,000,000 customers"), std::string::npos) << line;
  EXPECT_NE(line.find("50,000/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 1m40s"), std::string::npos) << line;
  EXPECT_EQ(format_duration(3725), "1h02m");
}

}  // namespace
}  // namespace sy::demo
