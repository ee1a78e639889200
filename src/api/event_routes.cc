// GET /api/v1/events: the live event stream as a WebSocket, signed in by the session cookie like
// every API call. Each connection subscribes to the hub with its user's interest; `?since=SEQ`
// (and `stream=ID` from the last hello) resumes after a disconnect, as does a
// {"type":"resume","since":SEQ,"stream":ID} message sent on an open connection.
#include <charconv>
#include <deque>

#include "api/routes.h"
#include "api/session.h"
#include "events/hub.h"
#include "http/websocket.h"
#include "store/region_scope.h"

namespace sy::api {
namespace {

// WebSocket close codes (4000–4999 are the application's).
constexpr std::uint16_t kCloseSignedOut = 4001;
constexpr std::uint16_t kCloseAccountChanged = 4003;
constexpr std::uint16_t kCloseSlowConsumer = 4008;
constexpr std::uint16_t kCloseGoingAway = 1001;

std::uint16_t close_code_for(const std::string& reason) {
  if (reason == events::kSlowConsumer) return kCloseSlowConsumer;
  if (reason == events::kSignedOut) return kCloseSignedOut;
  if (reason == events::kAccountChanged) return kCloseAccountChanged;
  return kCloseGoingAway;
}

std::optional<std::uint64_t> parse_seq(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

class EventsEndpoint final : public http::WebSocketEndpoint {
 public:
  EventsEndpoint(events::EventHub& hub, const Clock& clock,
                 events::EventHub::SubscribeRequest request)
      : hub_(hub), clock_(clock), request_(std::move(request)) {}

  void on_open(std::shared_ptr<http::WebSocketWaker> waker) override {
    waker_ = std::move(waker);
    subscribe(request_.since, request_.stream);
  }

  std::optional<http::WebSocketOutgoing> next() override {
    if (!replies_.empty()) {
      http::WebSocketOutgoing out;
      out.text = std::move(replies_.front());
      replies_.pop_front();
      return out;
    }
    if (!subscription_) return std::nullopt;
    auto m = subscription_->pop();
    if (!m) return std::nullopt;
    http::WebSocketOutgoing out;
    if (m->text) {
      out.text = std::move(m->text);
      return out;
    }
    out.close_code = close_code_for(m->close_reason);
    out.close_reason = m->close_reason;
    return out;
  }

  void on_text(std::string_view text) override {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    std::string type = j.is_object() && j.contains("type") && j["type"].is_string()
                           ? j["type"].get<std::string>()
                           : std::string();
    if (type == "ping") return reply("pong", nlohmann::json::object());
    if (type == "resume") {
      std::optional<std::uint64_t> since;
      if (j.contains("since") && j["since"].is_number_unsigned()) since = j["since"].get<std::uint64_t>();
      std::optional<std::string> stream;
      if (j.contains("stream") && j["stream"].is_string()) stream = j["stream"].get<std::string>();
      if (!since)
        return reply_error("invalid_message", "resume needs \"since\": a sequence number", "since");
      subscribe(since, stream);
      return;
    }
    reply_error("invalid_message",
                "expected {\"type\":\"ping\"} or {\"type\":\"resume\",\"since\":SEQ}", "type");
  }

  void on_closed() override {
    if (subscription_) subscription_->cancel();
    subscription_.reset();
    waker_.reset();
  }

 private:
  void subscribe(std::optional<std::uint64_t> since, std::optional<std::string> stream) {
    if (subscription_) subscription_->cancel();
    events::EventHub::SubscribeRequest r;
    r.interest = request_.interest;
    r.session_key = request_.session_key;
    r.since = since;
    r.stream = std::move(stream);
    r.wake = [w = std::weak_ptr<http::WebSocketWaker>(waker_)] {
      if (auto waker = w.lock()) waker->wake();
    };
    r.ended = [w = std::weak_ptr<http::WebSocketWaker>(waker_)] {
      if (auto waker = w.lock()) waker->abandon();
    };
    subscription_ = hub_.subscribe(std::move(r));
  }

  void reply(const char* type, const nlohmann::json& data) {
    replies_.push_back(std::make_shared<const std::string>(
        events::event_text(type, clock_.now(), hub_.last_seq(), data)));
  }
  void reply_error(const std::string& code, const std::string& message, const std::string& field) {
    reply("error", http::error_body(make_error(ErrorKind::kInvalidInput, code, message, field)));
  }

  events::EventHub& hub_;
  const Clock& clock_;
  events::EventHub::SubscribeRequest request_;
  std::shared_ptr<http::WebSocketWaker> waker_;
  std::shared_ptr<events::Subscription> subscription_;
  std::deque<std::shared_ptr<const std::string>> replies_;  // answers to the client's messages
};

http::Response open_events(Context& ctx, http::Request& req) {
  if (Status st = only_known_params(req, {"since", "stream"}); !st)
    return http::Response::error(st.error());
  events::EventHub::SubscribeRequest r;
  if (auto since = req.query_param("since")) {
    r.since = parse_seq(*since);
    if (!r.since)
      return http::Response::error(ErrorKind::kInvalidInput, "invalid_since",
                                   "since must be a sequence number (a non-negative integer)",
                                   "since");
  }
  r.stream = req.query_param("stream");
  if (auto bad = http::check_websocket_request(req)) return *bad;
  const SignedIn& s = signed_in(req);
  std::string prefix = s.user.region_code ? store::scope_prefix(*s.user.region_code) : "";
  r.interest = events::interest_for(s.user.id, s.user.role, prefix);
  if (ctx.supervised_queues && !r.interest.queues) r.interest.queues = ctx.supervised_queues(s.user);
  r.session_key = s.token_hash;
  return http::Response::accept_websocket(std::make_shared<EventsEndpoint>(ctx.events, ctx.clock, std::move(r)));
}

}  // namespace

void add_event_routes(http::Router& router, Context& ctx) {
  http::RouteDoc doc = route_doc("events", "Live events (WebSocket)", auth::Permission::kEventsRead);
  doc.description =
      "Upgrade to a WebSocket (RFC 6455) with the session cookie; pages of another origin are "
      "refused (403 origin_not_allowed), a plain HTTP request gets 426 upgrade_required. The "
      "server sends JSON text messages {\"type\",\"at\" (RFC 3339 UTC),\"seq\",\"data\"}: "
      "call.offered, call.answered, call.ended, call.updated ({call_id, agent_id, state: "
      "talking|held|consulting|conference (ended: the call a consultation handed over is over), "
      "consult_target: the consulted extension or \"\", "
      "consult_answered, muted} when hold, mute, a consultation or a conference changes the "
      "call), agent.state, queue.stats, work_order.assigned, "
      "work_order.overdue, user.changed, … An agent receives their own events; a supervisor "
      "those of the queues and regions they supervise; everyone what is addressed to them. "
      "The first message is {\"type\":\"hello\",\"data\":{\"stream\",\"user_id\",\"replayed\"}}; "
      "its seq is the last event published so far. To resume after a disconnect, reconnect "
      "with ?since=<last seq seen>&stream=<hello's stream> (or send "
      "{\"type\":\"resume\",\"since\":N,\"stream\":S}): the events missed are sent first, "
      "then hello. When they are no longer held the server sends "
      "{\"type\":\"resync_required\"} instead: reload state through the REST API and carry on. "
      "The client may send {\"type\":\"ping\"} (answer: pong); the server pings at the "
      "WebSocket level and drops peers that stop answering. A client that cannot keep up is "
      "closed with code 4008 reason slow_consumer; sign-out (or the account disabled) closes with "
      "4001 signed_out; a change of role or region with 4003 account_changed (reconnect); "
      "server shutdown with 1001.";
  doc.parameters = {
      {"since", "query", "resume after this sequence number", false,
       {{"type", "integer"}, {"minimum", 0}}},
      {"stream", "query", "the stream id of the hello the client last saw", false,
       {{"type", "string"}}},
      {"Upgrade", "header", "websocket", true, {{"type", "string"}, {"enum", {"websocket"}}}},
  };
  doc.responses = {{101, "switching to the WebSocket event stream", nullptr},
                   {426, "not a WebSocket upgrade request (error shape)", nullptr},
                   {400, "bad since (error shape)", nullptr}};
  router.get("/api/v1/events", [&ctx](http::Request& req) { return open_events(ctx, req); },
             std::move(doc));
}

}  // namespace sy::api
