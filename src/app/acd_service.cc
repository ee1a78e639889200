// The ACD service (see acd_service.h).
#include "app/acd_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "api/queue_rules.h"

namespace sy::app {
namespace {

Error acd_error(ErrorKind kind, std::string code, std::string message) {
  return make_error(kind, std::move(code), std::move(message));
}

}  // namespace

routing::AgentState to_engine(store::AgentPresence p) {
  switch (p) {
    case store::AgentPresence::kReady: return routing::AgentState::kReady;
    case store::AgentPresence::kReserved: return routing::AgentState::kReserved;
    case store::AgentPresence::kOnCall: return routing::AgentState::kOnCall;
    case store::AgentPresence::kWrapUp: return routing::AgentState::kWrapUp;
    case store::AgentPresence::kBreak: return routing::AgentState::kBreak;
    case store::AgentPresence::kOffline: break;
  }
  return routing::AgentState::kOffline;
}

store::AgentPresence to_store(routing::AgentState s) {
  switch (s) {
    case routing::AgentState::kReady: return store::AgentPresence::kReady;
    case routing::AgentState::kReserved: return store::AgentPresence::kReserved;
    case routing::AgentState::kOnCall: return store::AgentPresence::kOnCall;
    case routing::AgentState::kWrapUp: return store::AgentPresence::kWrapUp;
    case routing::AgentState::kBreak: return store::AgentPresence::kBreak;
    case routing::AgentState::kOffline: break;
  }
  return store::AgentPresence::kOffline;
}

AcdService::AcdService(store::Repositories& repos, const Clock& clock, Executor control,
                       AcdOptions options)
    : repos_(repos), clock_(clock), control_(std::move(control)), options_(std::move(options)) {}

AcdService::~AcdService() = default;

Status AcdService::load() {
  auto skills = repos_.skills.all();
  if (!skills) return skills.error();
  auto queues = repos_.queues.all();
  if (!queues) return queues.error();
  auto agents = repos_.agents.all_enabled();
  if (!agents) return agents.error();

  routing::EngineConfig cfg;
  for (const auto& s : *skills) cfg.skills.push_back(s.name);
  auto skill_index = [&](const std::string& name) -> std::optional<routing::SkillId> {
    for (std::size_t i = 0; i < cfg.skills.size(); ++i)
      if (cfg.skills[i] == name) return static_cast<routing::SkillId>(i);
    return std::nullopt;
  };
  for (const auto& q : *queues) {
    routing::QueueConfig qc;
    qc.name = q.name;
    qc.strategy = routing::strategy_from_string(q.strategy).value_or(routing::Strategy::kLongestIdle);
    qc.service_level_s = q.service_level_s;
    for (const auto& l : q.skills)
      if (auto id = skill_index(l.skill))
        qc.skills.push_back({*id, static_cast<std::uint8_t>(l.level)});
    auto rules = api::parse_queue_rules(nlohmann::json::parse(q.rules_json, nullptr, false));
    if (!rules) {
      Error e = rules.error();
      e.message = "queue " + q.name + ": " + e.message;
      return e;
    }
    qc.rules = std::move(*rules);
    cfg.queues.push_back(std::move(qc));
  }
  cfg.reservation_timeout = options_.ring_timeout;
  cfg.after_no_answer = routing::AgentState::kBreak;
  cfg.no_answer_reason = options_.no_answer_reason;
  cfg.region_caps = options_.region_caps;
  auto engine = routing::Engine::create(std::move(cfg));
  if (!engine) return engine.error();
  engine_ = std::move(*engine);

  for (const auto& a : *agents) {
    SY_TRY(add_agent(a));
    if (a.state != store::AgentPresence::kOffline) {
      SY_TRY(repos_.agents.record_state({0, a.id, store::AgentPresence::kOffline, "server_restart",
                                         "system", clock_.now()}));
    }
  }
  spdlog::info("ACD: {} skills, {} queues, {} agents", skills->size(), queues->size(),
               agents->size());
  return {};
}

routing::AgentSpec AcdService::agent_spec(const store::Agent& a) const {
  routing::AgentSpec spec;
  spec.name = a.username;
  for (const auto& l : a.skills)
    if (auto id = engine_->skill_id(l.skill))
      spec.skills.push_back({*id, static_cast<std::uint8_t>(std::clamp(l.level, 1, 10))});
  spec.languages = a.languages;
  spec.regions = a.regions;
  spec.groups = a.groups;
  spec.capacity[static_cast<int>(routing::Channel::kChat)] =
      static_cast<std::uint8_t>(std::clamp(a.chat_capacity, 0, 20));
  return spec;
}

Status AcdService::add_agent(const store::Agent& a) {
  if (agents_.count(a.id)) return {};
  auto id = engine_->add_agent(agent_spec(a));
  if (!id) return id.error();
  agents_[a.id] = AgentInfo{*id, a.extension, a.extension, a.user_id, a.username, a.region_code};
  if (store_ids_.size() <= *id) store_ids_.resize(*id + 1, 0);
  store_ids_[*id] = a.id;
  by_extension_[a.extension] = a.id;
  return {};
}

std::int64_t AcdService::store_agent_id(routing::AgentId id) const {
  return id < store_ids_.size() ? store_ids_[id] : 0;
}

std::optional<routing::AgentState> AcdService::agent_state(std::int64_t agent_id) const {
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return std::nullopt;
  return engine_->agent_state(it->second.engine_id);
}

std::optional<std::int64_t> AcdService::agent_with_extension(const std::string& extension) const {
  auto it = by_extension_.find(extension);
  if (it == by_extension_.end()) return std::nullopt;
  return it->second;
}

Result<AcdOffer> AcdService::agent_for_consultation(const std::string& queue,
                                                    std::int64_t except) const {
  auto id = engine_->queue_id(queue);
  if (!id) return acd_error(ErrorKind::kNotFound, "queue_not_found", "no queue " + queue);
  for (routing::AgentId engine_id : engine_->free_agents(*id)) {
    std::int64_t agent = store_agent_id(engine_id);
    auto info = agents_.find(agent);
    if (agent == except || info == agents_.end() || !registered_.count(info->second.extension))
      continue;
    AcdOffer pick;
    pick.agent_id = agent;
    pick.extension = info->second.extension;
    pick.queue = queue;
    pick.reason = "consultation";
    return pick;
  }
  return acd_error(ErrorKind::kConflict, "target_unavailable",
                   "no agent of queue " + queue + " is free with a registered phone");
}

void AcdService::set_state(std::int64_t agent_id, store::AgentPresence state,
                           const std::string& reason, const std::string& source,
                           std::function<void(Status)> done) {
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) {
    done(acd_error(ErrorKind::kNotFound, "agent_not_found", "the ACD does not know this agent"));
    return;
  }
  if (state == store::AgentPresence::kReady && options_.require_registered_phone &&
      !registered_.count(it->second.extension)) {
    done(acd_error(ErrorKind::kConflict, "phone_not_registered",
                   "register your phone (extension " + it->second.extension +
                       ") before going ready"));
    return;
  }
  std::string kept_reason = state == store::AgentPresence::kBreak ? reason : std::string();
  if (Status st = engine_->on_agent_state(it->second.engine_id, to_engine(state), clock_.now(),
                                          kept_reason);
      !st) {
    done(st);
    return;
  }
  // Any presence change (by the agent, a supervisor or the system) ends the after-call work
  // the ACD started: a wrap_up chosen by hand stays until the agent goes ready.
  wrap_up_until_.erase(agent_id);
  // Offline ends the day at a seat: the seat is free for the next agent.
  if (state == store::AgentPresence::kOffline) move_agent(agent_id, it->second, it->second.own_extension);
  repos_.agents.submit_state({0, agent_id, state, kept_reason, source, clock_.now()},
                             std::move(done));
  notify_agent(it->second.engine_id, source);
  schedule_tick();
}

