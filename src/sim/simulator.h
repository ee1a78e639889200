// Discrete-event simulation of a whole centre over the real routing engine (`switchyard sim`).
// Callers arrive (Poisson, optionally an hourly profile), wait, abandon when their patience runs
// out, and are served by agents the engine chooses. Pure: no I/O, no clock; deterministic for a
// scenario and seed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "sim/scenario.h"

namespace sy::sim {

// KPIs over the contacts that arrived in [warmup_s, duration_s), each followed to its end.
struct Kpi {
  std::int64_t offered = 0;
  std::int64_t answered = 0;
  std::int64_t abandoned = 0;  // hung up while waiting
  std::int64_t left = 0;       // left by a rule: voicemail or overflow to another centre
  double service_level = 0;    // answered within the queue's service_level_s / offered
  double p_wait = 0;           // not answered at once / offered
  double mean_wait_s = 0;      // time in queue over all offered (answered or not)
  double asa_s = 0;            // mean wait of answered contacts
  double abandon_rate = 0;     // abandoned / offered
  double occupancy = 0;        // busy (handle + wrap-up) / staffed agent time
};

struct IntervalKpi {
  double start_s = 0;
  int agents = 0;  // scheduled at the start of the interval
  Kpi kpi;
};

struct Report {
  Kpi total;
  std::vector<std::pair<std::string, Kpi>> queues;  // scenario order
  std::vector<IntervalKpi> intervals;               // only with per-interval lists
  std::int64_t events = 0;
  double simulated_s = 0;  // until the last counted contact ended
  std::uint64_t seed = 0;
};

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  // Called now and then with the fraction of simulated time done (0..1).
  std::function<void(double)> progress;
};

Result<Report> run(const Scenario& scenario, const RunOptions& options);

}  // namespace sy::sim
