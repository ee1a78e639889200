#include "events/hub.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <unordered_map>

namespace sy::events {
namespace {

std::string assemble(std::string_view type_json, TimePoint at, std::uint64_t seq,
                     std::string_view data_json) {
  std::string out;
  out.reserve(data_json.size() + type_json.size() + 80);
  out.append(R"({"type":)").append(type_json).append(R"(,"at":")");
  out.append(format_rfc3339(at)).append(R"(","seq":)").append(std::to_string(seq));
  out.append(R"(,"data":)").append(data_json).append("}");
  return out;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string random_stream_id() {
  std::random_device rd;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

}  // namespace

std::string event_text(std::string_view type, TimePoint at, std::uint64_t seq,
                       const nlohmann::json& data) {
  return assemble(dump(nlohmann::json(type)), at, seq, dump(data));
}

// The hub's view of one subscriber: its bounded queue and how it ended.
struct Subscriber {
  struct Item {
    std::shared_ptr<const std::string> text;
    bool live = true;  // counts against the queue bound (the initial replay does not)
  };

  Subscriber(Interest i, std::string key, std::function<void()> w, std::function<void()> e,
             std::size_t cap)
      : interest(std::move(i)),
        session_key(std::move(key)),
        wake(std::move(w)),
        ended_cb(e ? std::move(e) : wake),
        capacity(cap) {}

  // Queues a live event; false when that overflowed the queue (the subscriber is now ended).
  bool offer(const std::shared_ptr<const std::string>& text) {
    bool overflowed = false;
    {
      std::lock_guard lock(mu);
      if (ended || detached) return true;
      if (live_queued >= capacity) {
        queue.clear();
        live_queued = 0;
        ended = true;
        close_reason = kSlowConsumer;
        overflowed = true;
      } else {
        bool was_empty = queue.empty();
        queue.push_back({text, true});
        ++live_queued;
        if (!was_empty) return true;  // the writer has not caught up yet: it will come back
      }
    }
    if (overflowed) {
      if (ended_cb) ended_cb();
    } else if (wake) {
      wake();
    }
    return !overflowed;
  }

  void end(std::string reason) {
    {
      std::lock_guard lock(mu);
      if (ended || detached) return;
      queue.clear();
      live_queued = 0;
      ended = true;
      close_reason = std::move(reason);
    }
    if (ended_cb) ended_cb();
  }

  void push_initial(std::shared_ptr<const std::string> text) {
    std::lock_guard lock(mu);
    queue.push_back({std::move(text), false});
  }

  std::optional<Subscription::Outgoing> pop() {
    std::lock_guard lock(mu);
    if (!queue.empty()) {
      Item item = std::move(queue.front());
      queue.pop_front();
      if (item.live) --live_queued;
      return Subscription::Outgoing{std::move(item.text), {}};
    }
    if (ended && !close_sent) {
      close_sent = true;
      return Subscription::Outgoing{nullptr, close_reason};
    }
    return std::nullopt;
  }

  const Interest interest;
  const std::string session_key;
  const std::function<void()> wake;
  const std::function<void()> ended_cb;
  const std::size_t capacity;

  std::mutex mu;
  std::deque<Item> queue;
  std::size_t live_queued = 0;
  std::string close_reason;
  bool ended = false;       // by the hub (close_reason set)
  bool close_sent = false;  // pop() has returned the close
  bool detached = false;    // cancelled by its owner: never queue or wake again
};

// The shared state behind EventHub; subscription handles keep a weak reference to it so that
// one outliving the hub (a connection closing late) unsubscribes harmlessly.
class HubCore {
 public:
  HubCore(const Clock& clock, HubOptions options)
      : clock_(clock),
        options_(options),
        window_(options.replay_events, options.replay_max_age),
        stream_id_(random_stream_id()) {}

  std::uint64_t publish(std::string type, const nlohmann::json& data, Audiences to);
  std::shared_ptr<Subscriber> subscribe(EventHub::SubscribeRequest req);
  void remove(const std::shared_ptr<Subscriber>& sub);
  void close_if(const std::function<bool(const Subscriber&)>& pred, const std::string& reason);

  void set_listener(EventHub::ConnectionListener l) {
    std::lock_guard lock(mu_);
    listener_ = std::move(l);
  }
  EventHub::Stats stats() const {
    std::lock_guard lock(mu_);
    EventHub::Stats s = stats_;
    s.last_seq = last_seq_;
    s.subscribers = subs_.size();
    s.window_events = window_.size();
    return s;
  }
  std::uint64_t last_seq() const {
    std::lock_guard lock(mu_);
    return last_seq_;
  }
  const std::string& stream_id() const { return stream_id_; }

 private:
  void erase_locked(const Subscriber* sub, TimePoint now);
  void count_connection_locked(std::int64_t user_id, int delta, TimePoint now);
  void queue_initial_locked(Subscriber& sub, const EventHub::SubscribeRequest& req, TimePoint now);

  const Clock& clock_;
  const HubOptions options_;
  mutable std::mutex mu_;
  ReplayWindow window_;
  std::uint64_t last_seq_ = 0;
  std::vector<std::shared_ptr<Subscriber>> subs_;
  std::unordered_map<std::int64_t, int> connections_;  // per user
  EventHub::ConnectionListener listener_;
  EventHub::Stats stats_;
  const std::string stream_id_;
};

std::uint64_t HubCore::publish(std::string type, const nlohmann::json& data, Audiences to) {
  // Serialise outside the lock; only the envelope (time, sequence) is added under it.
  std::string body = dump(data);
  std::string type_json = dump(nlohmann::json(type));
  std::vector<const Subscriber*> dropped;
  std::lock_guard lock(mu_);
  TimePoint now = clock_.now();
  auto ev = std::make_shared<Event>();
  ev->seq = ++last_seq_;
  ev->at = now;
  ev->type = std::move(type);
  ev->to = std::move(to);
  ev->text = std::make_shared<const std::string>(assemble(type_json, now, ev->seq, body));
  std::shared_ptr<const Event> event = std::move(ev);
  window_.expire(now);
  window_.push(event);
  ++stats_.published;
  for (const auto& sub : subs_) {
    if (!wants(sub->interest, *event)) continue;
    if (sub->offer(event->text)) {
      ++stats_.delivered;
    } else {
      ++stats_.dropped_slow;
      dropped.push_back(sub.get());
    }
  }
  for (const Subscriber* s : dropped) erase_locked(s, now);
  return event->seq;
}

void HubCore::queue_initial_locked(Subscriber& sub, const EventHub::SubscribeRequest& req,
                                   TimePoint now) {
  nlohmann::json hello = {{"stream", stream_id_}, {"user_id", sub.interest.user_id},
                          {"replayed", 0}};
  if (req.since) {
    ReplayWindow::Missed missed;
    if (!req.stream || *req.stream == stream_id_) {
      missed = window_.after(*req.since, last_seq_,
                             [&](const Event& e) { return wants(sub.interest, e); });
    }
    if (!missed.covered) {
      nlohmann::json data = {{"stream", stream_id_},
                             {"since", *req.since},
                             {"oldest_seq", window_.oldest_seq()},
                             {"user_id", sub.interest.user_id}};
      if (req.stream) data["since_stream"] = *req.stream;
      sub.push_initial(
          std::make_shared<const std::string>(event_text("resync_required", now, last_seq_, data)));
      return;
    }
    for (const auto& e : missed.events) sub.push_initial(e->text);
    hello["replayed"] = missed.events.size();
    stats_.delivered += missed.events.size();
  }
  // After the replay: hello's seq is where the client stands once it has read everything so far.
  sub.push_initial(std::make_shared<const std::string>(event_text("hello", now, last_seq_, hello)));
}

std::shared_ptr<Subscriber> HubCore::subscribe(EventHub::SubscribeRequest req) {
  std::lock_guard lock(mu_);
  TimePoint now = clock_.now();
  auto sub = std::make_shared<Subscriber>(std::move(req.interest), std::move(req.session_key),
                                          std::move(req.wake), std::move(req.ended),
                                          options_.subscriber_queue);
  window_.expire(now);
  queue_initial_locked(*sub, req, now);
  subs_.push_back(sub);
  count_connection_locked(sub->interest.user_id, +1, now);
  return sub;
}

void HubCore::count_connection_locked(std::int64_t user_id, int delta, TimePoint now) {
  int& n = connections_[user_id];
  n += delta;
  int count = std::max(n, 0);
  if (n <= 0) connections_.erase(user_id);
  if (listener_) listener_(user_id, count, now);
}

void HubCore::erase_locked(const Subscriber* sub, TimePoint now) {
  auto it = std::find_if(subs_.begin(), subs_.end(),
                         [sub](const std::shared_ptr<Subscriber>& s) { return s.get() == sub; });
  if (it == subs_.end()) return;
  std::int64_t user = (*it)->interest.user_id;
  *it = std::move(subs_.back());
  subs_.pop_back();
  count_connection_locked(user, -1, now);
}

void HubCore::remove(const std::shared_ptr<Subscriber>& sub) {
  {
    std::lock_guard lock(sub->mu);
    sub->detached = true;
  }
  std::lock_guard lock(mu_);
  erase_locked(sub.get(), clock_.now());
}

void HubCore::close_if(const std::function<bool(const Subscriber&)>& pred,
                       const std::string& reason) {
  std::lock_guard lock(mu_);
  TimePoint now = clock_.now();
  std::vector<Subscriber*> ending;
  for (const auto& s : subs_)
    if (pred(*s)) ending.push_back(s.get());
  for (Subscriber* s : ending) {
    s->end(reason);
    erase_locked(s, now);
  }
}

// ---- Subscription ----

Subscription::Subscription(std::weak_ptr<HubCore> hub, std::shared_ptr<Subscriber> state)
    : hub_(std::move(hub)), state_(std::move(state)) {}

Subscription::~Subscription() { cancel(); }

void Subscription::cancel() {
  if (cancelled_.exchange(true)) return;
  if (auto hub = hub_.lock()) {
    hub->remove(state_);
  } else {
    std::lock_guard lock(state_->mu);
    state_->detached = true;
  }
}

std::optional<Subscription::Outgoing> Subscription::pop() { return state_->pop(); }

const Interest& Subscription::interest() const { return state_->interest; }

// ---- EventHub ----

EventHub::EventHub(const Clock& clock, HubOptions options)
    : core_(std::make_shared<HubCore>(clock, options)) {}

EventHub::~EventHub() { close_all(kShuttingDown); }

std::uint64_t EventHub::publish(std::string type, nlohmann::json data, Audiences to) {
  return core_->publish(std::move(type), data, std::move(to));
}

std::shared_ptr<Subscription> EventHub::subscribe(SubscribeRequest request) {
  auto state = core_->subscribe(std::move(request));
  return std::make_shared<Subscription>(core_, std::move(state));
}

void EventHub::close_session(const std::string& session_key, const std::string& reason) {
  core_->close_if([&](const Subscriber& s) { return s.session_key == session_key; }, reason);
}

void EventHub::close_user(std::int64_t user_id, const std::string& reason) {
  core_->close_if([&](const Subscriber& s) { return s.interest.user_id == user_id; }, reason);
}

void EventHub::close_all(const std::string& reason) {
  core_->close_if([](const Subscriber&) { return true; }, reason);
}

void EventHub::set_connection_listener(ConnectionListener listener) {
  core_->set_listener(std::move(listener));
}

EventHub::Stats EventHub::stats() const { return core_->stats(); }
const std::string& EventHub::stream_id() const { return core_->stream_id(); }
std::uint64_t EventHub::last_seq() const { return core_->last_seq(); }

}  // namespace sy::events
