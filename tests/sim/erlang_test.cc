// The Erlang references against published values and exact identities, before they are trusted
// to validate the simulator.
#include "sim/erlang.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sy::sim {
namespace {

TEST(ErlangB, MatchesPublishedTables) {
  // Standard Erlang B tables (blocking probability).
  EXPECT_NEAR(erlang_b(5, 2.0), 0.0367, 5e-5);
  EXPECT_NEAR(erlang_b(10, 5.0), 0.0184, 5e-5);
  EXPECT_NEAR(erlang_b(20, 15.0), 0.0456, 5e-5);
}

TEST(ErlangC, MatchesTheTextbookExample) {
  // 2 erlangs on 3 agents: P(wait) = 4/9 exactly.
  EXPECT_NEAR(erlang_c(3, 2.0 / 180, 180, 20).p_wait, 4.0 / 9, 1e-12);
  // The classic worked example (callcentrehelper.com, "Erlang C formula made simple"): 100 calls
  // per half hour, 3-minute handle time (10 erlangs), 20-second target.
  const double lambda = 100.0 / 1800;
  EXPECT_NEAR(erlang_c(11, lambda, 180, 20).p_wait, 0.6821, 5e-5);
  auto fourteen = erlang_c(14, lambda, 180, 20);
  EXPECT_NEAR(fourteen.p_wait, 0.1741, 5e-5);
  EXPECT_NEAR(fourteen.service_level, 0.8884, 5e-5);
  EXPECT_NEAR(fourteen.asa_s, 7.8, 0.05);
  EXPECT_EQ(agents_for_service_level(lambda, 180, 20, 0.80), 14);
}

TEST(ErlangC, UnstableLoadNeverMeetsTheTarget) {
  auto r = erlang_c(10, 10.0 / 180, 180, 20);
  EXPECT_EQ(r.p_wait, 1);
  EXPECT_TRUE(std::isinf(r.mean_wait_s));
}

TEST(ErlangA, PatienceEqualToHandleTimeGivesThePoissonLaw) {
  // With patience mean = handle mean every caller leaves at the same rate whether served or
  // not, so the number in the system is Poisson(A) (M/M/inf): an exact check.
  const int n = 12;
  const double a = 10;
  double pk = std::exp(-a), below = 0, excess = 0, cumulative = 0;
  for (int k = 0; k < 200; ++k) {
    if (k < n) below += pk;
    if (k > n) excess += (k - n) * pk;
    cumulative += pk;
    pk *= a / (k + 1);
  }
  auto r = erlang_a(n, a / 180, 180, 180);
  EXPECT_NEAR(r.p_wait, 1 - below, 1e-9);
  EXPECT_NEAR(r.mean_wait_s, excess / (a / 180), 1e-6);
  EXPECT_NEAR(r.abandon_rate, excess / a, 1e-9);
  EXPECT_NEAR(cumulative, 1, 1e-12);
}

TEST(ErlangA, VeryPatientCallersConvergeToErlangC) {
  auto c = erlang_c(20, 16.0 / 180, 180, 20);
  auto a = erlang_a(20, 16.0 / 180, 180, 1e9);
  EXPECT_NEAR(a.p_wait, c.p_wait, 1e-4);
  EXPECT_NEAR(a.mean_wait_s, c.mean_wait_s, 1e-2);
  EXPECT_LT(a.abandon_rate, 1e-6);
}

TEST(ErlangA, OverloadIsStableWithAbandonment) {
  // 110 % offered load: callers who run out of patience keep the queue finite.
  auto r = erlang_a(100, 110.0 / 180, 180, 120);
  EXPECT_GT(r.p_wait, 0.7);
  EXPECT_NEAR(r.abandon_rate, 0.1, 0.03);
  EXPECT_NEAR(r.occupancy, 0.99, 0.01);
  // Thousands of agents do not overflow.
  auto big = erlang_a(5000, 5000.0 / 180, 180, 120);
  EXPECT_TRUE(std::isfinite(big.p_wait));
  EXPECT_GT(big.p_wait, 0);
}

}  // namespace
}  // namespace sy::sim
