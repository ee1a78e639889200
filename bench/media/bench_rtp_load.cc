// RTP load on loopback: N calls, each a pair of RTP endpoints with an RtpStream per side,
// exchanging 20 ms G.711 packets both ways from one thread for a bounded time. Prints how late
// packets were sent against their 20 ms schedule (p50/p99/max), packets lost, CPU share and
// memory per call, and the send-interval jitter (|interval - 20 ms| between consecutive packets
// of one leg), which is what a phone's jitter buffer has to absorb. Usage: bench_rtp_load
// [calls=1000] [seconds=10]
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "media/rtp_socket.h"
#include "media/rtp_stream.h"

namespace {

using namespace sy::media;

struct Leg {
  std::unique_ptr<RtpSocket> socket;
  std::unique_ptr<RtpStream> stream;
  uint64_t received = 0;
  int64_t last_send_ns = 0;
};

int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

Leg make_leg(uint32_t ssrc, uint16_t hint) {
  Leg leg;
  auto s = RtpSocket::open("127.0.0.1", {30000, 39999}, hint);
  if (!s) {
    std::fprintf(stderr, "open: %s\n", s.error().message.c_str());
    std::exit(1);
  }
  leg.socket = std::move(*s);
  RtpStreamConfig c;
  c.ssrc = ssrc;
  c.detect_inband_dtmf = false;
  leg.stream = std::move(RtpStream::create(c)).value();
  return leg;
}

struct Load {
  std::vector<Leg> a, b;  // a[i] and b[i] are the two ends of call i
  int epoll_fd = -1;
  std::vector<int64_t> lateness_us, interval_jitter_us;
};

void open_calls(Load& load, int calls) {
  uint16_t hint = 30000;
  load.a.reserve(static_cast<size_t>(calls));
  load.b.reserve(static_cast<size_t>(calls));
  for (int i = 0; i < calls; ++i) {
    load.a.push_back(make_leg(2 * i + 1, hint));
    load.b.push_back(
        make_leg(2 * i + 2, static_cast<uint16_t>(load.a.back().socket->rtp_port() + 2)));
    hint = static_cast<uint16_t>(load.b.back().socket->rtp_port() + 2);
    (void)load.a.back().socket->set_remote({"127.0.0.1", load.b.back().socket->rtp_port()});
    (void)load.b.back().socket->set_remote({"127.0.0.1", load.a.back().socket->rtp_port()});
  }
  // Level-triggered epoll: one recv per readable socket instead of polling every socket.
  load.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  for (auto* side : {&load.a, &load.b}) {
    for (Leg& leg : *side) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = &leg;
      epoll_ctl(load.epoll_fd, EPOLL_CTL_ADD, leg.socket->rtp_fd(), &ev);
    }
  }
}

void send_all(Load& load, const Frame& frame, int64_t due_ns) {
  for (size_t c = 0; c < load.a.size(); ++c) {
    for (Leg* leg : {&load.a[c], &load.b[c]}) {
      (void)leg->socket->send_rtp(leg->stream->next_packet(frame));
      const int64_t sent_ns = mono_ns();
      load.lateness_us.push_back((sent_ns - due_ns) / 1000);
      if (leg->last_send_ns != 0) {
        load.interval_jitter_us.push_back(std::llabs(sent_ns - leg->last_send_ns - 20000000LL) /
                                          1000);
      }
      leg->last_send_ns = sent_ns;
    }
  }
}

void receive_all(Load& load, sy::TimePoint now) {
  std::vector<uint8_t> buf(2048);
  std::vector<epoll_event> events(4096);
  for (;;) {
    const int n = epoll_wait(load.epoll_fd, events.data(), static_cast<int>(events.size()), 0);
    if (n <= 0) break;
    for (int e = 0; e < n; ++e) {
      Leg& leg = *static_cast<Leg*>(events[e].data.ptr);
      auto got = leg.socket->receive_rtp(buf);
      if (!got.ok() || !got->has_value()) continue;
      leg.stream->on_datagram(std::span<const uint8_t>(buf.data(), (*got)->size), now);
      ++leg.received;
    }
  }
  for (auto* side : {&load.a, &load.b}) {
    for (Leg& leg : *side) (void)leg.stream->next_frame(now);
  }
}

long long percentile(std::vector<int64_t>& v, double p) {
  std::sort(v.begin(), v.end());
  return static_cast<long long>(v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]);
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
  const long rss_before = rss_kb();
  Load load;
  open_calls(load, calls);
  const long rss_after = rss_kb();
  Frame frame{};
  for (size_t i = 0; i < frame.size(); ++i) {
    frame[i] = static_cast<int16_t>(5000 * std::sin(2 * M_PI * 440 * i / 8000.0));
  }
  const int ticks = seconds * 50;
  load.lateness_us.reserve(static_cast<size_t>(calls) * 2 * ticks);
  load.interval_jitter_us.reserve(load.lateness_us.capacity());
  const double cpu0 = cpu_seconds();
  const int64_t start = mono_ns();
  sy::TimePoint now{};
  for (int t = 0; t < ticks; ++t) {
    const int64_t due = start + t * 20000000LL;
    const timespec wake{static_cast<time_t>(due / 1000000000), static_cast<long>(due % 1000000000)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr);
    now += std::chrono::milliseconds(20);
    send_all(load, frame, due);
    receive_all(load, now);
  }
  const double wall = (mono_ns() - start) / 1e9;
  const double cpu = cpu_seconds() - cpu0;
  uint64_t received = 0;
  for (auto* side : {&load.a, &load.b}) {
    for (Leg& leg : *side) received += leg.received;
  }
  const uint64_t sent = static_cast<uint64_t>(calls) * 2 * ticks;
  std::printf("calls=%d seconds=%d packets_sent=%llu received=%llu lost=%llu\n", calls, seconds,
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(received),
              static_cast<unsigned long long>(sent - std::min(sent, received)));
  std::printf("send lateness vs 20 ms schedule: p50=%lld us p99=%lld us max=%lld us\n",
              percentile(load.lateness_us, 0.5), percentile(load.lateness_us, 0.99),
              percentile(load.lateness_us, 1.0));
  std::printf("send-interval jitter per leg: p50=%lld us p99=%lld us max=%lld us\n",
              percentile(load.interval_jitter_us, 0.5), percentile(load.interval_jitter_us, 0.99),
              percentile(load.interval_jitter_us, 1.0));
  std::printf("cpu=%.2f s over %.2f s wall (%.1f%% of one core); memory per call=%.1f KiB\n", cpu,
              wall, 100.0 * cpu / wall, static_cast<double>(rss_after - rss_before) / calls);
  return 0;
}
