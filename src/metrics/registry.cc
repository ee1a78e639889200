// Prometheus registry: atomic recording and the text exposition format.
#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sy::metrics {

namespace {

void atomic_add(std::atomic<double>& target, double amount) {
  double cur = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(cur, cur + amount, std::memory_order_relaxed)) {
  }
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// Go-style float formatting as Prometheus expects: integers without exponent, +Inf/-Inf/NaN.
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // Prefer the shortest representation that round-trips.
    for (int prec = 1; prec <= 17; ++prec) {
      char shorter[64];
      std::snprintf(shorter, sizeof shorter, "%.*g", prec, v);
      if (std::strtod(shorter, nullptr) == v) return shorter;
    }
  }
  return buf;
}

void append_labels(std::string& out, const std::vector<std::string>& names,
                   const LabelValues& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_header(std::string& out, const std::string& name, const std::string& help,
                   std::string_view type) {
  out += "# HELP " + name + " " + escape_help(help) + "\n";
  out += "# TYPE " + name + " ";
  out += type;
  out += '\n';
}

}  // namespace

void Counter::inc(double amount) {
  if (!(amount > 0)) return;
  atomic_add(value_, amount);
}

void Gauge::inc(double amount) { atomic_add(value_, amount); }

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  if (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  // First bucket whose upper bound is >= v ("le" is inclusive); the last slot is +Inf.
  std::size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::vector<double> default_latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  const std::string key = valid_name(name) ? name : "invalid_metric_name";
  auto& slot = counters_[key];
  if (!slot) {
    slot = std::make_unique<CounterFamily>(key, help, std::move(label_names),
                                           [] { return std::make_unique<Counter>(); });
  }
  return *slot;
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  const std::string key = valid_name(name) ? name : "invalid_metric_name";
  auto& slot = gauges_[key];
  if (!slot) {
    slot = std::make_unique<GaugeFamily>(key, help, std::move(label_names),
                                         [] { return std::make_unique<Gauge>(); });
  }
  return *slot;
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> upper_bounds) {
  std::lock_guard lock(mu_);
  const std::string key = valid_name(name) ? name : "invalid_metric_name";
  auto& slot = histograms_[key];
  if (!slot) {
    slot = std::make_unique<HistogramFamily>(
        key, help, std::move(label_names),
        [bounds = std::move(upper_bounds)] { return std::make_unique<Histogram>(bounds); });
  }
  return *slot;
}

void Registry::callback_gauge(const std::string& name, const std::string& help,
                              std::function<double()> read) {
  std::lock_guard lock(mu_);
  for (auto& [existing, help_read] : callback_gauges_) {
    if (existing == name) {  // re-registration (e.g. a restarted server) replaces the reader
      help_read = {help, std::move(read)};
      return;
    }
  }
  callback_gauges_.push_back({name, {help, std::move(read)}});
}

void Registry::add_collector(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::expose() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, fam] : counters_) {
    append_header(out, name, fam->help(), "counter");
    for (const auto& [labels, c] : fam->children()) {
      out += name;
      append_labels(out, fam->label_names(), labels);
      out += ' ' + format_value(c->value()) + '\n';
    }
  }
  for (const auto& [name, fam] : gauges_) {
    append_header(out, name, fam->help(), "gauge");
    for (const auto& [labels, g] : fam->children()) {
      out += name;
      append_labels(out, fam->label_names(), labels);
      out += ' ' + format_value(g->value()) + '\n';
    }
  }
  for (const auto& [name, help_read] : callback_gauges_) {
    append_header(out, name, help_read.first, "gauge");
    out += name + ' ' + format_value(help_read.second()) + '\n';
  }
  for (const auto& [name, fam] : histograms_) {
    append_header(out, name, fam->help(), "histogram");
    for (const auto& [labels, h] : fam->children()) {
      auto counts = h->cumulative_counts();
      const auto& bounds = h->upper_bounds();
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        out += name + "_bucket";
        std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
        append_labels(out, fam->label_names(), labels, "le", le);
        out += ' ' + std::to_string(counts[i]) + '\n';
      }
      out += name + "_sum";
      append_labels(out, fam->label_names(), labels);
      out += ' ' + format_value(h->sum()) + '\n';
      out += name + "_count";
      append_labels(out, fam->label_names(), labels);
      out += ' ' + std::to_string(counts.back()) + '\n';
    }
  }
  for (const auto& collect : collectors_) collect(out);
  return out;
}

}  // namespace sy::metrics
