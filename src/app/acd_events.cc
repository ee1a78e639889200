// The ACD on the live event stream (see acd_events.h).
#include "app/acd_events.h"

#include <spdlog/spdlog.h>

namespace sy::app {
namespace {

using nlohmann::json;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(); }

const char* to_string(AcdCallEnd how) {
  switch (how) {
    case AcdCallEnd::kEnded: return "ended";
    case AcdCallEnd::kAbandoned: return "abandoned";
    case AcdCallEnd::kVoicemail: return "voicemail";
    case AcdCallEnd::kOverflow: return "overflow";
  }
  return "ended";
}

json digits_json(const std::vector<store::CollectedDigits>& digits) {
  json out = json::array();
  for (const auto& d : digits) out.push_back({{"node", d.node}, {"digits", d.digits}});
  return out;
}

}  // namespace

AcdEvents::AcdEvents(events::EventPublisher& hub, store::Repositories& repos, const Clock& clock,
                     AcdEventsOptions options)
    : hub_(hub),
      repos_(repos),
      clock_(clock),
      options_(std::move(options)),
      stats_(options_.utc_offset_minutes),
      worker_([this] { run(); }) {}

AcdEvents::~AcdEvents() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

Status AcdEvents::load_queues() {
  auto queues = repos_.queues.all();
  if (!queues) return queues.error();
  for (const auto& q : *queues) stats_.add_queue(q.name, q.service_level_s);
  return {};
}

void AcdEvents::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

void AcdEvents::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and everything went out
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    job();
    lock.lock();
    --running_;
    cv_.notify_all();
  }
}

void AcdEvents::flush() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return jobs_.empty() && running_ == 0; });
}

std::int64_t AcdEvents::user_of(std::int64_t agent_id) const {
  auto it = agents_.find(agent_id);
  return it == agents_.end() ? 0 : it->second.user_id;
}

events::Audiences AcdEvents::call_audiences(const CallCard& card, std::int64_t agent_id) const {
  events::Audiences to;
  if (std::int64_t user = user_of(agent_id)) to.push_back(events::Audience::user(user));
  to.push_back(events::Audience::queue(card.call.queue));
  to.push_back(events::Audience::region(card.call.region));
  return to;
}

void AcdEvents::agent_changed(const AcdAgentChange& c) {
  AgentCard& card = agents_[c.agent_id];
  card.user_id = c.user_id;
  card.username = c.username;
  card.extension = c.extension;
  card.region_code = c.region_code;
  card.state = c.state;
  json data = {{"agent_id", c.agent_id},
               {"user_id", c.user_id},
               {"username", c.username},
               {"extension", c.extension},
               {"state", store::to_string(c.state)},
               {"reason", c.reason},
               {"source", c.source},
               {"state_since", format_rfc3339(c.at)}};
  // After-call work the ACD ends by itself: when (UTC), for the desktop's countdown.
  if (c.until) data["until"] = format_rfc3339(*c.until);
  // The agent's own desktops, and the supervisors of the agent's region (the province centre
  // for agents bound to no region).
  events::Audiences to = {events::Audience::user(c.user_id),
                          events::Audience::region(c.region_code.value_or(""))};
  post([this, data = std::move(data), to = std::move(to)]() mutable {
    hub_.publish(events::type::kAgentState, std::move(data), std::move(to));
  });
}

void AcdEvents::call_queued(const QueuedCall& call, TimePoint at) {
  auto [it, fresh] = calls_.try_emplace(call.call_id, CallCard{call, at, 0});
  if (!fresh) it->second.call = call;
  stats_.queued(call.call_id, call.queue, at);
}

