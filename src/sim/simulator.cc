// The event loop of the simulator: arrivals, patience expiry, ends of service and wrap-up, staffing
// changes at interval boundaries, and the engine's own timers. Every routing decision is taken by
// routing::Engine exactly as in the server.
#include "sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "sim/random.h"
#include "sim/setup.h"

namespace sy::sim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

enum class EvKind : std::uint8_t { kArrival, kServiceEnd, kWrapEnd, kAbandon, kInterval, kTick };

// 24 bytes: the heap holds one per busy agent, waiting caller and stream, so size matters.
struct Event {
  double t;
  std::uint64_t seq_kind;  // push order (ties in time) << 8 | kind
  std::uint32_t a;
  std::uint32_t b;
  EvKind kind() const { return static_cast<EvKind>(seq_kind & 0xFF); }
  bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq_kind > o.seq_kind; }
};

struct SimContact {
  double arrival = 0;
  double wrap_s = 0;  // after-call work once service ends
  routing::ContactId id = routing::kNoContact;
  std::uint32_t gen = 0;
  std::uint16_t queue = 0;
  std::uint16_t stream = 0;
  int interval = 0;
  bool counted = false;
  bool waiting = false;
  bool alive = false;
};

struct Acc {
  std::int64_t offered = 0, answered = 0, abandoned = 0, left = 0, within_sl = 0, waited = 0;
  double sum_wait = 0, sum_wait_answered = 0, busy_s = 0, staffed_s = 0;
};

enum class AgentOn : std::uint8_t { kOff, kOn, kLeaving };
struct SimAgent {
  AgentOn on = AgentOn::kOff;
  bool busy = false;
};

double overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

Kpi finish(const Acc& a, bool answered_within_sl_known) {
  Kpi k;
  k.offered = a.offered;
  k.answered = a.answered;
  k.abandoned = a.abandoned;
  k.left = a.left;
  if (a.offered > 0) {
    auto n = static_cast<double>(a.offered);
    k.service_level = answered_within_sl_known ? static_cast<double>(a.within_sl) / n : 0;
    k.p_wait = static_cast<double>(a.waited) / n;
    k.mean_wait_s = a.sum_wait / n;
    k.abandon_rate = static_cast<double>(a.abandoned) / n;
  }
  if (a.answered > 0) k.asa_s = a.sum_wait_answered / static_cast<double>(a.answered);
  if (a.staffed_s > 0) k.occupancy = a.busy_s / a.staffed_s;
  return k;
}

class Simulation {
 public:
  Simulation(const Scenario& s, Setup setup, std::uint64_t seed)
      : s_(s), setup_(std::move(setup)), e_(*setup_.engine), rng_(seed) {
    agents_.resize(setup_.agents.size());
    queues_.resize(s.queues.size());
    intervals_.resize(static_cast<std::size_t>(s.interval_count()));
    has_timers_ = std::any_of(s.queues.begin(), s.queues.end(), [](const QueueSpec& q) {
      const auto& r = q.rules;
      return r.relax_after_s || r.backup_after_s || r.overflow_after_s || r.max_wait_s;
    });
  }

  Report run(const RunOptions& options) {
    const int n = s_.interval_count();
    staff(0, 0);
    for (int k = 1; k < n && k * s_.interval_s < s_.duration_s; ++k)
      push(k * s_.interval_s, EvKind::kInterval, static_cast<std::uint32_t>(k), 0);
    for (std::uint32_t i = 0; i < setup_.streams.size(); ++i) {
      double t = next_arrival(i, 0);
      if (t < s_.duration_s) push(t, EvKind::kArrival, i, 0);
    }
    std::int64_t events = 0;
    while (!events_.empty()) {
      Event ev = events_.top();
      events_.pop();
      now_ = ev.t;
      handle(ev);
      if ((++events & 0xFFFF) == 0 && options.progress)
        options.progress(std::min(1.0, now_ / s_.duration_s));
    }
    if (options.progress) options.progress(1.0);
    return report(events);
  }

