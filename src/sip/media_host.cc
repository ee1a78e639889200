#include "sip/media_host.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <utility>

namespace sy::sip {
namespace {

bool sends(const NegotiatedAudio& a) {
  return a.answered == MediaDirection::kSendRecv || a.answered == MediaDirection::kSendOnly;
}

}  // namespace

MediaHost::MediaHost(std::string bind_ip, media::PortRange range, MediaEvents& events)
    : bind_ip_(std::move(bind_ip)), range_(range), events_(events), next_hint_(range.first) {}

MediaHost::~MediaHost() { stop(); }

void MediaHost::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void MediaHost::stop() {
  if (running_.exchange(false) && thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  legs_.clear();
}

Result<uint16_t> MediaHost::open(CallId id, const NegotiatedAudio& audio) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  auto leg = std::make_unique<Leg>();
  uint16_t hint;
  {
    std::lock_guard lock(mu_);
    hint = next_hint_;
  }
  auto socket = media::RtpSocket::open(bind_ip_, range_, hint);
  if (!socket) return socket.error();
  media::RtpStreamConfig config;
  config.law = audio.audio_payload_type == 8 ? media::G711Law::kALaw : media::G711Law::kMuLaw;
  config.audio_payload_type = static_cast<uint8_t>(audio.audio_payload_type);
  config.telephone_event_payload_type = audio.telephone_event_payload_type;
  config.ssrc = rng();
  config.initial_sequence = static_cast<uint16_t>(rng());
  config.initial_timestamp = rng();
  auto stream = media::RtpStream::create(config);
  if (!stream) return stream.error();
  leg->socket = std::move(*socket);
  leg->socket->set_symmetric(true);
  if (Status st = leg->socket->set_remote({audio.remote_ip, audio.remote_port}); !st)
    return st.error();
  leg->stream = std::move(*stream);
  leg->graph = std::make_unique<media::CallMedia>(*leg->stream);
  leg->audio = audio;
  uint16_t port = leg->socket->rtp_port();
  std::lock_guard lock(mu_);
  next_hint_ = static_cast<uint16_t>(port + 2 > range_.last ? range_.first : port + 2);
  legs_[id] = std::move(leg);
  return port;
}

void MediaHost::update(CallId id, const NegotiatedAudio& audio) {
  std::lock_guard lock(mu_);
  auto it = legs_.find(id);
  if (it == legs_.end()) return;
  Leg& leg = *it->second;
  if (audio.remote_ip != "0.0.0.0" && audio.remote_port != 0 &&
      (audio.remote_ip != leg.audio.remote_ip || audio.remote_port != leg.audio.remote_port)) {
    if (Status st = leg.socket->set_remote({audio.remote_ip, audio.remote_port}); !st)
      spdlog::warn("media: call {}: {}", id, st.error().message);
  }
  leg.audio.remote_ip = audio.remote_ip;
  leg.audio.remote_port = audio.remote_port;
  leg.audio.offered = audio.offered;
  leg.audio.answered = audio.answered;
}

std::uint64_t MediaHost::play(CallId id, std::vector<media::SharedSamples> prompts) {
  std::lock_guard lock(mu_);
  auto it = legs_.find(id);
  if (it == legs_.end()) return 0;
  Leg& leg = *it->second;
  for (auto& p : prompts)
    if (p) leg.graph->caller_player().play(std::move(p));
  leg.playing = true;
  return ++leg.sequence;
}

void MediaHost::stop_playback(CallId id) {
  std::lock_guard lock(mu_);
  auto it = legs_.find(id);
  if (it == legs_.end()) return;
  it->second->graph->caller_player().stop();
  it->second->playing = false;
  ++it->second->sequence;  // a finish already on its way is stale
}

void MediaHost::play_waiting_tone(CallId id, const media::ToneSpec& spec) {
  auto tone = media::ToneGenerator::create(spec);
  if (!tone) {
    spdlog::warn("media: call {}: {}", id, tone.error().message);
    return;
  }
  std::lock_guard lock(mu_);
  auto it = legs_.find(id);
  if (it == legs_.end()) return;
  Leg& leg = *it->second;
  leg.graph->caller_player().stop();
  leg.graph->caller_player().play_tone(std::move(*tone));
  leg.playing = false;
  ++leg.sequence;
}

void MediaHost::close(CallId id) {
  std::lock_guard lock(mu_);
  legs_.erase(id);
}

MediaHostCounters MediaHost::counters() const {
  MediaHostCounters c;
  {
    std::lock_guard lock(mu_);
    c.calls = legs_.size();
  }
  c.ticks = ticks_.load();
  c.late_ticks = late_.load();
  c.packets_in = in_.load();
  c.packets_out = out_.load();
  return c;
}

void MediaHost::run() {
  using namespace std::chrono;
  auto next = steady_clock::now();
  while (running_.load()) {
    next += milliseconds(20);
    tick_all();
    ++ticks_;
    auto now = steady_clock::now();
    if (now > next + milliseconds(20)) {
      ++late_;
      next = now;  // do not burst to catch up: the jitter buffers absorb one slow tick
    }
    std::this_thread::sleep_until(next);
  }
}

void MediaHost::tick_all() {
  TimePoint now = SystemClock::instance().now();
  std::vector<std::pair<CallId, char>> digits;
  std::vector<std::pair<CallId, std::uint64_t>> finished;
  {
    std::lock_guard lock(mu_);
    uint8_t buffer[2048];
    for (auto& [id, leg_ptr] : legs_) {
      Leg& leg = *leg_ptr;
      for (int i = 0; i < 64; ++i) {  // drain, bounded per tick
        auto got = leg.socket->receive_rtp(buffer);
        if (!got || !*got) break;
        ++in_;
        leg.stream->on_datagram(std::span<const uint8_t>(buffer, (*got)->size), now);
      }
      for (int i = 0; i < 8; ++i) {  // RTCP is read so the socket never fills
        auto got = leg.socket->receive_rtcp(buffer);
        if (!got || !*got) break;
        leg.stream->on_rtcp(std::span<const uint8_t>(buffer, (*got)->size), now);
      }
      auto out = leg.graph->tick(now);
      if (out && sends(leg.audio) && !out->to_caller.empty()) {
        if (leg.socket->send_rtp(out->to_caller)) ++out_;
      }
      for (char d : leg.stream->take_digits()) digits.emplace_back(id, d);
      if (leg.playing && leg.graph->caller_player().idle()) {
        leg.playing = false;
        finished.emplace_back(id, leg.sequence);
      }
    }
  }
  for (auto [id, d] : digits) events_.on_digit(id, d);
  for (auto [id, seq] : finished) events_.on_playback_finished(id, seq);
}

}  // namespace sy::sip