template <class T, class Fn>
Result<T> AcdService::on_control(Fn fn) {
  auto result = std::make_shared<std::promise<Result<T>>>();
  auto answer = result->get_future();
  control_([fn = std::move(fn), result]() mutable { result->set_value(fn()); });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return acd_error(ErrorKind::kUnavailable, "acd_unavailable",
                     "the call distributor did not answer in time; try again");
  return answer.get();
}

void AcdService::move_agent(std::int64_t agent_id, AgentInfo& info, const std::string& extension) {
  if (info.extension == extension) return;
  if (info.extension != info.own_extension) seat_holders_.erase(info.extension);
  auto mapped = by_extension_.find(info.extension);
  if (mapped != by_extension_.end() && mapped->second == agent_id) by_extension_.erase(mapped);
  info.extension = extension;
  by_extension_[extension] = agent_id;
  if (extension != info.own_extension) seat_holders_[extension] = agent_id;
  spdlog::info("ACD: agent {} is reached at extension {}{}", info.username, extension,
               extension == info.own_extension ? " (their own)" : " (a seat)");
}

std::string AcdService::extension_of(std::int64_t agent_id) const {
  auto it = agents_.find(agent_id);
  return it == agents_.end() ? std::string() : it->second.extension;
}

Status AcdService::pick_seat(const store::Agent& agent, const std::string& extension) {
  if (Status st = add_agent(agent); !st) return st;
  AgentInfo& info = agents_.at(agent.id);
  if (info.extension == extension) return {};
  routing::AgentState now_state = engine_->agent_state(info.engine_id);
  if (now_state == routing::AgentState::kReserved || now_state == routing::AgentState::kOnCall)
    return acd_error(ErrorKind::kConflict, "agent_busy",
                     "a call is ringing or in progress; change the extension after it");
  bool own = extension == info.own_extension;
  if (!own) {
    auto holder = seat_holders_.find(extension);
    if (holder != seat_holders_.end() && holder->second != agent.id) {
      auto other = agents_.find(holder->second);
      return acd_error(ErrorKind::kConflict, "seat_taken",
                       "extension " + extension + " is taken by " +
                           (other == agents_.end() ? std::string("another agent")
                                                   : other->second.username));
    }
    // A seat is never another agent's own extension (the store refuses that); still, never
    // take over an extension the ACD rings for someone else.
    auto mapped = by_extension_.find(extension);
    bool someones_own = std::any_of(agents_.begin(), agents_.end(), [&](const auto& a) {
      return a.first != agent.id && a.second.own_extension == extension;
    });
    if (someones_own || (mapped != by_extension_.end() && mapped->second != agent.id))
      return acd_error(ErrorKind::kConflict, "seat_taken",
                       "extension " + extension + " belongs to another agent");
  }
  if (now_state == routing::AgentState::kReady && options_.require_registered_phone &&
      !registered_.count(extension))
    return acd_error(ErrorKind::kConflict, "phone_not_registered",
                     "no phone is registered at extension " + extension +
                         "; go not ready first or register the phone");
  move_agent(agent.id, info, extension);
  notify_agent(info.engine_id, "agent");
  return {};
}

