// The hub's figures on /metrics: connected clients, events published, messages delivered and
// clients dropped for being too slow.
#pragma once

#include "events/hub.h"
#include "metrics/registry.h"

namespace sy::events {

// `hub` must outlive the registry's scrapes.
void register_metrics(metrics::Registry& registry, const EventHub& hub);

}  // namespace sy::events