void AcdEvents::call_offered(const AcdOffer& offer) {
  auto it = calls_.find(offer.call_id);
  if (it == calls_.end()) return;
  CallCard& card = it->second;
  card.agent_id = offer.agent_id;
  TimePoint now = clock_.now();
  json data = {{"call_id", offer.call_id},
               {"queue", offer.queue},
               {"agent_id", offer.agent_id},
               {"extension", offer.extension},
               {"caller", card.call.caller_number},
               {"customer_id", card.call.customer_id ? json(card.call.customer_id) : json()},
               {"region_code", card.call.region},
               {"ivr_path", card.call.ivr_path},
               {"digits", digits_json(card.call.digits)},
               {"attached", card.call.attached},
               {"vip", card.call.vip},
               {"waited_s", std::chrono::duration<double>(now - card.queued_at).count()},
               {"ring_deadline", format_rfc3339(offer.deadline)},
               {"routing_reason", offer.reason}};
  events::Audiences to = call_audiences(card, offer.agent_id);
  bool need_record = card.call.caller_number.empty();
  std::string call_id = offer.call_id;
  post([this, data = std::move(data), to = std::move(to), need_record, call_id]() mutable {
    // Telephony did not pass the caller's number: read it from the call record (written when
    // the call arrived).
    if (need_record) {
      auto record = repos_.calls.get(call_id);
      if (record) {
        data["caller"] = record->from_number;
        if (data["customer_id"].is_null() && record->customer_id)
          data["customer_id"] = *record->customer_id;
        if (data["region_code"] == "" && record->region_code)
          data["region_code"] = *record->region_code;
      }
    }
    data["from"] = data["caller"];
    hub_.publish(events::type::kCallOffered, std::move(data), std::move(to));
  });
}

// The consulted agent's desktop rings as for an offer: the same payload (caller, IVR path and
// digits, customer), kind "consult" and who consults.
void AcdEvents::consult_offered(const AcdConsultOffer& offer) {
  if (!offer.agent_id) return;
  std::int64_t user = user_of(offer.agent_id);
  if (!user) return;
  json from = {{"agent_id", offer.from_agent_id ? json(offer.from_agent_id) : json()},
               {"extension", offer.from_extension},
               {"username", ""}};
  if (auto a = agents_.find(offer.from_agent_id); a != agents_.end()) {
    from["username"] = a->second.username;
    if (offer.from_extension.empty()) from["extension"] = a->second.extension;
  }
  json data = {{"call_id", offer.call_id},
               {"kind", "consult"},
               {"queue", offer.queue},
               {"agent_id", offer.agent_id},
               {"extension", offer.extension},
               {"caller", offer.caller},
               {"customer_id", json()},
               {"region_code", offer.region},
               {"ivr_path", json::array()},
               {"digits", json::array()},
               {"attached", json::object()},
               {"vip", false},
               {"consult_from", from}};
  if (auto it = calls_.find(offer.call_id); it != calls_.end()) {
    const QueuedCall& c = it->second.call;
    if (data["caller"] == "") data["caller"] = c.caller_number;
    if (c.customer_id) data["customer_id"] = c.customer_id;
    if (data["region_code"] == "") data["region_code"] = c.region;
    if (data["queue"] == "") data["queue"] = c.queue;
    data["ivr_path"] = c.ivr_path;
    data["digits"] = digits_json(c.digits);
    data["attached"] = c.attached;
    data["vip"] = c.vip;
  }
  std::string call_id = offer.call_id;
  post([this, data = std::move(data), user, call_id]() mutable {
    if (data["caller"] == "" || data["customer_id"].is_null()) {
      if (auto record = repos_.calls.get(call_id)) {
        if (data["caller"] == "") data["caller"] = record->from_number;
        if (data["customer_id"].is_null() && record->customer_id)
          data["customer_id"] = *record->customer_id;
      }
    }
    data["from"] = data["caller"];
    hub_.publish(events::type::kCallOffered, std::move(data), {events::Audience::user(user)});
  });
}

void AcdEvents::offer_withdrawn(const std::string& call_id, std::int64_t agent_id, TimePoint) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  it->second.agent_id = 0;
  std::int64_t user = user_of(agent_id);
  if (!user) return;
  post([this, call_id, agent_id, user] {
    hub_.publish("call.offer_withdrawn", {{"call_id", call_id}, {"agent_id", agent_id}},
                 {events::Audience::user(user)});
  });
}