void AcdService::return_to_own_extension(std::int64_t agent_id) {
  auto it = agents_.find(agent_id);
  if (it == agents_.end() || it->second.extension == it->second.own_extension) return;
  move_agent(agent_id, it->second, it->second.own_extension);
  notify_agent(it->second.engine_id, "system");
}

Result<api::SeatSnapshot> AcdService::seat_snapshot() {
  return on_control<api::SeatSnapshot>([this]() -> Result<api::SeatSnapshot> {
    api::SeatSnapshot out;
    for (const auto& [ext, agent] : seat_holders_) {
      out.held[ext] = agent;
      out.picked[agent] = ext;
    }
    out.registered.insert(registered_.begin(), registered_.end());
    return out;
  });
}

Status AcdService::pick_extension(const store::Agent& agent, const std::string& extension) {
  auto r = on_control<bool>([this, agent, extension]() -> Result<bool> {
    if (Status st = pick_seat(agent, extension); !st) return st.error();
    return true;
  });
  if (!r) return r.error();
  return {};
}

Status AcdService::release_seat(std::int64_t agent_id) {
  auto r = on_control<bool>([this, agent_id]() -> Result<bool> {
    return_to_own_extension(agent_id);
    return true;
  });
  if (!r) return r.error();
  return {};
}

