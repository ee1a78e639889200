// libFuzzer harness for everything that reads bytes off the network in the media part: RTP,
// RTCP and RFC 4733 parsing, and a whole RtpStream receive path (jitter buffer, DTMF, stats).
// Built and run by run.sh with clang (-fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/rtcp.h"
#include "media/rtp.h"
#include "media/rtp_stream.h"
#include "media/telephone_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  if (auto p = sy::media::parse_rtp(bytes); p.ok()) {
    // Views must stay inside the input.
    if (p->payload.data() + p->payload.size() > data + size) __builtin_trap();
    (void)sy::media::parse_telephone_event(p->payload);
  }
  (void)sy::media::parse_rtcp_report(bytes);

  // The same bytes as a burst of datagrams into one stream (split on a length prefix byte).
  static auto stream = std::move(sy::media::RtpStream::create({}).value());
  sy::TimePoint now{};
  size_t off = 0;
  while (off < size) {
    const size_t len = std::min<size_t>(data[off], size - off - 1);
    ++off;
    stream->on_datagram(bytes.subspan(off, len), now);
    stream->on_rtcp(bytes.subspan(off, len), now);
    (void)stream->next_frame(now);
    now += std::chrono::milliseconds(20);
    off += len;
  }
  (void)stream->take_digits();
  return 0;
}
