// The media host (the same MediaHost that `switchyard serve` runs) under N concurrent calls on
// 127.0.0.1, bounded in time: every call is either bridged (a caller leg and an agent leg,
// caller ⇄ Switchyard ⇄ agent, mixed every 20 ms) or an IVR leg hearing a cached prompt. A load
// generator in the same process plays all the phones from one UDP socket: it sends each leg a
// 20 ms PCMU packet every 20 ms (sendmmsg) and takes the kernel receive timestamp (SO_TIMESTAMPNS)
// of every packet the host sends back. Per leg, the packet with RTP sequence n is due at
// base + n * 20 ms (base calibrated as the earliest-aligned packet during the first seconds);
// its lateness is arrival - due. Printed: p50/p99/max lateness, packets late by more than 20 ms,
// the host's own late ticks, the media thread's CPU share, and memory per call (RSS delta / calls).
//
// Usage: bench_sip_media_load [calls=1000] [seconds=30] [bridged|ivr] [record_dir]
//        env SY_MEDIA_RT_PRIORITY=N runs the media thread SCHED_FIFO N (as a deployment would)
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "media/g711.h"
#include "sip/media_host.h"

namespace {

using namespace sy;
using namespace sy::sip;

constexpr int64_t kFrameNs = 20'000'000;

int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}
int64_t real_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