Status AcdService::change_state(std::int64_t agent_id, store::AgentPresence state,
                                const std::string& reason, const std::string& source) {
  // Read on this (HTTP) thread, so an agent created after start joins without the control
  // thread waiting on the database.
  auto agent = repos_.agents.get(agent_id);
  if (!agent) return agent.error();
  auto result = std::make_shared<std::promise<Status>>();
  auto answer = result->get_future();
  control_([this, agent = std::move(*agent), state, reason, source, result] {
    auto reply = [result](Status st) { result->set_value(std::move(st)); };
    if (Status st = add_agent(agent); !st) return reply(st);
    set_state(agent.id, state, reason, source, reply);
  });
  if (answer.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
    return acd_error(ErrorKind::kUnavailable, "acd_unavailable",
                     "the call distributor did not answer in time; try again");
  return answer.get();
}

void AcdService::record_engine_state(routing::AgentId id, const std::string& source) {
  std::int64_t agent = store_agent_id(id);
  if (agent == 0) return;
  store::AgentStateChange change{0, agent, to_store(engine_->agent_state(id)),
                                 engine_->agent_break_reason(id), source, clock_.now()};
  repos_.agents.submit_state(change, [agent](Status st) {
    if (!st) spdlog::error("recording the state of agent {}: {}", agent, st.error().message);
  });
  notify_agent(id, source);
}

void AcdService::notify_agent(routing::AgentId id, const std::string& source) {
  if (!observer_) return;
  std::int64_t agent = store_agent_id(id);
  auto info = agents_.find(agent);
  if (info == agents_.end()) return;
  AcdAgentChange c;
  c.agent_id = agent;
  c.user_id = info->second.user_id;
  c.username = info->second.username;
  c.extension = info->second.extension;
  c.region_code = info->second.region_code;
  c.state = to_store(engine_->agent_state(id));
  c.reason = engine_->agent_break_reason(id);
  c.source = source;
  c.at = clock_.now();
  if (auto wrap = wrap_up_until_.find(agent);
      wrap != wrap_up_until_.end() && c.state == store::AgentPresence::kWrapUp) {
    c.reason = options_.wrap_up_reason;
    c.until = wrap->second;
  }
  observer_->agent_changed(c);
}

void AcdService::agent_unreachable(const std::string& extension) {
  registered_.erase(extension);
  auto ext = by_extension_.find(extension);
  if (ext == by_extension_.end()) return;
  wrap_up_until_.erase(ext->second);
  const AgentInfo& info = agents_.at(ext->second);
  routing::AgentState now_state = engine_->agent_state(info.engine_id);
  if (now_state == routing::AgentState::kOffline || now_state == routing::AgentState::kBreak) return;
  if (Status st = engine_->on_agent_state(info.engine_id, routing::AgentState::kBreak, clock_.now(),
                                          options_.unreachable_reason);
      !st) {
    spdlog::warn("ACD: extension {} unreachable: {}", extension, st.error().message);
    return;
  }
  record_engine_state(info.engine_id, "system");
}

void AcdService::agent_reachable(const std::string& extension) { registered_.insert(extension); }

Result<EnqueueResult> AcdService::enqueue(const QueuedCall& call) {
  if (calls_.count(call.call_id))
    return acd_error(ErrorKind::kConflict, "call_queued", "call " + call.call_id + " is queued");
  auto queue = engine_->queue_id(call.queue);
  if (!queue)
    return acd_error(ErrorKind::kNotFound, "queue_not_found", "no queue " + call.queue);
  routing::ContactSpec spec;
  spec.queue = *queue;
  for (const auto& l : call.skills) {
    auto skill = engine_->skill_id(l.skill);
    if (!skill) return acd_error(ErrorKind::kNotFound, "skill_not_found", "no skill " + l.skill);
    spec.skills.push_back({*skill, static_cast<std::uint8_t>(std::clamp(l.level, 1, 10))});
  }
  spec.language = call.language;
  spec.region = call.region;
  spec.priority = std::clamp(call.priority, 0, 9);
  spec.vip = call.vip;
  spec.vulnerable = call.vulnerable;
  spec.customer_id = call.customer_id;
  TimePoint now = clock_.now();
  auto arrived = engine_->on_arrival(spec, now);
  if (!arrived) return arrived.error();
  EnqueueResult out;
  out.reason = engine_->explain(arrived->reason);
  if (arrived->contact == routing::kNoContact) {
    out.region_capped = arrived->region_capped;
    return out;
  }
  calls_[call.call_id] = CallInfo{arrived->contact, routing::kNoAgent};
  call_ids_[arrived->contact] = call.call_id;
  if (observer_) observer_->call_queued(call, now);
  // The engine places arrivals in their queue when it ticks: do it now for a true position
  // (offers it makes are delivered on the control thread's next turn, not inside this call).
  collect();
  auto estimate = engine_->estimate_wait(arrived->contact, now);
  if (estimate) {  // not waiting any more when offered at once: position 0
    out.position = estimate->position;
    out.estimated_wait_s = estimate->estimated_wait_s;
  }
  schedule_tick();
  return out;
}

Result<routing::WaitEstimate> AcdService::wait_estimate(const std::string& call_id) const {
  auto call = find_call(call_id);
  if (!call) return call.error();
  return engine_->estimate_wait((*call)->contact, clock_.now());
}

Result<const AcdService::CallInfo*> AcdService::find_call(const std::string& call_id) const {
  auto it = calls_.find(call_id);
  if (it == calls_.end())
    return acd_error(ErrorKind::kNotFound, "call_not_queued", "the ACD has no call " + call_id);
  return &it->second;
}

std::string AcdService::routing_reason(const std::string& call_id) const {
  auto call = find_call(call_id);
  if (!call) return "";
  const auto& trail = engine_->decisions((*call)->contact);
  for (auto it = trail.rbegin(); it != trail.rend(); ++it)
    if (it->kind == routing::DecisionKind::kOffered) return engine_->explain(*it);
  return trail.empty() ? "" : engine_->explain(trail.back());
}

void AcdService::forget(const std::string& call_id) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  call_ids_.erase(it->second.contact);
  calls_.erase(it);
}

