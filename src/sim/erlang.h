// Queueing-theory references for staffing and for validating the simulator:
// Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M, exponential patience).
#pragma once

namespace sy::sim {

// Blocking probability of N servers offered A erlangs (no queue).
double erlang_b(int servers, double erlangs);

struct ErlangCResult {
  double p_wait = 1;         // probability an arrival waits (C(N, A))
  double service_level = 0;  // P(wait <= sl_s)
  double mean_wait_s = 0;    // over all arrivals
  double asa_s = 0;          // same as mean_wait_s: nobody abandons
  double occupancy = 1;      // A / N
};
// M/M/N with arrival rate `arrivals_per_s`, mean handle time `handle_s`; unstable (A >= N)
// gives p_wait 1, service level 0 and infinite waits.
ErlangCResult erlang_c(int agents, double arrivals_per_s, double handle_s, double sl_s);

struct ErlangAResult {
  double p_wait = 0;        // probability an arrival finds all agents busy
  double abandon_rate = 0;  // fraction of arrivals who abandon
  double mean_wait_s = 0;   // mean time in queue over all arrivals (answered or abandoned)
  double occupancy = 0;     // mean busy agents / N
};
// M/M/N+M: exponential patience with mean `patience_s`.
ErlangAResult erlang_a(int agents, double arrivals_per_s, double handle_s, double patience_s);

// Fewest agents reaching `target_sl` within `sl_s` by Erlang C (a first guess for `sim`).
int agents_for_service_level(double arrivals_per_s, double handle_s, double sl_s, double target_sl);

}  // namespace sy::sim
