#include "events/hub_metrics.h"

#include <string>

namespace sy::events {
namespace {

void append_metric(std::string& out, const char* name, const char* type, const char* help,
                   std::uint64_t value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

void register_metrics(metrics::Registry& registry, const EventHub& hub) {
  registry.add_collector([&hub](std::string& out) {
    EventHub::Stats s = hub.stats();
    append_metric(out, "sy_events_connected_clients", "gauge",
                  "Live event subscribers (desktop WebSocket connections).", s.subscribers);
    append_metric(out, "sy_events_published_total", "counter", "Events published.", s.published);
    append_metric(out, "sy_events_delivered_total", "counter",
                  "Event messages queued to subscribers (live and replayed).", s.delivered);
    append_metric(out, "sy_events_dropped_clients_total", "counter",
                  "Subscribers disconnected because their queue overflowed (slow clients).",
                  s.dropped_slow);
    append_metric(out, "sy_events_replay_window_events", "gauge",
                  "Events held for reconnecting clients.", s.window_events);
  });
}

}  // namespace sy::events
