// Kannel sendsms over a plain HTTP/1.1 GET (see kannel_sender.h).
#include "notify/kannel_sender.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace sy::notify {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  while (true) {
    int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

SendOutcome retry(std::string detail) { return {SendOutcome::Kind::kRetry, std::move(detail)}; }

}  // namespace

std::string url_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::unique_ptr<KannelSender>> KannelSender::create(KannelOptions options) {
  const std::string& url = options.url;
  auto bad = [&] {
    return make_error(ErrorKind::kInvalidInput, "invalid_kannel_url",
                      "sms.kannel_url must be http://host:port[/path], not '" + url + "'",
                      "sms.kannel_url");
  };
  if (url.rfind("http://", 0) != 0) return bad();
  std::string rest = url.substr(7);
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (path.empty() || path == "/") path = "/cgi-bin/sendsms";
  std::size_t colon = authority.rfind(':');
  std::string host = authority.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
    return bad();
  std::unique_ptr<KannelSender> sender(new KannelSender(std::move(options)));
  sender->host_ = host;
  sender->port_ = port;
  sender->path_ = path;
  return sender;
}

SendOutcome KannelSender::send(const std::string& to, const std::string& text) {
  const auto deadline = Clock::now() + options_.timeout;
  std::string query = "username=" + url_encode(options_.username) +
                      "&password=" + url_encode(options_.password) + "&to=" + url_encode(to) +
                      "&text=" + url_encode(text) + "&charset=UTF-8&coding=2";
  if (!options_.from.empty()) query += "&from=" + url_encode(options_.from);
  std::string request = "GET " + path_ + "?" + query + " HTTP/1.1\r\nHost: " + host_ + ":" +
                        port_ + "\r\nConnection: close\r\nUser-Agent: switchyard\r\n\r\n";

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found); rc != 0)
    return retry("cannot resolve " + host_ + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> addrs(found, ::freeaddrinfo);
  Fd fd(::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return retry(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), found->ai_addr, found->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return retry(std::string("connect: ") + std::strerror(errno));
    if (!wait_for(fd.get(), POLLOUT, deadline)) return retry("connect: timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return retry(std::string("connect: ") + std::strerror(err));
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd.get(), POLLOUT, deadline)) return retry("send: timed out");
    } else {
      return retry(std::string("send: ") + std::strerror(errno));
    }
  }
  std::string response;
  char buf[4096];
  while (response.size() < 65536) {
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      response.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(fd.get(), POLLIN, deadline)) return retry("no answer from Kannel in time");
    } else {
      return retry(std::string("recv: ") + std::strerror(errno));
    }
  }
  // "HTTP/1.1 202 Accepted\r\n...\r\n\r\n0: Accepted for delivery"
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12)
    return retry("not an HTTP answer from Kannel");
  int status = std::atoi(response.c_str() + 9);
  std::size_t body_at = response.find("\r\n\r\n");
  std::string body = body_at == std::string::npos ? "" : response.substr(body_at + 4);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  std::string detail = std::to_string(status) + " " + body;
  if (status >= 200 && status < 300) return {SendOutcome::Kind::kSent, detail};
  // Kannel answers 4xx for what no retry fixes (bad credentials, bad number, empty text),
  // 503 when bearerbox or the route is down for now.
  if (status >= 400 && status < 500) return {SendOutcome::Kind::kRejected, detail};
  return retry(detail);
}

}  // namespace sy::notify
