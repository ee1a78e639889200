// One HTTP/1.1 connection: reads a request with size and time limits, hands it to the server
// core, writes the response, and loops for keep-alive. Protocol errors get the JSON error
// shape and a close. Deadlines use one lazily re-armed timer per connection so that the
// common keep-alive loop re-arms nothing.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <ctime>

#include "http/encoding.h"
#include "http/server_core.h"

namespace sy::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// The Date header, formatted once per second per thread.
std::string_view http_date_now() {
  thread_local std::time_t cached_second = 0;
  thread_local char buf[40];
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return buf;
}

bool is_safe_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Beast 1.74 uses boost::string_view; convert at the boundary.
std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Worker& worker, tcp::socket socket)
      : worker_(worker), core_(worker.core), socket_(std::move(socket)), timer_(worker.ioc) {
    ++*core_.open_connections;
    worker_.connections.insert(this);
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    socket_.set_option(tcp::no_delay(true), ec);
  }
  ~Connection() {
    worker_.connections.erase(this);
    --*core_.open_connections;
  }

  void start() { read_header(); }

  // Graceful stop: a connection waiting for a new request is closed now.
  void close_if_idle() {
    if (phase_ == Phase::kHeader && buffer_.size() == 0 && !(parser_ && parser_->got_some())) {
      close();
    }
  }

 private:
  enum class Phase { kHeader, kBody, kHandling, kWriting, kDraining, kClosed };

  void read_header() {
    if (core_.stopping) return close();
    phase_ = Phase::kHeader;
    timed_out_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header_bytes));
    body_limit_ = core_.options.max_body_bytes;
    // The header is checked against the largest limit of any route; once the route is known
    // its own limit applies (on_header).
    parser_->body_limit(std::max(core_.largest_body_bytes, core_.options.max_body_bytes));
    set_deadline(Clock::now() + core_.options.header_timeout);
    bhttp::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    request_start_ = Clock::now();
    if (parser_->is_done()) return handle();
    if (core_.routes_have_body_limits) {
      body_limit_ = route_body_limit();
      auto length = parser_->content_length();
      if (length && *length > body_limit_) return send_error(body_too_large());
      parser_->body_limit(body_limit_);  // chunked bodies are counted as they arrive
    }
    phase_ = Phase::kBody;
    set_deadline(request_start_ + core_.options.request_timeout);
    auto expect = parser_->get()[bhttp::field::expect];
    if (iequals(sv(expect), "100-continue")) {
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->on_read_error(ec);
                        self->handle();
                      });
  }

  void on_read_error(beast::error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (timed_out_) {
      bool started = buffer_.size() > 0 || (parser_ && parser_->got_some());
      if (!started) return close();
      return send_error(make_error(ErrorKind::kInvalidInput, "request_timeout",
                                   "the request was not received in time"));
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return close();  // the peer went away (or a socket error): nobody to answer
    }
    if (ec == bhttp::error::body_limit) {
      // Refused while reading the header (Content-Length past every route's limit): name the
      // limit of the route asked for.
      if (phase_ == Phase::kHeader) body_limit_ = route_body_limit();
      return send_error(body_too_large());
    }
    if (ec == bhttp::error::header_limit) {
      return send_error(make_error(ErrorKind::kInvalidInput, "request_header_fields_too_large",
                                   "the request header is too large"));
    }
    send_error(make_error(ErrorKind::kInvalidInput, "bad_request",
                          "malformed HTTP request: " + ec.message()));
  }

  // The body limit of the route the request header names: the route's own, else the server's.
  std::size_t route_body_limit() const {
    const auto& hreq = parser_->get();
    Request probe;
    if (!parse_target(sv(hreq.target()), probe)) return core_.options.max_body_bytes;
    auto m = core_.router.match(to_method(hreq.method()), probe.path);
    if (m.route && m.route->doc.max_body_bytes > 0) return m.route->doc.max_body_bytes;
    return core_.options.max_body_bytes;
  }

  Error body_too_large() const {
    std::string limit = std::to_string(body_limit_) + " bytes";
    if (body_limit_ >= (1u << 20) && body_limit_ % (1u << 20) == 0)
      limit += " (" + std::to_string(body_limit_ >> 20) + " MB)";
    return make_error(ErrorKind::kTooLarge, "payload_too_large",
                      std::string("the request body exceeds the limit of ").append(limit));
  }

  // Answers a request that could not be read and closes the connection afterwards.
  void send_error(const Error& e) {
    Request req;
    req.request_id = core_.next_request_id();
    req.remote_address = remote_;
    Response r = Response::error(e);
    unread_input_ = true;
    worker_.record(req, r.status, Clock::duration::zero());
    write(std::move(r), req, /*keep_alive=*/false, /*head=*/false, 11);
  }

  void handle() {
    phase_ = Phase::kHandling;
    auto& hreq = parser_->get();
    Request req;
    req.method = to_method(hreq.method());
    req.method_text = std::string(sv(hreq.method_string()));
    req.keep_alive = hreq.keep_alive();
    req.remote_address = remote_;
    req.headers.reserve(std::distance(hreq.begin(), hreq.end()));
    for (const auto& f : hreq) {
      req.headers.add(std::string(sv(f.name_string())), std::string(sv(f.value())));
      if (f.name() == bhttp::field::cookie) parse_cookie_header(sv(f.value()), req.cookies);
    }
    req.websocket_upgrade = boost::beast::websocket::is_upgrade(hreq);
    auto incoming_id = hreq["X-Request-Id"];
    req.request_id = is_safe_request_id(sv(incoming_id)) ? std::string(sv(incoming_id))
                                                         : core_.next_request_id();
    req.body = std::move(hreq.body());
    unsigned version = hreq.version();
    Response res;
    if (!parse_target(sv(hreq.target()), req)) {
      res = Response::error(ErrorKind::kInvalidInput, "invalid_target",
                            "the request target is malformed");
    } else {
      res = core_.handle(req);
    }
    if (res.websocket && !req.websocket_upgrade) {
      res = Response::error(ErrorKind::kInvalidInput, "upgrade_required",
                            "this endpoint speaks WebSocket: send a WebSocket upgrade request");
    }
    auto elapsed = Clock::now() - request_start_;
    worker_.record(req, res.status, elapsed);
    log_request(req, res.status, elapsed);
    if (res.websocket) return upgrade(std::move(res.websocket));
    apply_content_coding(req, res);
    bool keep_alive = req.keep_alive && !core_.stopping;
    write(std::move(res), req, keep_alive, req.method == Method::kHead, version);
  }

  // Hands the socket and the upgrade request to a WebSocket session on this thread; this
  // connection object ends when its pending timer wait returns.
  void upgrade(std::shared_ptr<WebSocketEndpoint> endpoint) {
    phase_ = Phase::kClosed;
    timer_.cancel();
    start_websocket(worker_, std::move(socket_), parser_->release(), std::move(endpoint));
  }

  // Server errors are worth a warning; everything else is a debug-level access log (spdlog
  // checks the level before formatting, so this costs nothing when it is off).
  static void log_request(const Request& req, int status, Clock::duration elapsed) {
    double ms = std::chrono::duration<double, std::milli>(elapsed).count();
    if (status >= 500) {
      spdlog::warn("http: {} {} -> {} in {:.2f} ms (request {}, from {})", req.method_text,
                   req.path, status, ms, req.request_id, req.remote_address);
    } else {
      spdlog::debug("http: {} {} -> {} in {:.2f} ms (request {})", req.method_text, req.path,
                    status, ms, req.request_id);
    }
  }

  // Serializes the header into a reused buffer and writes header and body in one gather
  // write: cheaper than building a beast::http::response field by field.
  void write(Response res, const Request& req, bool keep_alive, bool head, unsigned version) {
    phase_ = Phase::kWriting;
    std::string& h = header_buf_;
    h.clear();
    h += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    h += std::to_string(res.status);
    h += ' ';
    h += sv(bhttp::obsolete_reason(static_cast<bhttp::status>(res.status)));
    append_field(h, "Date", http_date_now());
    if (!res.content_type.empty()) append_field(h, "Content-Type", res.content_type);
    bool has_cache_control = false;
    for (const auto& [name, value] : res.headers) {
      // A CR or LF would let a header value start a new header (response splitting).
      if (name.find_first_of("\r\n:") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        continue;
      }
      has_cache_control |= iequals(name, "Cache-Control");
      append_field(h, name, value);
    }
    if (!has_cache_control) append_field(h, "Cache-Control", "no-store");
    append_field(h, "X-Content-Type-Options", "nosniff");
    append_field(h, "X-Frame-Options", "DENY");
    append_field(h, "Referrer-Policy", "same-origin");
    if (!req.request_id.empty()) append_field(h, "X-Request-Id", req.request_id);
    if (!keep_alive) {
      append_field(h, "Connection", "close");
    } else if (version == 10) {
      append_field(h, "Connection", "keep-alive");
    }
    close_after_write_ = !keep_alive;
    bool bodiless = res.status == 204 || res.status == 304 || res.status < 200;
    if (!bodiless) append_field(h, "Content-Length", std::to_string(res.payload().size()));
    h += "\r\n\r\n";
    body_buf_.clear();
    shared_body_.reset();
    if (!head && !bodiless) {
      if (res.shared_body) {
        shared_body_ = std::move(res.shared_body);  // kept alive until the write completes
      } else {
        body_buf_ = std::move(res.body);
      }
    }
    set_deadline(Clock::now() + core_.options.request_timeout);
    const std::string& out = shared_body_ ? *shared_body_ : body_buf_;
    std::array<asio::const_buffer, 2> buffers{asio::buffer(header_buf_), asio::buffer(out)};
    asio::async_write(
        socket_, buffers,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  static void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }

  void on_write(beast::error_code ec) {
    if (ec) return close();
    if (close_after_write_) return unread_input_ ? linger_close() : close();
    read_header();
  }

  // Half-closes and reads what the client still sends for a moment, so that unread request
  // bytes do not make the kernel reset the connection before the client has read our answer.
  void linger_close() {
    phase_ = Phase::kDraining;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    set_deadline(Clock::now() + std::chrono::seconds(1));
    drain();
  }

  void drain() {
    socket_.async_read_some(asio::buffer(drain_buf_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
  }

  // One timer; moving the deadline later only updates deadline_, and the timer re-arms itself
  // when it fires early.
  void set_deadline(Clock::time_point deadline) {
    deadline_ = deadline;
    if (timer_armed_ && timer_.expiry() <= deadline) return;
    arm_timer(deadline);
  }

  void arm_timer(Clock::time_point at) {
    timer_armed_ = true;
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // cancelled or re-armed: the newer wait is in charge
      self->on_timer();
    });
  }

  void on_timer() {
    timer_armed_ = false;
    if (phase_ == Phase::kClosed || phase_ == Phase::kHandling) return;
    if (Clock::now() < deadline_) return arm_timer(deadline_);
    if (phase_ == Phase::kHeader || phase_ == Phase::kBody) {
      timed_out_ = true;
      beast::error_code ec;
      socket_.cancel(ec);  // the read completes with operation_aborted and answers 408
      return;
    }
    close();  // writing to or draining a peer that does not read
  }

  Worker& worker_;
  ServerCore& core_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string header_buf_;  // reused across the connection's responses
  std::string body_buf_;
  std::shared_ptr<const std::string> shared_body_;  // a static file's cached bytes
  std::string remote_;
  Phase phase_ = Phase::kHeader;
  Clock::time_point request_start_{};
  Clock::time_point deadline_{};
  bool timer_armed_ = false;
  bool timed_out_ = false;
  bool close_after_write_ = false;
  bool unread_input_ = false;  // an error answered before the whole request was read
  std::size_t body_limit_ = 0;  // of the request being read
  std::array<char, 4096> drain_buf_{};
};

void start_connection(Worker& worker, tcp::socket socket) {
  std::make_shared<Connection>(worker, std::move(socket))->start();
}

void close_idle_connections(Worker& worker) {
  // Copy: closing may destroy connections, which erase themselves from the set.
  std::vector<std::shared_ptr<Connection>> conns;
  for (Connection* c : worker.connections) {
    if (auto p = c->weak_from_this().lock()) conns.push_back(std::move(p));
  }
  for (auto& c : conns) c->close_if_idle();
}

void reject_connection(tcp::socket socket) {
  static const std::string kBusy = [] {
    std::string body =
        R"({"error":{"code":"service_unavailable","message":"too many connections, retry later"}})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
           "Retry-After: " +
           std::to_string(kRetryAfterSeconds) +
           "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body;
  }();
  auto sock = std::make_shared<tcp::socket>(std::move(socket));
  asio::async_write(*sock, asio::buffer(kBusy.data(), kBusy.size()),
                    [sock](beast::error_code, std::size_t) {
                      beast::error_code ec;
                      sock->shutdown(tcp::socket::shutdown_both, ec);
                      sock->close(ec);
                    });
}

}  // namespace sy::http::internal
