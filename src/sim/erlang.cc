// Erlang B/C by the numerically stable recursion, Erlang A from the birth-death chain of M/M/N+M
// summed in log space (thousands of agents would overflow the factorials otherwise).
#include "sim/erlang.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace sy::sim {

double erlang_b(int servers, double erlangs) {
  double b = 1.0;
  for (int n = 1; n <= servers; ++n) b = erlangs * b / (n + erlangs * b);
  return b;
}

ErlangCResult erlang_c(int agents, double arrivals_per_s, double handle_s, double sl_s) {
  ErlangCResult r;
  const double a = arrivals_per_s * handle_s;
  const double n = agents;
  if (agents <= 0 || a >= n) {
    r.mean_wait_s = r.asa_s = std::numeric_limits<double>::infinity();
    return r;
  }
  double b = erlang_b(agents, a);
  r.p_wait = n * b / (n - a * (1 - b));
  r.service_level = 1 - r.p_wait * std::exp(-(n - a) * sl_s / handle_s);
  r.mean_wait_s = r.asa_s = r.p_wait * handle_s / (n - a);
  r.occupancy = a / n;
  return r;
}

ErlangAResult erlang_a(int agents, double arrivals_per_s, double handle_s, double patience_s) {
  const double lambda = arrivals_per_s, mu = 1 / handle_s, theta = 1 / patience_s;
  // log p_n up to where the tail is negligible.
  std::vector<double> logp{0.0};
  double top = 0;
  for (long n = 1; n < agents + 10'000'000L; ++n) {
    double rate = std::min<long>(n, agents) * mu + std::max<long>(n - agents, 0) * theta;
    double next = logp.back() + std::log(lambda) - std::log(rate);
    logp.push_back(next);
    top = std::max(top, next);
    if (n > agents && next < top - 60) break;
  }
  double total = 0, waiting = 0, queue = 0, busy = 0;
  for (std::size_t n = 0; n < logp.size(); ++n) {
    double p = std::exp(logp[n] - top);
    total += p;
    auto k = static_cast<long>(n);
    if (k >= agents) waiting += p;
    queue += std::max<long>(k - agents, 0) * p;
    busy += std::min<long>(k, agents) * p;
  }
  ErlangAResult r;
  r.p_wait = waiting / total;
  double mean_queue = queue / total;
  r.abandon_rate = theta * mean_queue / lambda;  // abandonment flow / arrival flow
  r.mean_wait_s = mean_queue / lambda;           // Little's law over all arrivals
  r.occupancy = busy / total / agents;
  return r;
}

int agents_for_service_level(double arrivals_per_s, double handle_s, double sl_s,
                             double target_sl) {
  int n = std::max(1, static_cast<int>(std::ceil(arrivals_per_s * handle_s)));
  while (erlang_c(n, arrivals_per_s, handle_s, sl_s).service_level < target_sl) ++n;
  return n;
}

}  // namespace sy::sim