Status AcdService::accept(const std::string& call_id) {
  auto call = find_call(call_id);
  if (!call) return call.error();
  SY_TRY(engine_->on_offer_accepted((*call)->contact, clock_.now()));
  if (observer_) {
    observer_->call_answered(call_id, agent_of(**call), clock_.now());
    notify_agent((*call)->offered_to, "system");
  }
  return {};
}

Status AcdService::refuse(const std::string& call_id) {
  auto call = find_call(call_id);
  if (!call) return call.error();
  routing::AgentId agent = (*call)->offered_to;
  SY_TRY(engine_->on_offer_refused((*call)->contact, clock_.now()));
  if (observer_) observer_->offer_withdrawn(call_id, store_agent_id(agent), clock_.now());
  if (agent != routing::kNoAgent) record_engine_state(agent, "system");
  schedule_tick();
  return {};
}

Status AcdService::ring_no_answer(const std::string& call_id) {
  auto call = find_call(call_id);
  if (!call) return call.error();
  routing::AgentId agent = (*call)->offered_to;
  SY_TRY(engine_->on_ring_no_answer((*call)->contact, clock_.now()));
  if (observer_) observer_->offer_withdrawn(call_id, store_agent_id(agent), clock_.now());
  if (agent != routing::kNoAgent) record_engine_state(agent, "system");
  schedule_tick();
  return {};
}

Status AcdService::callback_accepted(const std::string& call_id) {
  auto call = find_call(call_id);
  if (!call) return call.error();
  return engine_->on_callback_accepted((*call)->contact, clock_.now());
}

Status AcdService::abandon(const std::string& call_id) {
  auto call = find_call(call_id);
  if (!call) return call.error();
  routing::AgentId agent = (*call)->offered_to;
  Status st = engine_->on_abandon((*call)->contact, clock_.now());
  if (observer_) {
    observer_->call_left(call_id, AcdCallEnd::kAbandoned, clock_.now());
    if (agent != routing::kNoAgent) notify_agent(agent, "system");
  }
  forget(call_id);
  schedule_tick();
  return st;
}

Status AcdService::end(const std::string& call_id) {
  auto call = find_call(call_id);
  if (!call) return call.error();
  routing::AgentId agent = (*call)->offered_to;
  TimePoint now = clock_.now();
  Status st = engine_->on_contact_end((*call)->contact, now);
  std::int64_t store_agent = store_agent_id(agent);
  bool wrap_up = st && options_.wrap_up.count() > 0 && store_agent != 0 &&
                 engine_->agent_state(agent) == routing::AgentState::kReady;
  // After-call work: before the engine's next tick, so no caller is offered meanwhile.
  if (wrap_up) wrap_up = start_wrap_up(store_agent, agent, now);
  if (observer_) observer_->call_left(call_id, AcdCallEnd::kEnded, now);
  if (agent != routing::kNoAgent) notify_agent(agent, "system");
  forget(call_id);
  schedule_tick();
  return st;
}

void AcdService::schedule_tick() {
  if (tick_scheduled_) return;
  tick_scheduled_ = true;
  control_([this] {
    tick_scheduled_ = false;
    tick();
  });
}

bool AcdService::start_wrap_up(std::int64_t agent, routing::AgentId id, TimePoint now) {
  if (Status st = engine_->on_agent_state(id, routing::AgentState::kWrapUp, now); !st) {
    spdlog::warn("ACD: after-call work of agent {}: {}", agent, st.error().message);
    return false;
  }
  wrap_up_until_[agent] = now + options_.wrap_up;
  repos_.agents.submit_state(
      {0, agent, store::AgentPresence::kWrapUp, options_.wrap_up_reason, "system", now},
      [agent](Status st) {
        if (!st) spdlog::error("recording the state of agent {}: {}", agent, st.error().message);
      });
  return true;
}