 private:
  void push(double t, EvKind kind, std::uint32_t a, std::uint32_t b) {
    events_.push(Event{t, (seq_++ << 8) | static_cast<std::uint64_t>(kind), a, b});
  }
  TimePoint at(double t) const {
    return TimePoint{std::chrono::microseconds(static_cast<std::int64_t>(std::llround(t * 1e6)))};
  }
  int interval_of(double t) const {
    auto k = static_cast<int>(t / s_.interval_s);
    return std::clamp(k, 0, static_cast<int>(intervals_.size()) - 1);
  }

  // Next Poisson arrival after t with a piecewise-constant rate; memorylessness lets us restart
  // the draw at each interval boundary.
  double next_arrival(std::uint32_t stream, double t) {
    const auto& rates = setup_.streams[stream].traffic->arrivals_per_hour;
    for (;;) {
      auto k = static_cast<std::size_t>(std::max(0.0, t / s_.interval_s));
      std::size_t idx = std::min(k, rates.size() - 1);
      double end = idx + 1 < rates.size() ? static_cast<double>(k + 1) * s_.interval_s : kInf;
      double rate = rates[idx] / 3600.0;
      if (rate <= 0) {
        if (end == kInf) return kInf;
        t = end;
        continue;
      }
      double next = t + rng_.exponential(1.0 / rate);
      if (next < end) return next;
      t = end;
    }
  }

  void handle(const Event& ev) {
    switch (ev.kind()) {
      case EvKind::kArrival:
        arrive(ev.a);
        break;
      case EvKind::kServiceEnd:
        end_service(ev.a, ev.b);
        break;
      case EvKind::kWrapEnd:
        agent_free(ev.a);
        tick();
        break;
      case EvKind::kAbandon:
        abandon(ev.a, ev.b);
        break;
      case EvKind::kInterval:
        staff(static_cast<int>(ev.a), now_);
        tick();
        break;
      case EvKind::kTick:
        if (ev.t >= tick_at_) tick_at_ = kInf;
        tick();
        break;
    }
  }

  void arrive(std::uint32_t stream) {
    StreamSetup& st = setup_.streams[stream];
    std::uint32_t idx;
    if (!free_.empty()) {
      idx = free_.back();
      free_.pop_back();
    } else {
      idx = static_cast<std::uint32_t>(contacts_.size());
      contacts_.emplace_back();
    }
    SimContact& c = contacts_[idx];
    c.arrival = now_;
    c.queue = st.spec.queue;
    c.stream = static_cast<std::uint16_t>(stream);
    c.interval = interval_of(now_);
    c.counted = now_ >= s_.warmup_s;
    c.waiting = true;
    c.alive = true;
    ++c.gen;
    st.spec.external_id = idx;
    auto r = e_.on_arrival(st.spec, at(now_));
    c.id = r.ok() ? r->contact : routing::kNoContact;
    if (c.counted) {
      ++queues_[c.queue].offered;
      ++intervals_[c.interval].offered;
    }
    tick();
    if (c.waiting && st.traffic->patience)
      push(now_ + sample(*st.traffic->patience, rng_), EvKind::kAbandon, idx, c.gen);
    double next = next_arrival(stream, now_);
    if (next < s_.duration_s) push(next, EvKind::kArrival, stream, 0);
  }

  void tick() {
    const auto& offers = e_.on_tick(at(now_));
    for (const routing::Offer& o : offers) answer(o);
    if (!has_timers_) return;
    for (const routing::Notice& n : e_.take_notices()) notice(n);
    auto next = e_.next_timer();
    if (next) {
      double t = static_cast<double>(next->time_since_epoch().count()) / 1e6;
      if (t < tick_at_) {
        tick_at_ = t;
        push(t, EvKind::kTick, 0, 0);
      }
    }
  }

  void answer(const routing::Offer& o) {
    auto idx = static_cast<std::uint32_t>(o.external_id);
    SimContact& c = contacts_[idx];
    c.waiting = false;
    (void)e_.on_offer_accepted(o.contact, at(now_));
    double wait = now_ - c.arrival;
    if (c.counted) {
      for (Acc* a : {&queues_[c.queue], &intervals_[c.interval]}) {
        ++a->answered;
        a->sum_wait += wait;
        a->sum_wait_answered += wait;
        if (wait > 0) ++a->waited;
        if (wait <= s_.queues[c.queue].service_level_s + 1e-9) ++a->within_sl;
      }
    }
    const TrafficSpec& traffic = *setup_.streams[c.stream].traffic;
    double handle = sample(traffic.handle_time, rng_);
    double wrap = traffic.wrap_up ? sample(*traffic.wrap_up, rng_) : 0;
    count_busy(c.queue, now_, now_ + handle + wrap);
    agents_[o.agent].busy = true;
    c.wrap_s = wrap;
    push(now_ + handle, EvKind::kServiceEnd, o.agent, idx);
  }