void AcdEvents::call_answered(const std::string& call_id, std::int64_t agent_id, TimePoint at) {
  stats_.answered(call_id, at);
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  it->second.agent_id = agent_id;
  json data = {{"call_id", call_id},
               {"agent_id", agent_id},
               {"queue", it->second.call.queue},
               {"waited_s", std::chrono::duration<double>(at - it->second.queued_at).count()}};
  events::Audiences to = call_audiences(it->second, agent_id);
  post([this, data = std::move(data), to = std::move(to)]() mutable {
    hub_.publish(events::type::kCallAnswered, std::move(data), std::move(to));
  });
}

void AcdEvents::call_left(const std::string& call_id, AcdCallEnd how, TimePoint at) {
  if (how == AcdCallEnd::kAbandoned) stats_.abandoned(call_id, at);
  else stats_.left(call_id);
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  json data = {{"call_id", call_id},
               {"agent_id", it->second.agent_id ? json(it->second.agent_id) : json()},
               {"queue", it->second.call.queue},
               {"how", to_string(how)}};
  events::Audiences to = call_audiences(it->second, it->second.agent_id);
  calls_.erase(it);
  post([this, data = std::move(data), to = std::move(to)]() mutable {
    hub_.publish(events::type::kCallEnded, std::move(data), std::move(to));
  });
}

void AcdEvents::call_updated(const AcdCallUpdate& u) {
  json data = {{"call_id", u.call_id},
               {"agent_id", u.agent_id ? json(u.agent_id) : json()},
               {"state", u.state},
               {"consult_target", u.consult_target},
               {"consult_answered", u.consult_answered},
               {"muted", u.muted}};
  events::Audiences to;
  if (std::int64_t user = user_of(u.agent_id)) to.push_back(events::Audience::user(user));
  if (std::int64_t user = user_of(u.consult_agent_id)) to.push_back(events::Audience::user(user));
  if (!u.queue.empty()) to.push_back(events::Audience::queue(u.queue));
  if (!u.region.empty()) to.push_back(events::Audience::region(u.region));
  post([this, data = std::move(data), to = std::move(to)]() mutable {
    hub_.publish(events::type::kCallUpdated, std::move(data), std::move(to));
  });
}

void AcdEvents::on_desktop_gone(std::int64_t user_id, TimePoint since) {
  for (const auto& [agent_id, card] : agents_) {
    if (card.user_id != user_id) continue;
    // A call in progress goes on on the phone (and keeps its seat); an agent waiting for calls
    // is taken out.
    if (card.state == store::AgentPresence::kReserved || card.state == store::AgentPresence::kOnCall)
      return;
    if (!acd_) return;
    if (card.state == store::AgentPresence::kReady || card.state == store::AgentPresence::kWrapUp) {
      spdlog::info("events: the desktop of agent {} has been gone since {}: not ready",
                   card.username, format_rfc3339(since));
      acd_->set_state(agent_id, store::AgentPresence::kBreak, options_.desktop_gone_reason,
                      "system", [agent_id](Status st) {
                        if (!st)
                          spdlog::warn("desktop gone: agent {}: {}", agent_id, st.error().message);
                      });
    }
    // An agent who left frees the seat phone they picked for the next one.
    acd_->return_to_own_extension(agent_id);
    return;
  }
}

void AcdEvents::tick() {
  TimePoint now = clock_.now();
  if (last_stats_) {
    Duration since = now - *last_stats_;
    bool due = (stats_.changed() && since >= options_.stats_min_interval) ||
               (stats_.anyone_waiting() && since >= options_.stats_period) ||
               since >= options_.stats_heartbeat;
    if (!due) return;
  }
  publish_stats(now);
}

void AcdEvents::publish_stats(TimePoint now) {
  last_stats_ = now;
  for (const QueueFigures& f : stats_.figures(now)) {
    json data = {{"name", f.queue},
                 {"waiting", f.waiting},
                 {"longest_wait_s", f.longest_wait_s},
                 {"answered_today", f.answered_today},
                 {"abandoned_today", f.abandoned_today},
                 {"service_level_today", opt(f.service_level_today)},
                 {"service_level_15m", opt(f.service_level_15m)},
                 {"service_level_target_s", f.service_level_target_s}};
    std::string queue = f.queue;
    post([this, data = std::move(data), queue]() mutable {
      hub_.publish(events::type::kQueueStats, std::move(data), {events::Audience::queue(queue)});
    });
  }
}

}  // namespace sy::app
