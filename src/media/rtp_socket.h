// The media path's only I/O: a UDP RTP/RTCP port pair (even RTP, odd RTCP) bound from a
// configured range, with non-blocking send/receive. The fds are exposed so the SIP adapter can
// watch them from its own event loop (su_root, Asio or poll); wait_readable() is a plain poll()
// for tests and simple loops. Symmetric RTP: optionally learn the remote address from the first
// packet received (callers behind NAT).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.h"

namespace sy::media {

struct PortRange {
  uint16_t first = 20000;
  uint16_t last = 29999;
};

struct UdpAddress {
  std::string ip;  // dotted IPv4
  uint16_t port = 0;
  bool operator==(const UdpAddress&) const = default;
};

struct Datagram {
  size_t size = 0;
  UdpAddress from;
};

class RtpSocket {
 public:
  // Binds the first free even/odd pair in `range` on `bind_ip`, starting the search at
  // `start_hint` (rounded to even; lets a caller spread allocations). Busy ports are skipped;
  // error "rtp_no_free_port" when the whole range is taken.
  static Result<std::unique_ptr<RtpSocket>> open(const std::string& bind_ip, PortRange range,
                                                 uint16_t start_hint = 0);
  ~RtpSocket();
  RtpSocket(const RtpSocket&) = delete;
  RtpSocket& operator=(const RtpSocket&) = delete;

  uint16_t rtp_port() const { return rtp_port_; }
  uint16_t rtcp_port() const { return static_cast<uint16_t>(rtp_port_ + 1); }
  int rtp_fd() const { return rtp_fd_; }
  int rtcp_fd() const { return rtcp_fd_; }

  // Remote RTP address from SDP; RTCP goes to port + 1 unless set_remote_rtcp() says otherwise.
  Status set_remote(const UdpAddress& rtp);
  Status set_remote_rtcp(const UdpAddress& rtcp);
  // With symmetric RTP on, the first received RTP packet re-targets sending to its source.
  void set_symmetric(bool on) { symmetric_ = on; }
  // With strict source on, once the remote is known (from SDP or learned), RTP from any other
  // address is dropped (counted in foreign_dropped()) so a third party cannot inject audio.
  void set_strict_source(bool on) { strict_source_ = on; }
  uint64_t foreign_dropped() const { return foreign_dropped_; }
  std::optional<UdpAddress> remote() const;

  Status send_rtp(std::span<const uint8_t> packet);
  Status send_rtcp(std::span<const uint8_t> packet);
  // Non-blocking: nullopt when nothing is waiting.
  Result<std::optional<Datagram>> receive_rtp(std::span<uint8_t> buffer);
  Result<std::optional<Datagram>> receive_rtcp(std::span<uint8_t> buffer);

  // poll() on the RTP fd (and RTCP fd); true when something is readable before the timeout.
  bool wait_readable(int timeout_ms, bool include_rtcp = false) const;

 private:
  RtpSocket() = default;
  int rtp_fd_ = -1;
  int rtcp_fd_ = -1;
  uint16_t rtp_port_ = 0;
  bool symmetric_ = false;
  bool strict_source_ = false;
  uint64_t foreign_dropped_ = 0;
  bool learned_ = false;
  bool have_remote_ = false;
  bool have_remote_rtcp_ = false;
  sockaddr_in remote_rtp_{};
  sockaddr_in remote_rtcp_{};
};

}  // namespace sy::media