  // Busy time inside the counted window, per queue and per interval.
  void count_busy(std::uint16_t queue, double from, double to) {
    queues_[queue].busy_s += overlap(from, to, s_.warmup_s, s_.duration_s);
    for (int k = interval_of(from); k < static_cast<int>(intervals_.size()); ++k) {
      double start = k * s_.interval_s;
      if (start >= to) break;
      double end = k + 1 < static_cast<int>(intervals_.size()) ? start + s_.interval_s : kInf;
      intervals_[k].busy_s +=
          overlap(from, to, std::max(start, s_.warmup_s), std::min(end, s_.duration_s));
    }
  }

  void end_service(std::uint32_t agent, std::uint32_t idx) {
    SimContact& c = contacts_[idx];
    const double wrap = c.wrap_s;
    (void)e_.on_contact_end(c.id, at(now_));
    c.alive = false;
    free_.push_back(idx);
    if (wrap > 0 && agents_[agent].on == AgentOn::kOn) {
      (void)e_.on_agent_state(agent, routing::AgentState::kWrapUp, at(now_));
      push(now_ + wrap, EvKind::kWrapEnd, agent, 0);
    } else {
      agent_free(agent);
    }
    tick();
  }

  void agent_free(std::uint32_t agent) {
    SimAgent& a = agents_[agent];
    a.busy = false;
    if (a.on == AgentOn::kLeaving) {
      a.on = AgentOn::kOff;
      (void)e_.on_agent_state(agent, routing::AgentState::kOffline, at(now_));
    } else if (e_.agent_state(agent) == routing::AgentState::kWrapUp) {
      (void)e_.on_agent_state(agent, routing::AgentState::kReady, at(now_));
    }
  }

  void abandon(std::uint32_t idx, std::uint32_t gen) {
    SimContact& c = contacts_[idx];
    if (!c.alive || c.gen != gen || !c.waiting) return;
    (void)e_.on_abandon(c.id, at(now_));
    leave(idx, true);
  }

  void leave(std::uint32_t idx, bool abandoned) {
    SimContact& c = contacts_[idx];
    if (c.counted) {
      double wait = now_ - c.arrival;
      for (Acc* a : {&queues_[c.queue], &intervals_[c.interval]}) {
        ++(abandoned ? a->abandoned : a->left);
        a->sum_wait += wait;
        if (wait > 0) ++a->waited;
      }
    }
    c.alive = false;
    c.waiting = false;
    free_.push_back(idx);
  }

  void notice(const routing::Notice& n) {
    auto idx = static_cast<std::uint32_t>(n.external_id);
    SimContact& c = contacts_[idx];
    if (!c.alive || c.id != n.contact) return;
    if (n.kind == routing::Notice::Kind::kCallbackOffered) {
      // The caller takes the callback: virtual hold, so patience no longer applies.
      (void)e_.on_callback_accepted(n.contact, at(now_));
      ++c.gen;
    } else if (n.kind != routing::Notice::Kind::kReservationTimeout) {
      leave(idx, false);
    }
  }

  // Logs agents in or out to the interval's schedule; busy agents finish their contact first.
  void staff(int k, double t) {
    for (std::size_t g = 0; g < setup_.by_group.size(); ++g) {
      const auto& counts = s_.agents[g].count;
      int target = counts[std::min<std::size_t>(static_cast<std::size_t>(k), counts.size() - 1)];
      int on = 0;
      for (std::size_t i : setup_.by_group[g]) on += agents_[i].on == AgentOn::kOn;
      for (std::size_t i : setup_.by_group[g]) {
        SimAgent& a = agents_[i];
        if (on < target && a.on == AgentOn::kLeaving) {
          a.on = AgentOn::kOn;
          ++on;
        }
      }
      for (std::size_t i : setup_.by_group[g]) {
        SimAgent& a = agents_[i];
        if (on < target && a.on == AgentOn::kOff) {
          a.on = AgentOn::kOn;
          ++on;
          (void)e_.on_agent_state(setup_.agents[i].id, routing::AgentState::kReady, at(t));
        }
      }
      for (int pass = 0; pass < 2 && on > target; ++pass) {
        for (auto it = setup_.by_group[g].rbegin(); it != setup_.by_group[g].rend(); ++it) {
          SimAgent& a = agents_[*it];
          if (on <= target || a.on != AgentOn::kOn || (pass == 0 && a.busy)) continue;
          --on;
          if (a.busy) {
            a.on = AgentOn::kLeaving;
          } else {
            a.on = AgentOn::kOff;
            (void)e_.on_agent_state(setup_.agents[*it].id, routing::AgentState::kOffline, at(t));
          }
        }
      }
    }
  }

