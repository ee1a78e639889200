// What every API handler needs: the repositories, the clock and the sign-in rules. One instance
// lives as long as the HTTP server; handlers run on HTTP worker threads and share it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/agent_presence.h"
#include "api/call_control.h"
#include "api/kb_suggestions.h"
#include "api/seat_port.h"
#include "auth/lockout.h"
#include "core/clock.h"
#include "events/hub.h"
#include "store/db.h"
#include "store/repositories.h"

namespace sy::api {

struct ApiOptions {
  std::chrono::seconds session_ttl{12 * 3600};
  auth::LockoutPolicy lockout;
  std::string centre_name;
  std::string time_zone = "Asia/Shanghai";
  events::HubOptions events;
  // Work-order attachments are stored here by content hash; "" disables uploads.
  std::string attachments_dir;
  std::size_t max_attachment_bytes = 10 << 20;
  std::string sip_realm = "switchyard.local";  // digest realm of agent phones (sip.domain)
  // IVR node / queue → knowledge-base searches for GET /api/v1/kb/suggestions.
  KbSuggestionRules kb_suggestions = default_kb_suggestion_rules();
};

struct Context {
  Context(store::Database& database, const Clock& clk, ApiOptions opts)
      : db(database),
        clock(clk),
        options(std::move(opts)),
        repos(database, clk),
        events(clk, options.events) {}

  store::Database& db;
  const Clock& clock;
  ApiOptions options;
  store::Repositories repos;
  // Live events for desktops (GET /api/v1/events); other parts publish through it.
  events::EventHub events;
  // The queues a supervisor watches, when the ACD assigns them; unset (or nullopt for a user):
  // every queue. Called on an HTTP thread when a desktop connects.
  std::function<std::optional<std::vector<std::string>>(const store::User&)> supervised_queues;
  // The ACD, when one runs (serve); without it presence changes are only recorded.
  AgentPresencePort* presence = nullptr;
  // Hot-desking (seat phones the agents pick), when the ACD runs.
  SeatPort* seats = nullptr;
  // Call control on live calls, when telephony runs; without it /calls/{id}/{action} is 503.
  CallControlPort* call_control = nullptr;
};

}  // namespace sy::api
