// Thin RAII wrappers over spandsp's C state objects; spandsp does the signal processing.
#include "media/tones.h"

#include <spandsp.h>

#include <algorithm>

#include "media/telephone_event.h"

namespace sy::media {

namespace {
Error out_of_memory(const char* what) {
  return make_error(ErrorKind::kInternal, "spandsp_init_failed", what);
}
// Runs a spandsp generator (int-sized calls) until `out` is full or it stops; zeroes the rest.
template <class Generate>
size_t fill_from(std::span<int16_t> out, Generate generate) {
  size_t done = 0;
  while (done < out.size()) {
    const int got =
        generate(out.data() + done, static_cast<int>(std::min<size_t>(out.size() - done, 8000)));
    if (got <= 0) break;
    done += static_cast<size_t>(got);
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(done), out.end(), int16_t{0});
  return done;
}

}  // namespace

Result<std::unique_ptr<InbandDtmfDetector>> InbandDtmfDetector::create() {
  std::unique_ptr<InbandDtmfDetector> d(new InbandDtmfDetector());
  dtmf_rx_state_t* rx = dtmf_rx_init(nullptr, &InbandDtmfDetector::on_digits, d.get());
  if (!rx) return out_of_memory("dtmf_rx_init failed");
  d->rx_ = rx;
  return d;
}

InbandDtmfDetector::~InbandDtmfDetector() {
  if (rx_) dtmf_rx_free(rx_);
}

void InbandDtmfDetector::on_digits(void* self, const char* digits, int len) {
  static_cast<InbandDtmfDetector*>(self)->pending_.append(digits, static_cast<size_t>(len));
}

std::string InbandDtmfDetector::process(std::span<const int16_t> samples) {
  // spandsp takes int counts; feed in bounded chunks so huge buffers cannot overflow them.
  constexpr size_t kChunk = 8000;
  for (size_t off = 0; off < samples.size(); off += kChunk) {
    const size_t n = std::min(kChunk, samples.size() - off);
    dtmf_rx(rx_, samples.data() + off, static_cast<int>(n));
  }
  std::string out;
  out.swap(pending_);
  return out;
}

Result<std::unique_ptr<InbandDtmfGenerator>> InbandDtmfGenerator::create() {
  std::unique_ptr<InbandDtmfGenerator> g(new InbandDtmfGenerator());
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  if (!tx) return out_of_memory("dtmf_tx_init failed");
  g->tx_ = tx;
  return g;
}

InbandDtmfGenerator::~InbandDtmfGenerator() {
  if (tx_) dtmf_tx_free(tx_);
}

Status InbandDtmfGenerator::queue(std::string_view digits) {
  for (char c : digits) {
    if (!dtmf_char_to_event(c)) {
      return make_error(ErrorKind::kInvalidInput, "dtmf_bad_digit", "not a DTMF digit", "digits");
    }
  }
  const std::string copy(digits);
  const int accepted = dtmf_tx_put(tx_, copy.c_str(), static_cast<int>(copy.size()));
  if (accepted != 0) {
    return make_error(ErrorKind::kUnavailable, "dtmf_queue_full", "DTMF digit queue is full");
  }
  return ok_status();
}

void InbandDtmfGenerator::set_timing(int on_ms, int off_ms) {
  dtmf_tx_set_timing(tx_, on_ms, off_ms);
}

size_t InbandDtmfGenerator::generate(std::span<int16_t> out) {
  return fill_from(out, [this](int16_t* amp, int n) { return dtmf_tx(tx_, amp, n); });
}

ToneSpec china_ringback_tone() { return {450, -13, 0, 0, 1000, 4000, 0, 0, true}; }
ToneSpec china_busy_tone() { return {450, -13, 0, 0, 350, 350, 0, 0, true}; }
ToneSpec queue_beep_tone() { return {880, -18, 0, 0, 120, 120, 120, 2640, true}; }
ToneSpec hold_tone() { return {440, -20, 0, 0, 400, 200, 400, 200, true}; }

Result<std::unique_ptr<ToneGenerator>> ToneGenerator::create(const ToneSpec& s) {
  if (s.freq1_hz <= 0 || s.freq1_hz >= kSampleRate / 2 || s.freq2_hz < 0 ||
      s.freq2_hz >= kSampleRate / 2 || s.on1_ms <= 0) {
    return make_error(ErrorKind::kInvalidInput, "tone_bad_spec", "tone frequency or cadence");
  }
  tone_gen_descriptor_t* desc =
      tone_gen_descriptor_init(nullptr, s.freq1_hz, s.level1_dbm0, s.freq2_hz, s.level2_dbm0,
                               s.on1_ms, s.off1_ms, s.on2_ms, s.off2_ms, s.repeat ? 1 : 0);
  if (!desc) return out_of_memory("tone_gen_descriptor_init failed");
  std::unique_ptr<ToneGenerator> g(new ToneGenerator());
  tone_gen_state_t* gen = tone_gen_init(nullptr, desc);  // copies what it needs from desc
  tone_gen_descriptor_free(desc);
  if (!gen) return out_of_memory("tone_gen_init failed");
  g->gen_ = gen;
  return g;
}

ToneGenerator::~ToneGenerator() {
  if (gen_) tone_gen_free(gen_);
}

size_t ToneGenerator::generate(std::span<int16_t> out) {
  return fill_from(out, [this](int16_t* amp, int n) { return tone_gen(gen_, amp, n); });
}

}  // namespace sy::media
