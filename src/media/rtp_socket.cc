// UDP port-pair allocation and non-blocking datagram I/O with POSIX sockets.
#include "media/rtp_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sy::media {
namespace {

Error sys_error(const char* code, const std::string& what) {
  return make_error(ErrorKind::kInternal, code, what + ": " + std::strerror(errno));
}

// Binds a non-blocking UDP socket; returns -1 with errno set on failure.
int bind_udp(const in_addr& ip, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr = ip;
  addr.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

Result<sockaddr_in> to_sockaddr(const UdpAddress& a) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(a.port);
  if (a.port == 0 || ::inet_pton(AF_INET, a.ip.c_str(), &addr.sin_addr) != 1) {
    return make_error(ErrorKind::kInvalidInput, "rtp_bad_address", a.ip + " is not IPv4:port");
  }
  return addr;
}

UdpAddress from_sockaddr(const sockaddr_in& addr) {
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &addr.sin_addr, buf, sizeof buf);
  return {buf, ntohs(addr.sin_port)};
}

Result<std::optional<Datagram>> receive_on(int fd, std::span<uint8_t> buffer, sockaddr_in* src) {
  socklen_t len = sizeof *src;
  const ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(src), &len);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<Datagram>{};
    return sys_error("rtp_receive_failed", "recvfrom");
  }
  if (static_cast<size_t>(n) > buffer.size()) {
    return make_error(ErrorKind::kTooLarge, "rtp_datagram_truncated", "datagram exceeds buffer");
  }
  return std::optional<Datagram>{Datagram{static_cast<size_t>(n), from_sockaddr(*src)}};
}

Status send_on(int fd, const sockaddr_in& to, std::span<const uint8_t> packet) {
  const ssize_t n = ::sendto(fd, packet.data(), packet.size(), 0,
                             reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (n < 0) {
    // A full socket buffer drops this packet, as the network would; it is not a call failure.
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ok_status();
    return sys_error("rtp_send_failed", "sendto");
  }
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<RtpSocket>> RtpSocket::open(const std::string& bind_ip, PortRange range,
                                                   uint16_t start_hint) {
  in_addr ip{};
  if (::inet_pton(AF_INET, bind_ip.c_str(), &ip) != 1) {
    return make_error(ErrorKind::kInvalidInput, "rtp_bad_address", bind_ip + " is not IPv4");
  }
  const uint32_t first = (range.first + 1u) & ~1u;  // even
  if (range.last < first + 1) {
    return make_error(ErrorKind::kInvalidInput, "rtp_bad_range", "port range holds no pair");
  }
  const uint32_t pairs = (range.last - first + 1) / 2;
  const uint32_t start =
      start_hint >= first && start_hint <= range.last ? (start_hint - first) / 2 : 0;
  for (uint32_t i = 0; i < pairs; ++i) {
    const auto port = static_cast<uint16_t>(first + 2 * ((start + i) % pairs));
    const int rtp = bind_udp(ip, port);
    if (rtp < 0) continue;  // busy (EADDRINUSE) or refused: try the next pair
    const int rtcp = bind_udp(ip, static_cast<uint16_t>(port + 1));
    if (rtcp < 0) {
      ::close(rtp);
      continue;
    }
    std::unique_ptr<RtpSocket> s(new RtpSocket());
    s->rtp_fd_ = rtp;
    s->rtcp_fd_ = rtcp;
    s->rtp_port_ = port;
    return s;
  }
  return make_error(ErrorKind::kUnavailable, "rtp_no_free_port", "no free RTP port pair");
}

RtpSocket::~RtpSocket() {
  if (rtp_fd_ >= 0) ::close(rtp_fd_);
  if (rtcp_fd_ >= 0) ::close(rtcp_fd_);
}

Status RtpSocket::set_remote(const UdpAddress& rtp) {
  auto addr = to_sockaddr(rtp);
  if (!addr) return addr.error();
  remote_rtp_ = *addr;
  have_remote_ = true;
  learned_ = false;
  if (!have_remote_rtcp_) {
    remote_rtcp_ = *addr;
    remote_rtcp_.sin_port = htons(static_cast<uint16_t>(rtp.port + 1));
  }
  return ok_status();
}

Status RtpSocket::set_remote_rtcp(const UdpAddress& rtcp) {
  auto addr = to_sockaddr(rtcp);
  if (!addr) return addr.error();
  remote_rtcp_ = *addr;
  have_remote_rtcp_ = true;
  return ok_status();
}

std::optional<UdpAddress> RtpSocket::remote() const {
  if (!have_remote_) return std::nullopt;
  return from_sockaddr(remote_rtp_);
}

Status RtpSocket::send_rtp(std::span<const uint8_t> packet) {
  if (!have_remote_) return make_error(ErrorKind::kConflict, "rtp_no_remote", "no remote yet");
  return send_on(rtp_fd_, remote_rtp_, packet);
}

Status RtpSocket::send_rtcp(std::span<const uint8_t> packet) {
  if (!have_remote_) return make_error(ErrorKind::kConflict, "rtp_no_remote", "no remote yet");
  return send_on(rtcp_fd_, remote_rtcp_, packet);
}

Result<std::optional<Datagram>> RtpSocket::receive_rtp(std::span<uint8_t> buffer) {
  for (;;) {
    sockaddr_in src{};
    auto got = receive_on(rtp_fd_, buffer, &src);
    if (!got.ok() || !got->has_value()) return got;
    if (symmetric_ && !learned_) {
      learned_ = true;
      remote_rtp_ = src;
      have_remote_ = true;
      if (!have_remote_rtcp_) {
        remote_rtcp_ = src;
        remote_rtcp_.sin_port = htons(static_cast<uint16_t>(ntohs(src.sin_port) + 1));
      }
    }
    const bool foreign = have_remote_ && (src.sin_addr.s_addr != remote_rtp_.sin_addr.s_addr ||
                                          src.sin_port != remote_rtp_.sin_port);
    // In symmetric mode the SDP address is only a hint until the first packet is learned.
    if (strict_source_ && foreign && (!symmetric_ || learned_)) {
      ++foreign_dropped_;
      continue;  // read on: the next datagram may be the real one
    }
    return got;
  }
}

Result<std::optional<Datagram>> RtpSocket::receive_rtcp(std::span<uint8_t> buffer) {
  sockaddr_in src{};
  return receive_on(rtcp_fd_, buffer, &src);
}

bool RtpSocket::wait_readable(int timeout_ms, bool include_rtcp) const {
  pollfd fds[2] = {{rtp_fd_, POLLIN, 0}, {rtcp_fd_, POLLIN, 0}};
  return ::poll(fds, include_rtcp ? 2 : 1, timeout_ms) > 0;
}

}  // namespace sy::media