void AcdService::conversation_over(std::int64_t agent_id) {
  auto it = agents_.find(agent_id);
  if (it == agents_.end() || !engine_ ||
      engine_->agent_state(it->second.engine_id) != routing::AgentState::kOnCall)
    return;
  if (options_.wrap_up.count() > 0 &&
      start_wrap_up(agent_id, it->second.engine_id, clock_.now())) {
    notify_agent(it->second.engine_id, "system");
    schedule_tick();
    return;
  }
  set_state(agent_id, store::AgentPresence::kReady, "", "system", [agent_id](Status st) {
    if (!st) spdlog::warn("ACD: agent {} ready again: {}", agent_id, st.error().message);
  });
}

void AcdService::end_wrap_ups() {
  if (wrap_up_until_.empty() || !engine_) return;
  TimePoint now = clock_.now();
  std::vector<std::int64_t> due;
  for (const auto& [agent, until] : wrap_up_until_)
    if (until <= now) due.push_back(agent);
  for (std::int64_t agent : due) {
    wrap_up_until_.erase(agent);
    auto info = agents_.find(agent);
    if (info == agents_.end()) continue;
    routing::AgentId id = info->second.engine_id;
    if (engine_->agent_state(id) != routing::AgentState::kWrapUp) continue;
    if (Status st = engine_->on_agent_state(id, routing::AgentState::kReady, now); !st) {
      spdlog::warn("ACD: ending the after-call work of agent {}: {}", agent, st.error().message);
      continue;
    }
    record_engine_state(id, "system");
  }
}

void AcdService::tick() {
  end_wrap_ups();
  collect();
  std::vector<AcdOffer> offers;
  offers.swap(pending_offers_);
  std::vector<AcdNotice> notices;
  notices.swap(pending_notices_);
  if (!sink_) return;
  for (const auto& o : offers) sink_->offer(o);
  for (const auto& n : notices) sink_->notice(n);
}

void AcdService::collect() {
  if (!engine_) return;
  TimePoint now = clock_.now();
  std::vector<routing::Offer> offers;
  {
    const auto& fresh = engine_->on_tick(now);
    offers.assign(fresh.begin(), fresh.end());
  }
  for (const auto& o : offers) {
    auto id = call_ids_.find(o.contact);
    if (id == call_ids_.end()) continue;
    calls_[id->second].offered_to = o.agent;
    std::int64_t agent = store_agent_id(o.agent);
    pending_offers_.push_back(AcdOffer{id->second, agent,
                                       agents_.count(agent) ? agents_.at(agent).extension : "",
                                       engine_->config().queues.at(o.queue).name, o.deadline,
                                       engine_->explain(o.reason)});
    if (observer_) {
      observer_->call_offered(pending_offers_.back());
      notify_agent(o.agent, "system");
    }
  }
  for (const auto& n : engine_->take_notices()) {
    auto id = call_ids_.find(n.contact);
    std::string call_id = id == call_ids_.end() ? "" : id->second;
    AcdNotice notice{AcdNotice::Kind::kCallbackOffered, call_id, "", n.centre};
    switch (n.kind) {
      case routing::Notice::Kind::kCallbackOffered:
        break;
      case routing::Notice::Kind::kVoicemail:
        notice.kind = AcdNotice::Kind::kVoicemail;
        break;
      case routing::Notice::Kind::kOverflowCentre:
        notice.kind = AcdNotice::Kind::kOverflowCentre;
        break;
      case routing::Notice::Kind::kReservationTimeout: {
        notice.kind = AcdNotice::Kind::kOfferWithdrawn;
        std::int64_t agent = store_agent_id(n.agent);
        if (agents_.count(agent)) notice.extension = agents_.at(agent).extension;
        if (observer_ && !call_id.empty())
          observer_->offer_withdrawn(call_id, agent, clock_.now());
        record_engine_state(n.agent, "system");
        if (!call_id.empty()) calls_[call_id].offered_to = routing::kNoAgent;
        break;
      }
    }
    if (notice.kind == AcdNotice::Kind::kVoicemail ||
        notice.kind == AcdNotice::Kind::kOverflowCentre) {
      if (observer_ && !call_id.empty())
        observer_->call_left(call_id,
                             notice.kind == AcdNotice::Kind::kVoicemail ? AcdCallEnd::kVoicemail
                                                                        : AcdCallEnd::kOverflow,
                             now);
      forget(call_id);
    }
    if (!call_id.empty()) pending_notices_.push_back(std::move(notice));
  }
}

}  // namespace sy::app
