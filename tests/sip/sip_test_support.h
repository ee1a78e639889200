// Shared by the SIP adapter tests: free ports on 127.0.0.1, a handler that records events,
// and running SIPp scenarios against the adapter.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "sip/sip_adapter.h"

namespace sy::sip::testing {

// A port free for both UDP and TCP on 127.0.0.1 (SIP listens on both); with `count` > 1, the
// ports after it are free too (a phone that also listens for TLS on the next port).
inline uint16_t free_sip_port(int count = 1) {
  auto bound = [](int type, uint16_t port) {  // -1, or a socket bound to the port
    int fd = socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  };
  for (int attempt = 0; attempt < 50; ++attempt) {
    int u = bound(SOCK_DGRAM, 0);
    sockaddr_in a{};
    socklen_t len = sizeof a;
    getsockname(u, reinterpret_cast<sockaddr*>(&a), &len);
    const uint16_t port = ntohs(a.sin_port);
    std::vector<int> fds = {u};
    bool ok = u >= 0 && port >= 1024 && port + count <= 40000;
    for (int i = 0; i < count && ok; ++i) {
      const uint16_t p = static_cast<uint16_t>(port + i);
      if (i > 0) fds.push_back(bound(SOCK_DGRAM, p));
      fds.push_back(bound(SOCK_STREAM, p));
      ok = fds[fds.size() - 1] >= 0 && fds[fds.size() - 2] >= 0;
    }
    for (int fd : fds)
      if (fd >= 0) close(fd);
    if (ok) return port;
  }
  return 0;
}

class RecordingHandler final : public CallHandler {
 public:
  std::atomic<SipAdapter*> adapter{nullptr};
  std::atomic<bool> auto_answer{true};
  std::string service = "95598";

  void on_incoming_call(const IncomingCall& call) override {
    {
      std::lock_guard lock(mu_);
      incoming_.push_back(call);
    }
    if (SipAdapter* a = adapter.load()) {
      if (call.called != service) a->reject(call.id, 404);
      else if (auto_answer.load()) a->answer(call.id, LocalMedia{"127.0.0.1", 40000, 0, 0});
      else a->ring(call.id);
    }
    cv_.notify_all();
  }
  void on_call_established(CallId) override {
    std::lock_guard lock(mu_);
    ++established_;
    cv_.notify_all();
  }
  void on_media_changed(CallId, const NegotiatedAudio& audio) override {
    std::lock_guard lock(mu_);
    changes_.push_back(audio);
    cv_.notify_all();
  }
  void on_call_ended(CallId id, CallEndReason reason) override {
    std::lock_guard lock(mu_);
    ended_.emplace_back(id, reason);
    cv_.notify_all();
  }

  // Waits until `pred` holds (checked under the lock) or 10 s pass.
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return pred(*this); });
  }
  std::vector<IncomingCall> incoming() {
    std::lock_guard lock(mu_);
    return incoming_;
  }
  std::vector<std::pair<CallId, CallEndReason>> ended() {
    std::lock_guard lock(mu_);
    return ended_;
  }
  std::vector<NegotiatedAudio> changes() {
    std::lock_guard lock(mu_);
    return changes_;
  }
  int established() {
    std::lock_guard lock(mu_);
    return established_;
  }

  // Unlocked views for wait() predicates.
  std::size_t incoming_count() const { return incoming_.size(); }
  std::size_t ended_count() const { return ended_.size(); }
  std::size_t change_count() const { return changes_.size(); }
  int established_count() const { return established_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<IncomingCall> incoming_;
  std::vector<std::pair<CallId, CallEndReason>> ended_;
  std::vector<NegotiatedAudio> changes_;
  int established_ = 0;
};

// An even UDP port whose next three are free too (SIPp's -mp: RTP, RTCP and its video pair).
inline uint16_t free_media_port() {
  static std::atomic<int> next{41000 + (getpid() % 400) * 20};
  for (int attempt = 0; attempt < 200; ++attempt) {
    int base = next.fetch_add(4);
    if (base > 60000) next = base = 41000;
    bool ok = true;
    int fds[4];
    int opened = 0;
    for (int i = 0; i < 4 && ok; ++i) {
      fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
      ++opened;
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(base + i));
      ok = bind(fds[i], reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    for (int i = 0; i < opened; ++i) close(fds[i]);
    if (ok) return static_cast<uint16_t>(base);
  }
  return 0;
}

// Runs `sipp <args>`; returns its exit code (0: the calls went exactly as scripted) and shows
// the tail of its output when it failed.
inline int run_sipp_command(const std::string& args) {
  std::string cmd = "sipp " + args;
  char log[] = "/tmp/sy-sipp-XXXXXX";
  int fd = mkstemp(log);
  if (fd >= 0) close(fd);
  int rc = std::system((cmd + " >" + log + " 2>&1").c_str());
  int status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  if (status != 0) {  // show what SIPp saw
    std::string show = std::string("echo '--- ") + cmd + "'; grep -v '^\\s*$' " + log + " | tail -n 40 >&2";
    [[maybe_unused]] int ignored = std::system(show.c_str());
  }
  unlink(log);
  return status;
}

// Runs one SIPp call of `scenario` against 127.0.0.1:port.
inline int run_sipp(uint16_t port, const std::string& scenario, const std::string& extra = "") {
  return run_sipp_command("127.0.0.1:" + std::to_string(port) + " -sf " SY_SIP_SCENARIOS "/" +
                          scenario + " -s 95598 -key caller 13800000000 -i 127.0.0.1 -m 1 -l 1 " +
                          "-nostdin -timeout 20s -timeout_error -recv_timeout 10000 " + extra);
}

// SIPp as a phone waiting for one call on 127.0.0.1:sip_port (UAS `scenario`).
inline int run_sipp_phone(uint16_t sip_port, const std::string& scenario,
                          const std::string& extra = "") {
  return run_sipp_command("-sf " SY_SIP_SCENARIOS "/" + scenario + " -p " +
                          std::to_string(sip_port) + " -i 127.0.0.1 -m 1 -nostdin " +
                          "-timeout 25s -timeout_error -recv_timeout 20000 " + extra);
}

}  // namespace sy::sip::testing
