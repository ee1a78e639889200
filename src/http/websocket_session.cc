// One WebSocket connection: the handshake on an already-read upgrade request, a read loop that
// hands text messages to the endpoint, and a writer that pulls the endpoint's messages one at a
// time when woken. Keep-alive pings and the idle limit are Beast's; a write stuck longer than
// the write timeout (a peer that stopped reading) closes the connection.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <mutex>

#include "http/server_core.h"

namespace sy::http {

namespace {

std::string_view header_or_empty(const Request& req, std::string_view name) {
  auto v = req.header(name);
  return v ? *v : std::string_view();
}

}  // namespace

bool same_origin(const Request& req) {
  auto origin = req.header("Origin");
  if (!origin) return true;  // not a browser page: nothing to check
  std::string_view o = *origin;
  std::size_t scheme_end = o.find("://");
  if (scheme_end == std::string_view::npos) return false;  // "null" and the like
  std::string_view authority = o.substr(scheme_end + 3);
  if (authority.empty() || authority.find('/') != std::string_view::npos) return false;
  std::string_view host = header_or_empty(req, "Host");
  return !host.empty() && iequals(authority, host);
}

std::optional<Response> check_websocket_request(const Request& req) {
  if (!req.websocket_upgrade)
    return Response::error(ErrorKind::kInvalidInput, "upgrade_required",
                           "this endpoint speaks WebSocket: send a WebSocket upgrade request")
        .with_header("Upgrade", "websocket");
  if (!same_origin(req))
    return Response::error(ErrorKind::kForbidden, "origin_not_allowed",
                           "WebSocket connections are accepted only from this server's own pages");
  return std::nullopt;
}

namespace internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

class WebSocketSession;

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::seconds kAbandonGrace{1};

class SessionWaker final : public WebSocketWaker {
 public:
  SessionWaker(asio::io_context& ioc, std::weak_ptr<WebSocketSession> session)
      : ioc_(&ioc), session_(std::move(session)) {}
  void wake() override;
  void abandon() override;
  void woken() { pending_.store(false); }
  void detach() {
    std::lock_guard lock(mu_);
    ioc_ = nullptr;
  }

 private:
  std::mutex mu_;
  asio::io_context* ioc_;
  std::weak_ptr<WebSocketSession> session_;
  std::atomic<bool> pending_{false};
};

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(Worker& worker, tcp::socket socket, std::shared_ptr<WebSocketEndpoint> endpoint)
      : worker_(worker),
        ws_(std::move(socket)),
        write_timer_(worker.ioc),
        endpoint_(std::move(endpoint)) {
    ++*worker_.core.open_connections;
    worker_.websockets.insert(this);
  }
  ~WebSocketSession() {
    if (opened_ && !finished_) endpoint_->on_closed();
    worker_.websockets.erase(this);
    --*worker_.core.open_connections;
  }

