// A WebSocket client for tests (Boost.Beast): connects to 127.0.0.1 with a session cookie (and
// optionally an Origin), reads JSON messages with a time limit, and reports how the connection
// ended (close code and reason) or, when the upgrade was refused, the HTTP answer.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sy::test {

class WsClient {
 public:
  struct Options {
    std::string cookie;  // "sy_session=…"
    std::string origin;  // sent when not empty
    std::string host;    // Host header; "127.0.0.1:<port>" when empty
  };

  WsClient() : ws_(ioc_) {}

  // True when the server accepted the upgrade; otherwise refused_status/refused_body tell why.
  bool connect(std::uint16_t port, const std::string& target, const Options& o) {
    namespace beast = boost::beast;
    namespace websocket = boost::beast::websocket;
    using tcp = boost::asio::ip::tcp;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).connect(
        tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) return false;
    ws_.set_option(websocket::stream_base::decorator([o](websocket::request_type& r) {
      if (!o.cookie.empty()) r.set(boost::beast::http::field::cookie, o.cookie);
      if (!o.origin.empty()) r.set(boost::beast::http::field::origin, o.origin);
    }));
    websocket::response_type res;
    std::string host = o.host.empty() ? "127.0.0.1:" + std::to_string(port) : o.host;
    // The asynchronous handshake also fills `res` when the upgrade is declined (Boost 1.74).
    bool done = false;
    ws_.async_handshake(res, host, target, [&](beast::error_code hec) {
      ec = hec;
      done = true;
    });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(10));
    if (!done) {  // cut the connection and let the handshake finish while its state lives
      beast::get_lowest_layer(ws_).socket().close(ec);
      while (!done) ioc_.run_one();
      ec = boost::asio::error::timed_out;
    }
    if (ec) {
      error = ec.message();
      refused_status = static_cast<int>(res.result_int());
      refused_body = res.body();
      return false;
    }
    return true;
  }

  // The next message, or nullopt when none came within `timeout` or the connection ended
  // (see closed, close_code, close_reason).
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (closed) return std::nullopt;
    if (!reading_) {
      reading_ = true;
      done_ = false;
      ws_.async_read(buf_, [this](boost::beast::error_code ec, std::size_t) {
        reading_ = false;
        done_ = true;
        ec_ = ec;
      });
    }
    ioc_.restart();
    ioc_.run_for(timeout);
    if (!done_) return std::nullopt;
    done_ = false;
    if (ec_) {
      closed = true;
      close_code = ws_.reason().code;
      close_reason = std::string(ws_.reason().reason.c_str());
      return std::nullopt;
    }
    auto j = nlohmann::json::parse(boost::beast::buffers_to_string(buf_.data()), nullptr, false);
    buf_.consume(buf_.size());
    return j;
  }

  // Reads until a message of `type` arrives (skipping others), or nullopt.
  std::optional<nlohmann::json> next_of_type(const std::string& type,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = next(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!m) return std::nullopt;
      if ((*m)["type"] == type) return m;
    }
    return std::nullopt;
  }

  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }

  // A normal close handshake.
  void close() {
    bool done = false;
    ws_.async_close(boost::beast::websocket::close_code::normal,
                    [&done](boost::beast::error_code) { done = true; });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(2));
    closed = true;
  }
  // The network goes away: the socket closes without a close handshake.
  void drop() {
    boost::beast::error_code ec;
    boost::beast::get_lowest_layer(ws_).socket().close(ec);
    closed = true;
  }

  int refused_status = 0;
  std::string error;  // why connect failed
  std::string refused_body;
  bool closed = false;
  int close_code = 0;
  std::string close_reason;

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buf_;
  bool reading_ = false;
  bool done_ = false;
  boost::beast::error_code ec_;
};

}  // namespace sy::test