long rss_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// CPU seconds of this process's thread named `name` (the media host names its thread).
double thread_cpu_s(const std::string& name) {
  double total = 0;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::string base = std::string("/proc/self/task/") + e->d_name;
    std::ifstream comm(base + "/comm");
    std::string c;
    std::getline(comm, c);
    if (c != name) continue;
    std::ifstream stat(base + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    std::vector<std::string> fields;
    size_t pos = close + 2;
    while (pos < line.size()) {
      size_t next = line.find(' ', pos);
      if (next == std::string::npos) next = line.size();
      fields.push_back(line.substr(pos, next - pos));
      pos = next + 1;
    }
    // fields[0] is state (field 3); utime and stime are fields 14 and 15.
    total +=
        (std::stod(fields[11]) + std::stod(fields[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  closedir(dir);
  return total;
}

class NoEvents final : public MediaEvents {
 public:
  void on_digit(CallId, char) override {}
  void on_playback_finished(CallId, std::uint64_t) override {}
};

struct PhoneLeg {
  CallId id = 0;
  uint16_t host_port = 0;  // the media host's RTP port for this leg
  uint16_t seq = 0;
  uint32_t ts = 0;
  uint32_t ssrc = 0;
  // Receive side: lateness against the leg's 20 ms schedule.
  bool have_first = false;
  uint16_t first_seq = 0;
  int64_t last_ext = 0;
  int64_t base_ns = INT64_MAX;  // min(arrival - n * 20 ms) during calibration
  uint64_t received = 0;
};

struct Histogram {  // 10 µs bins up to 1 s
  std::vector<uint64_t> bins = std::vector<uint64_t>(100'000, 0);
  uint64_t count = 0, over_20ms = 0;
  int64_t max_ns = 0;
  void add(int64_t ns) {
    if (ns < 0) ns = 0;
    ++count;
    if (ns > 20'000'000) ++over_20ms;
    max_ns = std::max(max_ns, ns);
    bins[std::min<size_t>(static_cast<size_t>(ns / 10'000), bins.size() - 1)]++;
  }
  double percentile_ms(double p) const {
    uint64_t want = static_cast<uint64_t>(p * static_cast<double>(count));
    uint64_t seen = 0;
    for (size_t i = 0; i < bins.size(); ++i) {
      seen += bins[i];
      if (seen > want) return static_cast<double>(i) * 0.01;
    }
    return static_cast<double>(bins.size()) * 0.01;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 30;
  const std::string mode = argc > 3 ? argv[3] : "bridged";
  const std::string record_dir = argc > 4 ? argv[4] : "";
  if (calls <= 0 || calls > 5000 || seconds <= 0 || seconds > 110 ||
      (mode != "bridged" && mode != "ivr")) {
    std::fprintf(
        stderr,
        "usage: bench_sip_media_load [calls<=5000] [seconds<=110] [bridged|ivr] [record_dir]\n");
    return 2;
  }
  const bool bridged = mode == "bridged";
  const int legs_n = bridged ? 2 * calls : calls;
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  // The phones' side: one socket for all of them.
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0) return 1;
  socklen_t len = sizeof me;
  getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len);
  int on = 1, big = 16 << 20;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);

  std::vector<PhoneLeg> legs(static_cast<size_t>(legs_n));
  std::vector<int32_t> leg_by_port(65536, -1);
  Histogram hist;
  std::array<uint8_t, 160> voice{};
  {
    std::array<int16_t, 160> pcm{};
    for (size_t i = 0; i < pcm.size(); ++i)
      pcm[i] =
          static_cast<int16_t>(4000 * std::sin(2 * M_PI * 300 * static_cast<double>(i) / 8000));
    media::g711_encode(media::G711Law::kMuLaw, pcm, voice);
  }
  // A prompt shared by every IVR call, as the prompt cache does: 60 s of a 440 Hz tone.
  auto prompt = std::make_shared<std::vector<int16_t>>(8000 * 60);
  for (size_t i = 0; i < prompt->size(); ++i)
    (*prompt)[i] =
        static_cast<int16_t>(3000 * std::sin(2 * M_PI * 440 * static_cast<double>(i) / 8000));

  NoEvents events;
  MediaHost host("127.0.0.1", {20000, 29999}, events);
  const char* rt = std::getenv("SY_MEDIA_RT_PRIORITY");  // e.g. 10: SCHED_FIFO media thread
  const int rt_priority = rt ? std::atoi(rt) : 0;
  host.set_realtime_priority(rt_priority);
  const long rss_before = rss_kb();
  host.start();
  NegotiatedAudio audio;
  audio.remote_ip = "127.0.0.1";
  audio.remote_port = ntohs(me.sin_port);
  audio.audio_payload_type = 0;
  audio.telephone_event_payload_type = 101;
  for (int i = 0; i < legs_n; ++i) {
    auto port = host.open(static_cast<CallId>(i + 1), audio);
    if (!port) {
      std::fprintf(stderr, "open leg %d: %s\n", i, port.error().message.c_str());
      return 1;
    }
    PhoneLeg& leg = legs[static_cast<size_t>(i)];
    leg.id = static_cast<CallId>(i + 1);
    leg.host_port = *port;
    leg.ssrc = 0x1000u + static_cast<uint32_t>(i);
    leg.seq = static_cast<uint16_t>(i * 7);
    leg.ts = static_cast<uint32_t>(i) * 1000u;
    leg_by_port[*port] = i;
  }
  int recording_failures = 0;
  for (int c = 0; c < calls; ++c) {
    CallId caller = static_cast<CallId>(bridged ? 2 * c + 1 : c + 1);
    if (bridged) {
      if (!host.bridge(caller, caller + 1)) return 1;
    } else {
      host.play(caller, {prompt});
    }
    if (!record_dir.empty())
      recording_failures +=
          !host.start_recording(caller, record_dir + "/call-" + std::to_string(c) + ".wav");
  }

  // Phones: send a packet to every leg every 20 ms, read what comes back until the next slot.
  std::vector<uint8_t> tx(static_cast<size_t>(legs_n) * 172);
  std::vector<sockaddr_in> to(static_cast<size_t>(legs_n));
  std::vector<iovec> tx_iov(static_cast<size_t>(legs_n));
  std::vector<mmsghdr> tx_msgs(static_cast<size_t>(legs_n));
  for (int i = 0; i < legs_n; ++i) {
    auto k = static_cast<size_t>(i);
    to[k].sin_family = AF_INET;
    to[k].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to[k].sin_port = htons(legs[k].host_port);
    tx_iov[k] = {tx.data() + k * 172, 172};
    tx_msgs[k].msg_hdr.msg_name = &to[k];
    tx_msgs[k].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    tx_msgs[k].msg_hdr.msg_iov = &tx_iov[k];
    tx_msgs[k].msg_hdr.msg_iovlen = 1;
  }
  constexpr int kBatch = 512;
  std::vector<std::array<uint8_t, 256>> rx(kBatch);
  std::vector<std::array<char, 64>> rx_ctl(kBatch);
  std::vector<sockaddr_in> rx_from(kBatch);
  std::vector<iovec> rx_iov(kBatch);
  std::vector<mmsghdr> rx_msgs(kBatch);

  const int64_t warmup_ns = 2'000'000'000LL, calibrate_ns = 3'000'000'000LL;
  const int64_t start = mono_ns();
  const int64_t end = start + static_cast<int64_t>(seconds) * 1'000'000'000LL;
  int64_t next_send = start;
  long rss_steady = 0;
  uint64_t late_ticks_at_measure = 0, ticks_at_measure = 0;
  double media_cpu_at_measure = 0;
  int64_t measure_start_mono = 0;
  bool measuring = false;
  // Kernel timestamps are CLOCK_REALTIME; arrivals are compared within one leg only.
  (void)real_ns;
  while (mono_ns() < end) {
    int64_t now = mono_ns();
    if (now >= next_send) {
      for (int i = 0; i < legs_n; ++i) {
        auto k = static_cast<size_t>(i);
        PhoneLeg& leg = legs[k];
        uint8_t* p = tx.data() + k * 172;
        p[0] = 0x80;
        p[1] = 0;  // PCMU
        p[2] = static_cast<uint8_t>(leg.seq >> 8);
        p[3] = static_cast<uint8_t>(leg.seq);
        p[4] = static_cast<uint8_t>(leg.ts >> 24);
        p[5] = static_cast<uint8_t>(leg.ts >> 16);
        p[6] = static_cast<uint8_t>(leg.ts >> 8);
        p[7] = static_cast<uint8_t>(leg.ts);
        p[8] = static_cast<uint8_t>(leg.ssrc >> 24);
        p[9] = static_cast<uint8_t>(leg.ssrc >> 16);
        p[10] = static_cast<uint8_t>(leg.ssrc >> 8);
        p[11] = static_cast<uint8_t>(leg.ssrc);
        std::memcpy(p + 12, voice.data(), voice.size());
        ++leg.seq;
        leg.ts += 160;
      }
      for (int off = 0; off < legs_n; off += 1024)
        sendmmsg(fd, tx_msgs.data() + off, static_cast<unsigned>(std::min(1024, legs_n - off)), 0);
      next_send += kFrameNs;
      if (!measuring && now - start >= warmup_ns + calibrate_ns) {
        measuring = true;
        measure_start_mono = now;
        rss_steady = rss_kb();
        auto c = host.counters();
        late_ticks_at_measure = c.late_ticks;
        ticks_at_measure = c.ticks;
        media_cpu_at_measure = thread_cpu_s("sy-media");
      }
    }
    pollfd pfd{fd, POLLIN, 0};
    int wait_ms = static_cast<int>(std::max<int64_t>(0, (next_send - mono_ns()) / 1'000'000));
    poll(&pfd, 1, std::min(wait_ms, 2));
    for (;;) {
      for (int b = 0; b < kBatch; ++b) {
        rx_iov[static_cast<size_t>(b)] = {rx[static_cast<size_t>(b)].data(), 256};
        auto& h = rx_msgs[static_cast<size_t>(b)].msg_hdr;
        h = {};
        h.msg_name = &rx_from[static_cast<size_t>(b)];
        h.msg_namelen = sizeof(sockaddr_in);
        h.msg_iov = &rx_iov[static_cast<size_t>(b)];
        h.msg_iovlen = 1;
        h.msg_control = rx_ctl[static_cast<size_t>(b)].data();
        h.msg_controllen = 64;
      }
      int n = recvmmsg(fd, rx_msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      const int64_t since_start = mono_ns() - start;
      for (int b = 0; b < n; ++b) {
        auto& m = rx_msgs[static_cast<size_t>(b)];
        if (m.msg_len < 12) continue;
        int idx = leg_by_port[ntohs(rx_from[static_cast<size_t>(b)].sin_port)];
        if (idx < 0) continue;
        const uint8_t* p = rx[static_cast<size_t>(b)].data();
        if ((p[1] & 0x7f) != 0) continue;
        int64_t arrival = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr); c; c = CMSG_NXTHDR(&m.msg_hdr, c))
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts;
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            arrival = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
          }
        PhoneLeg& leg = legs[static_cast<size_t>(idx)];
        uint16_t seq = static_cast<uint16_t>(p[2] << 8 | p[3]);
        ++leg.received;
        if (since_start < warmup_ns) continue;  // jitter buffers filling, legs starting
        if (!leg.have_first) {
          leg.have_first = true;
          leg.first_seq = seq;
          leg.last_ext = 0;
        }
        leg.last_ext +=
            static_cast<int16_t>(seq - static_cast<uint16_t>(leg.first_seq + leg.last_ext));
        int64_t aligned = arrival - leg.last_ext * kFrameNs;
        if (!measuring) {
          leg.base_ns = std::min(leg.base_ns, aligned);
        } else if (leg.base_ns != INT64_MAX) {
          hist.add(aligned - leg.base_ns);
        }
      }
    }
  }
  const double wall = static_cast<double>(mono_ns() - measure_start_mono) / 1e9;
  auto c = host.counters();
  const double media_cpu = thread_cpu_s("sy-media") - media_cpu_at_measure;
  host.stop();  // closes recordings (MP3 encodes) too
  uint64_t received = 0;
  for (auto& leg : legs) received += leg.received;
  std::printf(
      "media host, %d %s calls (%d RTP legs), %d s (2 s warm-up, 3 s calibration, %.1f s "
      "measured), 127.0.0.1%s\n",
      calls, mode.c_str(), legs_n, seconds, wall,
      record_dir.empty() ? "" : ", recording every call");
  std::printf("  media thread scheduling: %s\n",
              rt_priority > 0 ? ("SCHED_FIFO " + std::to_string(rt_priority)).c_str() : "normal");
  std::printf("  packets from the host measured: %llu (all received: %llu)\n",
              static_cast<unsigned long long>(hist.count),
              static_cast<unsigned long long>(received));
  std::printf(
      "  lateness vs each leg's 20 ms schedule: p50=%.2f ms p99=%.2f ms max=%.2f ms; late by > 20 "
      "ms: %llu (%.4f%%)\n",
      hist.percentile_ms(0.5), hist.percentile_ms(0.99), static_cast<double>(hist.max_ns) / 1e6,
      static_cast<unsigned long long>(hist.over_20ms),
      hist.count ? 100.0 * static_cast<double>(hist.over_20ms) / static_cast<double>(hist.count)
                 : 0.0);
  std::printf("  host ticks measured: %llu, started > 20 ms late: %llu\n",
              static_cast<unsigned long long>(c.ticks - ticks_at_measure),
              static_cast<unsigned long long>(c.late_ticks - late_ticks_at_measure));
  std::printf("  media thread CPU: %.1f%% of one core\n", 100.0 * media_cpu / wall);
  std::printf("  memory: RSS +%ld KiB for %d calls = %.1f KiB per call (%.1f KiB per leg)\n",
              rss_steady - rss_before, calls, static_cast<double>(rss_steady - rss_before) / calls,
              static_cast<double>(rss_steady - rss_before) / legs_n);
  if (recording_failures)
    std::printf("  recordings that failed to start: %d\n", recording_failures);
  return 0;
}