  void start(bhttp::request<bhttp::string_body> request) {
    const ServerOptions& o = worker_.core.options;
    websocket::stream_base::timeout t;
    t.handshake_timeout = o.header_timeout;
    t.idle_timeout = o.websocket_idle_timeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "Switchyard"); }));
    ws_.read_message_max(o.websocket_max_message_bytes);
    upgrade_request_ = std::move(request);
    ws_.async_accept(upgrade_request_, [self = shared_from_this()](beast::error_code ec) {
      self->on_accept(ec);
    });
  }

  void on_wake() {
    waker_->woken();
    pump();
  }

  void on_abandon() {
    if (finished_) return;
    if (writing_) {
      set_write_deadline(std::min(write_deadline_, SteadyClock::now() + kAbandonGrace));
      return;
    }
    pump();
  }

  // Server stop: close with 1001 once the message being written (if any) is out.
  void going_away() {
    if (finished_) return;
    close_requested_ = websocket::close_reason(websocket::close_code::going_away, "server stopping");
    if (!opened_) return hard_close();
    pump();
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      spdlog::debug("http: websocket handshake failed: {}", ec.message());
      return hard_close();
    }
    opened_ = true;
    waker_ = std::make_shared<SessionWaker>(worker_.ioc, weak_from_this());
    endpoint_->on_open(waker_);
    read();
    pump();
  }

  void read() {
    ws_.async_read(read_buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();  // closed by the peer, idle timeout, or an error
    if (finished_) return;
    if (ws_.got_text()) {
      std::string text = beast::buffers_to_string(read_buf_.data());
      endpoint_->on_text(text);
    }
    read_buf_.consume(read_buf_.size());
    read();
    pump();  // on_text may have queued a reply
  }

  void pump() {
    if (writing_ || closing_ || finished_ || !opened_) return;
    if (close_requested_) return close(*close_requested_);
    std::optional<WebSocketOutgoing> m = endpoint_->next();
    if (!m) return;
    if (!m->text) {
      websocket::close_reason reason(m->close_code);
      std::string_view text = m->close_reason;
      reason.reason.assign(text.data(), std::min(text.size(), reason.reason.max_size()));
      return close(reason);
    }
    writing_ = true;
    current_ = std::move(m->text);
    ws_.text(true);
    set_write_deadline(SteadyClock::now() + worker_.core.options.websocket_write_timeout);
    ws_.async_write(asio::buffer(*current_),
                    [self = shared_from_this()](beast::error_code wec, std::size_t) {
                      self->writing_ = false;
                      self->current_.reset();
                      self->write_deadline_ = SteadyClock::time_point::max();
                      if (wec) return self->finish();
                      self->pump();
                    });
  }

  // A write or close handshake still going at the deadline means the peer stopped reading.
  // One lazily re-armed timer: moving the deadline later (every message) re-arms nothing; the
  // timer notices when it fires early.
  void set_write_deadline(SteadyClock::time_point deadline) {
    write_deadline_ = deadline;
    if (timer_armed_ && write_timer_.expiry() <= deadline) return;
    arm_write_timer(deadline);
  }

  void arm_write_timer(SteadyClock::time_point at) {
    timer_armed_ = true;
    write_timer_.expires_at(at);
    write_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;  // re-armed or cancelled: the newer wait is in charge
      if (auto self = weak.lock()) self->on_write_timer();
    });
  }

  void on_write_timer() {
    timer_armed_ = false;
    if (finished_ || write_deadline_ == SteadyClock::time_point::max()) return;
    if (SteadyClock::now() < write_deadline_) return arm_write_timer(write_deadline_);
    spdlog::debug("http: websocket write timed out: the peer is not reading");
    hard_close();
  }

  void close(websocket::close_reason reason) {
    closing_ = true;
    set_write_deadline(SteadyClock::now() + worker_.core.options.websocket_write_timeout);
    ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {
      self->write_deadline_ = SteadyClock::time_point::max();
      self->write_timer_.cancel();
      self->finish();
    });
  }

  // Tells the endpoint once; the socket is closed by Beast (after a close handshake) or here.
  void finish() {
    if (!finished_) {
      finished_ = true;
      if (waker_) waker_->detach();
      if (opened_) endpoint_->on_closed();
    }
    if (!closing_) {
      beast::error_code ec;
      beast::get_lowest_layer(ws_).close(ec);
    }
  }

  void hard_close() {
    closing_ = false;
    finish();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).close(ec);
  }

  Worker& worker_;
  websocket::stream<tcp::socket> ws_;
  asio::steady_timer write_timer_;
  SteadyClock::time_point write_deadline_ = SteadyClock::time_point::max();
  bool timer_armed_ = false;
  std::shared_ptr<WebSocketEndpoint> endpoint_;
  std::shared_ptr<SessionWaker> waker_;
  bhttp::request<bhttp::string_body> upgrade_request_;
  beast::flat_buffer read_buf_;
  std::shared_ptr<const std::string> current_;
  std::optional<websocket::close_reason> close_requested_;
  bool opened_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

void SessionWaker::wake() {
  if (pending_.exchange(true)) return;
  std::lock_guard lock(mu_);
  if (!ioc_) return;
  asio::post(*ioc_, [weak = session_] {
    if (auto s = weak.lock()) s->on_wake();
  });
}

void SessionWaker::abandon() {
  std::lock_guard lock(mu_);
  if (!ioc_) return;
  asio::post(*ioc_, [weak = session_] {
    if (auto s = weak.lock()) s->on_abandon();
  });
}

void start_websocket(Worker& worker, tcp::socket socket,
                     bhttp::request<bhttp::string_body> request,
                     std::shared_ptr<WebSocketEndpoint> endpoint) {
  std::make_shared<WebSocketSession>(worker, std::move(socket), std::move(endpoint))
      ->start(std::move(request));
}

void close_websockets(Worker& worker) {
  std::vector<std::shared_ptr<WebSocketSession>> sessions;
  for (WebSocketSession* s : worker.websockets) {
    if (auto p = s->weak_from_this().lock()) sessions.push_back(std::move(p));
  }
  for (auto& s : sessions) s->going_away();
}

}  // namespace internal
}  // namespace sy::http
