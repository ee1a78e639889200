// A small Prometheus registry: counters, gauges and histograms with labels, and the text
// exposition format served at GET /metrics. Recording is lock-free (atomics); only creating a
// new label combination takes a lock, so hot paths should keep the returned reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sy::metrics {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void inc(double amount = 1.0);  // negative amounts are ignored: counters only go up
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double amount = 1.0);
  void dec(double amount = 1.0) { inc(-amount); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // sorted, without +Inf
  void observe(double v);
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Cumulative count per bound, then the +Inf count (== count()).
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds, from 100 µs to 10 s.
std::vector<double> default_latency_buckets();

// One metric name with a fixed set of label names; children per label-value combination.
template <class M>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<M>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  // The child for these label values (created on first use; the reference stays valid for the
  // registry's lifetime). The number of values must equal the number of label names.
  M& with(const LabelValues& values);
  M& with(std::initializer_list<std::string_view> values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Snapshot of children for exposition.
  std::vector<std::pair<LabelValues, const M*>> children() const;

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::shared_mutex mu_;
  std::map<LabelValues, std::unique_ptr<M>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Appends exposition text for metrics computed at scrape time (e.g. queue lengths owned by
// another thread). Must append complete "# HELP/# TYPE/samples" blocks.
using Collector = std::function<void(std::string& out)>;

class Registry {
 public:
  // Registering the same name twice returns the existing family (label names must match);
  // names must match [a-zA-Z_:][a-zA-Z0-9_:]*.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names = {},
                             std::vector<double> upper_bounds = default_latency_buckets());

  // A gauge whose value is read by calling `read` at scrape time (no labels).
  void callback_gauge(const std::string& name, const std::string& help,
                      std::function<double()> read);
  void add_collector(Collector collector);

  // Prometheus text exposition format 0.0.4 (content type kContentType).
  std::string expose() const;
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<CounterFamily>> counters_;
  std::map<std::string, std::unique_ptr<GaugeFamily>> gauges_;
  std::map<std::string, std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<std::pair<std::string, std::pair<std::string, std::function<double()>>>>
      callback_gauges_;
  std::vector<Collector> collectors_;
};

// Escapes a label value for the exposition format (backslash, double quote, newline).
std::string escape_label_value(std::string_view v);

// ---- template implementation ----

template <class M>
M& Family<M>::with(const LabelValues& values) {
  if (values.size() != label_names_.size()) {
    // A programming error; keep the exposition well-formed rather than crash.
    LabelValues fixed = values;
    fixed.resize(label_names_.size());
    return with(fixed);
  }
  {
    std::shared_lock lock(mu_);
    auto it = children_.find(values);
    if (it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& slot = children_[values];
  if (!slot) slot = make_();
  return *slot;
}

template <class M>
M& Family<M>::with(std::initializer_list<std::string_view> values) {
  LabelValues v;
  v.reserve(values.size());
  for (auto s : values) v.emplace_back(s);
  return with(v);
}

template <class M>
std::vector<std::pair<LabelValues, const M*>> Family<M>::children() const {
  std::shared_lock lock(mu_);
  std::vector<std::pair<LabelValues, const M*>> out;
  out.reserve(children_.size());
  for (const auto& [k, v] : children_) out.emplace_back(k, v.get());
  return out;
}

}  // namespace sy::metrics
