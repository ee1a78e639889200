// CPU cost of one 20 ms frame through each media stage, and of a whole call tick (two legs,
// mixing, recording), so "calls per core" = 20 ms / (time per call tick).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "media/g711.h"
#include "media/mixer.h"
#include "media/recording.h"
#include "media/rtp_stream.h"

namespace {

using namespace sy::media;
using std::chrono::milliseconds;

Frame tone() {
  Frame f;
  for (size_t i = 0; i < f.size(); ++i) {
    f[i] = static_cast<int16_t>(6000 * std::sin(2 * M_PI * 440 * i / 8000.0));
  }
  return f;
}

void BM_G711EncodeFrame(benchmark::State& state) {
  const Frame f = tone();
  std::array<uint8_t, kFrameSamples> out{};
  for (auto _ : state) {
    g711_encode(G711Law::kMuLaw, f, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_G711EncodeFrame);

void BM_G711DecodeFrame(benchmark::State& state) {
  const auto bytes = g711_encode(G711Law::kALaw, tone());
  Frame out{};
  for (auto _ : state) {
    g711_decode(G711Law::kALaw, bytes, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_G711DecodeFrame);

void BM_InbandDtmfDetectFrame(benchmark::State& state) {
  auto rx = InbandDtmfDetector::create().value();
  const Frame f = tone();
  for (auto _ : state) benchmark::DoNotOptimize(rx->process(f));
}
BENCHMARK(BM_InbandDtmfDetectFrame);

void BM_ThreePartyMix(benchmark::State& state) {
  const Frame a = tone(), b = tone(), c = tone();
  for (auto _ : state) {
    benchmark::DoNotOptimize(mix_three_party(SupervisorMode::kBarge, {a, b, c}));
  }
}
BENCHMARK(BM_ThreePartyMix);

// One leg per iteration: build the packet, receive it on the far stream, play the frame.
// Arg 1 = in-band DTMF detection on (the IVR case), 0 = off (bridged call with RFC 4733).
void BM_RtpStreamLegTick(benchmark::State& state) {
  RtpStreamConfig c;
  c.detect_inband_dtmf = state.range(0) != 0;
  auto a = RtpStream::create(c).value();
  auto b = RtpStream::create(c).value();
  const Frame f = tone();
  sy::ManualClock clock;
  for (auto _ : state) {
    const auto wire = a->next_packet(f);
    b->on_datagram(wire, clock.now());
    benchmark::DoNotOptimize(b->next_frame(clock.now()));
    clock.advance(milliseconds(20));
  }
}
BENCHMARK(BM_RtpStreamLegTick)->Arg(0)->Arg(1);

// A bridged, recorded call for one 20 ms tick: both legs both ways, mixing and the WAV write.
void BM_RecordedCallTick(benchmark::State& state) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("sy_bench_media_" + std::to_string(::getpid()) + ".wav");
  RecorderOptions ro;
  ro.sync = false;  // fsync cost depends on the disk, not on this code
  auto rec = CallRecorder::open(path.string(), ro).value();
  RtpStreamConfig c;
  c.detect_inband_dtmf = false;
  auto caller_out = RtpStream::create(c).value();
  auto caller_in = RtpStream::create(c).value();
  auto agent_out = RtpStream::create(c).value();
  auto agent_in = RtpStream::create(c).value();
  const Frame f = tone();
  sy::ManualClock clock;
  for (auto _ : state) {
    caller_in->on_datagram(caller_out->next_packet(f), clock.now());
    agent_in->on_datagram(agent_out->next_packet(f), clock.now());
    const auto from_caller = caller_in->next_frame(clock.now());
    const auto from_agent = agent_in->next_frame(clock.now());
    const auto mixed =
        mix_three_party(SupervisorMode::kNone, {from_caller.samples, from_agent.samples, {}});
    benchmark::DoNotOptimize(mixed);
    (void)rec->write(from_caller.samples, from_agent.samples);
    clock.advance(milliseconds(20));
  }
  (void)rec->close();
  std::filesystem::remove(path);
}
BENCHMARK(BM_RecordedCallTick);

}  // namespace

BENCHMARK_MAIN();