  Report report(std::int64_t events);

  const Scenario& s_;
  Setup setup_;
  routing::Engine& e_;
  Rng rng_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::uint64_t seq_ = 0;
  double now_ = 0;
  double tick_at_ = kInf;
  bool has_timers_ = false;
  std::vector<SimContact> contacts_;
  std::vector<std::uint32_t> free_;
  std::vector<SimAgent> agents_;
  std::vector<Acc> queues_, intervals_;
};

// Scheduled agent time of group g inside [from, to).
double staffed(const Scenario& s, std::size_t g, double from, double to) {
  const auto& counts = s.agents[g].count;
  double total = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    double start = static_cast<double>(k) * s.interval_s;
    double end = k + 1 < counts.size() ? start + s.interval_s : kInf;
    total += counts[k] * overlap(start, end, from, to);
  }
  return total;
}

Report Simulation::report(std::int64_t events) {
  // Contacts still waiting when nothing more can happen (no agents left): their wait so far.
  for (const SimContact& c : contacts_) {
    if (!c.alive || !c.waiting || !c.counted) continue;
    queues_[c.queue].sum_wait += now_ - c.arrival;
    intervals_[c.interval].sum_wait += now_ - c.arrival;
    ++queues_[c.queue].waited;
    ++intervals_[c.interval].waited;
  }
  Report r;
  r.events = events;
  r.simulated_s = now_;
  Acc total;
  for (std::size_t q = 0; q < s_.queues.size(); ++q) {
    Acc& a = queues_[q];
    for (int g : setup_.queue_groups[q])
      a.staffed_s += staffed(s_, static_cast<std::size_t>(g), s_.warmup_s, s_.duration_s);
    r.queues.emplace_back(s_.queues[q].name, finish(a, true));
    total.offered += a.offered;
    total.answered += a.answered;
    total.abandoned += a.abandoned;
    total.left += a.left;
    total.within_sl += a.within_sl;
    total.waited += a.waited;
    total.sum_wait += a.sum_wait;
    total.sum_wait_answered += a.sum_wait_answered;
    total.busy_s += a.busy_s;
  }
  for (std::size_t g = 0; g < s_.agents.size(); ++g)
    total.staffed_s += staffed(s_, g, s_.warmup_s, s_.duration_s);
  r.total = finish(total, true);
  if (intervals_.size() > 1) {
    for (std::size_t k = 0; k < intervals_.size(); ++k) {
      IntervalKpi ik;
      ik.start_s = static_cast<double>(k) * s_.interval_s;
      double end = k + 1 < intervals_.size() ? ik.start_s + s_.interval_s : s_.duration_s;
      for (std::size_t g = 0; g < s_.agents.size(); ++g) {
        const auto& counts = s_.agents[g].count;
        ik.agents += counts[std::min(k, counts.size() - 1)];
        intervals_[k].staffed_s +=
            staffed(s_, g, std::max(ik.start_s, s_.warmup_s), std::min(end, s_.duration_s));
      }
      ik.kpi = finish(intervals_[k], true);
      r.intervals.push_back(ik);
    }
  }
  return r;
}

}  // namespace

Result<Report> run(const Scenario& scenario, const RunOptions& options) {
  auto setup = build_setup(scenario);
  if (!setup) return setup.error();
  std::uint64_t seed = options.seed.value_or(scenario.seed);
  Simulation sim(scenario, std::move(setup.value()), seed);
  Report r = sim.run(options);
  r.seed = seed;
  return r;
}

}  // namespace sy::sim
