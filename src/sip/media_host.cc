#include "sip/media_host.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <utility>

namespace sy::sip {
namespace {

bool sends(const NegotiatedAudio& a) {
  return a.answered == MediaDirection::kSendRecv || a.answered == MediaDirection::kSendOnly;
}

Error leg_not_found(CallId id) {
  return make_error(ErrorKind::kNotFound, "media_leg_not_found",
                    std::string("no media leg ").append(std::to_string(id)));
}

Error leg_busy(CallId id, const char* why) {
  return make_error(ErrorKind::kConflict, "media_leg_busy",
                    std::string("media leg ").append(std::to_string(id)).append(": ").append(why));
}

std::string mp3_path_for(const std::string& wav_path) {
  auto dot = wav_path.rfind('.');
  auto slash = wav_path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return wav_path + ".mp3";
  return wav_path.substr(0, dot) + ".mp3";
}

}  // namespace

MediaHost::MediaHost(std::string bind_ip, media::PortRange range, MediaEvents& events)
    : bind_ip_(std::move(bind_ip)),
      range_(range),
      events_(events),
      next_hint_(range.first),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {}

MediaHost::~MediaHost() {
  stop();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void MediaHost::start() {
  if (running_.exchange(true)) return;
  {
    std::lock_guard lock(encode_mu_);
    encoder_stop_ = false;
  }
  encoder_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sy-recording");
    run_encoder();
  });
  thread_ = std::thread([this] { run(); });
}

void MediaHost::stop() {
  if (running_.exchange(false) && thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    for (auto& [id, leg] : legs_) stop_recording_locked(id, *leg);
    legs_.clear();
  }
  {
    std::lock_guard lock(encode_mu_);
    encoder_stop_ = true;
  }
  encode_cv_.notify_all();
  if (encoder_.joinable())
    encoder_.join();
  else
    run_encoder();  // never started: finish queued recordings here
}

Result<std::unique_ptr<media::RtpStream>> MediaHost::make_stream(const NegotiatedAudio& audio) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  media::RtpStreamConfig config;
  config.law = audio.audio_payload_type == 8 ? media::G711Law::kALaw : media::G711Law::kMuLaw;
  config.audio_payload_type = static_cast<uint8_t>(audio.audio_payload_type);
  config.telephone_event_payload_type = audio.telephone_event_payload_type;
  config.ssrc = rng();
  config.initial_sequence = static_cast<uint16_t>(rng());
  config.initial_timestamp = rng();
  config.detect_inband_dtmf = false;  // per leg, see connect()
  return media::RtpStream::create(config);
}

Result<uint16_t> MediaHost::open(CallId id, const NegotiatedAudio& audio) {
  auto port = reserve(id);
  if (!port) return port;
  {
    std::lock_guard lock(mu_);
    if (Leg* leg = find(id)) leg->caller = true;
  }
  if (Status st = connect(id, audio); !st) {
    close(id);
    return st.error();
  }
  return port;
}

Result<uint16_t> MediaHost::reserve(CallId id) {
  uint16_t hint;
  {
    std::lock_guard lock(mu_);
    if (legs_.count(id)) return leg_busy(id, "already open");
    hint = next_hint_;
  }
  auto socket = media::RtpSocket::open(bind_ip_, range_, hint);
  if (!socket) return socket.error();
  auto leg = std::make_unique<Leg>();
  leg->socket = std::move(*socket);
  leg->socket->set_symmetric(true);
  leg->id = id;
  uint16_t port = leg->socket->rtp_port();
  std::lock_guard lock(mu_);
  if (legs_.count(id)) return leg_busy(id, "already open");
  // Readiness of both sockets is watched through one epoll set, so a tick reads only the legs
  // that have something (tagged pointer: low bit = RTCP).
  for (int rtcp = 0; rtcp < 2; ++rtcp) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = reinterpret_cast<std::uintptr_t>(leg.get()) | static_cast<std::uintptr_t>(rtcp);
    int fd = rtcp ? leg->socket->rtcp_fd() : leg->socket->rtp_fd();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0)
      return make_error(ErrorKind::kInternal, "media_epoll_failed", "cannot watch the RTP socket");
  }
  next_hint_ = static_cast<uint16_t>(port + 2 > range_.last ? range_.first : port + 2);
  legs_[id] = std::move(leg);
  return port;
}

Status MediaHost::connect(CallId id, const NegotiatedAudio& audio) {
  auto stream = make_stream(audio);
  if (!stream) return stream.error();
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg) return leg_not_found(id);
  if (leg->stream) return leg_busy(id, "already connected");
  SY_TRY(leg->socket->set_remote({audio.remote_ip, audio.remote_port}));
  leg->stream = std::move(*stream);
  if (Status st = apply_inband_locked(*leg); !st) {
    leg->stream.reset();
    return st;
  }
  leg->graph = std::make_unique<media::CallMedia>(*leg->stream);
  leg->audio = audio;
  return {};
}

MediaHost::Leg* MediaHost::find(CallId id) {
  auto it = legs_.find(id);
  return it == legs_.end() ? nullptr : it->second.get();
}

void MediaHost::update(CallId id, const NegotiatedAudio& audio) {
  std::lock_guard lock(mu_);
  Leg* found = find(id);
  if (!found) return;
  Leg& leg = *found;
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
  Leg* leg = find(id);
  if (!leg || !leg->graph) return 0;
  for (auto& p : prompts)
    if (p) leg->graph->caller_player().play(std::move(p));
  leg->playing = true;
  return ++leg->sequence;
}

void MediaHost::stop_playback(CallId id) {
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg || !leg->graph) return;
  leg->graph->caller_player().stop();
  leg->playing = false;
  ++leg->sequence;  // a finish already on its way is stale
}

void MediaHost::play_waiting_tone(CallId id, const media::ToneSpec& spec) {
  auto tone = media::ToneGenerator::create(spec);
  if (!tone) {
    spdlog::warn("media: call {}: {}", id, tone.error().message);
    return;
  }
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg || !leg->graph) return;
  leg->graph->caller_player().stop();
  leg->graph->caller_player().play_tone(std::move(*tone));
  leg->playing = false;
  ++leg->sequence;
}

void MediaHost::detach_locked(CallId id, Leg& leg) {
  if (leg.bridged_to) {
    if (Leg* owner = find(*leg.bridged_to)) {
      if (owner->agent == id) {
        owner->graph->attach_agent(nullptr);
        owner->agent.reset();
        if (Status st = apply_inband_locked(*owner); !st)
          spdlog::warn("media: call {}: {}", owner->id, st.error().message);
      }
      if (owner->supervisor == id) {
        owner->graph->detach_supervisor();
        owner->supervisor.reset();
      }
      if (owner->third == id) {
        owner->graph->attach_third(nullptr);
        owner->third.reset();
      }
    }
    leg.bridged_to.reset();
  }
  for (auto* other : {&leg.agent, &leg.supervisor, &leg.third}) {
    if (!*other) continue;
    if (Leg* o = find(**other)) o->bridged_to.reset();
    other->reset();
  }
  if (leg.graph) {
    leg.graph->attach_agent(nullptr);
    leg.graph->detach_supervisor();
    leg.graph->attach_third(nullptr);
  }
}

void MediaHost::close(CallId id) {
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg) return;
  detach_locked(id, *leg);
  stop_recording_locked(id, *leg);
  legs_.erase(id);
}

Status MediaHost::bridge(CallId caller_leg, CallId agent_leg) {
  if (caller_leg == agent_leg) return leg_busy(caller_leg, "cannot bridge a leg to itself");
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller) return leg_not_found(caller_leg);
  Leg* agent = find(agent_leg);
  if (!agent) return leg_not_found(agent_leg);
  if (!caller->stream) return leg_busy(caller_leg, "not connected");
  if (!agent->stream) return leg_busy(agent_leg, "not connected (no answer yet)");
  if (caller->bridged_to) return leg_busy(caller_leg, "is itself bridged into another call");
  if (caller->agent) return leg_busy(caller_leg, "already has an agent");
  if (agent->bridged_to || agent->agent || agent->supervisor || agent->third)
    return leg_busy(agent_leg, "already bridged");
  agent->graph->caller_player().stop();
  agent->playing = false;
  ++agent->sequence;
  caller->graph->caller_player().stop();
  caller->playing = false;
  ++caller->sequence;
  caller->graph->attach_agent(agent->stream.get());
  caller->agent = agent_leg;
  agent->bridged_to = caller_leg;
  (void)apply_inband_locked(*caller);  // turning detection off cannot fail
  return {};
}

void MediaHost::unbridge(CallId caller_leg) {
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller || !caller->agent) return;
  if (Leg* agent = find(*caller->agent)) agent->bridged_to.reset();
  caller->agent.reset();
  caller->graph->attach_agent(nullptr);
  caller->graph->set_hold(false);
  if (Status st = apply_inband_locked(*caller); !st)
    spdlog::warn("media: call {}: {}", caller_leg, st.error().message);
}

Status MediaHost::start_recording(CallId caller_leg, const std::string& wav_path,
                                  media::RecorderOptions options) {
  {
    std::lock_guard lock(mu_);
    Leg* leg = find(caller_leg);
    if (!leg) return leg_not_found(caller_leg);
    if (!leg->graph) return leg_busy(caller_leg, "not connected");
    if (leg->bridged_to) return leg_busy(caller_leg, "is an agent leg; record its caller leg");
    if (leg->recorder) return leg_busy(caller_leg, "is already being recorded");
  }
  auto recorder = media::CallRecorder::open(wav_path, options);
  if (!recorder) return recorder.error();
  std::lock_guard lock(mu_);
  Leg* leg = find(caller_leg);
  if (!leg) return leg_not_found(caller_leg);  // closed meanwhile; the file stays empty
  if (leg->recorder) return leg_busy(caller_leg, "is already being recorded");
  leg->recorder = std::move(*recorder);
  leg->recorder_failed = false;
  leg->graph->set_recorder(leg->recorder.get());
  return {};
}

void MediaHost::stop_recording_locked(CallId id, Leg& leg) {
  if (!leg.recorder) return;
  if (leg.graph) leg.graph->set_recorder(nullptr);
  {
    std::lock_guard lock(encode_mu_);
    encodes_.push_back(Encode{id, std::move(leg.recorder)});
  }
  encode_cv_.notify_one();
}

void MediaHost::stop_recording(CallId caller_leg) {
  std::lock_guard lock(mu_);
  if (Leg* leg = find(caller_leg)) stop_recording_locked(caller_leg, *leg);
}

void MediaHost::run_encoder() {
  for (;;) {
    Encode job;
    {
      std::unique_lock lock(encode_mu_);
      encode_cv_.wait(lock, [&] { return encoder_stop_ || !encodes_.empty(); });
      if (encodes_.empty()) return;  // stopping and nothing left
      job = std::move(encodes_.front());
      encodes_.pop_front();
    }
    std::string wav = job.recorder->path();
    Status closed = job.recorder->close();
    job.recorder.reset();
    if (!closed) {
      events_.on_recording_finished(job.caller_leg, closed.error());
      continue;
    }
    auto meta = media::finalize_recording(wav, mp3_path_for(wav));
    if (!meta) spdlog::warn("media: recording {}: {}", wav, meta.error().message);
    events_.on_recording_finished(job.caller_leg, meta);
  }
}

Status MediaHost::attach_supervisor(CallId caller_leg, CallId supervisor_leg,
                                    media::SupervisorMode mode) {
  if (mode == media::SupervisorMode::kNone) {
    detach_supervisor(caller_leg);
    return {};
  }
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller) return leg_not_found(caller_leg);
  Leg* sup = find(supervisor_leg);
  if (!sup) return leg_not_found(supervisor_leg);
  if (!caller->graph || caller->bridged_to) return leg_busy(caller_leg, "is not a caller leg");
  if (!sup->stream) return leg_busy(supervisor_leg, "not connected (no answer yet)");
  if (caller->supervisor && caller->supervisor != supervisor_leg)
    return leg_busy(caller_leg, "already has a supervisor");
  if (sup->bridged_to && sup->bridged_to != caller_leg)
    return leg_busy(supervisor_leg, "already attached elsewhere");
  if (sup->agent || sup->supervisor || sup->third)
    return leg_busy(supervisor_leg, "is a caller leg");
  sup->graph->caller_player().stop();
  sup->playing = false;
  caller->graph->attach_supervisor(sup->stream.get(), mode);  // also switches modes
  caller->supervisor = supervisor_leg;
  sup->bridged_to = caller_leg;
  return {};
}

void MediaHost::detach_supervisor(CallId caller_leg) {
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller || !caller->supervisor) return;
  if (Leg* sup = find(*caller->supervisor)) sup->bridged_to.reset();
  caller->supervisor.reset();
  caller->graph->detach_supervisor();
}

Status MediaHost::attach_third(CallId caller_leg, CallId third_leg) {
  if (caller_leg == third_leg) return leg_busy(caller_leg, "cannot join a leg to itself");
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller) return leg_not_found(caller_leg);
  Leg* third = find(third_leg);
  if (!third) return leg_not_found(third_leg);
  if (!caller->graph || caller->bridged_to) return leg_busy(caller_leg, "is not a caller leg");
  if (!third->stream) return leg_busy(third_leg, "not connected (no answer yet)");
  if (caller->third) return leg_busy(caller_leg, "already has a third party");
  if (third->bridged_to || third->agent || third->supervisor || third->third)
    return leg_busy(third_leg, "already bridged");
  third->graph->caller_player().stop();
  third->playing = false;
  ++third->sequence;
  caller->graph->attach_third(third->stream.get());
  caller->third = third_leg;
  third->bridged_to = caller_leg;
  return {};
}

void MediaHost::detach_third(CallId caller_leg) {
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller || !caller->third) return;
  if (Leg* third = find(*caller->third)) third->bridged_to.reset();
  caller->third.reset();
  caller->graph->attach_third(nullptr);
}

void MediaHost::set_conference(CallId caller_leg, bool on) {
  std::lock_guard lock(mu_);
  Leg* caller = find(caller_leg);
  if (!caller || !caller->graph || caller->bridged_to) return;
  caller->graph->set_conference(on && caller->third);
}

void MediaHost::set_hold(CallId caller_leg, bool on, const media::ToneSpec& music) {
  std::unique_ptr<media::ToneGenerator> tone;
  if (on) {
    auto made = media::ToneGenerator::create(music);
    if (!made)
      spdlog::warn("media: call {}: {}", caller_leg, made.error().message);
    else
      tone = std::move(*made);
  }
  std::lock_guard lock(mu_);
  Leg* leg = find(caller_leg);
  if (!leg || !leg->graph || leg->bridged_to) return;
  leg->graph->set_hold(on);
  leg->graph->caller_player().stop();
  if (tone) leg->graph->caller_player().play_tone(std::move(tone));
  leg->playing = false;
  ++leg->sequence;
}

void MediaHost::set_mute(CallId id, bool on) {
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg) return;
  if (leg->bridged_to) {
    Leg* owner = find(*leg->bridged_to);
    if (!owner) return;
    owner->graph->set_muted(owner->agent == id   ? media::Party::kAgent
                            : owner->third == id ? media::Party::kThird
                                                 : media::Party::kSupervisor,
                            on);
  } else if (leg->graph) {
    leg->graph->set_muted(media::Party::kCaller, on);
  }
}

Status MediaHost::set_inband_dtmf(CallId id, bool on) {
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg) return leg_not_found(id);
  leg->inband_override = on;
  return apply_inband_locked(*leg);
}

Status MediaHost::apply_inband_locked(Leg& leg) {
  if (!leg.stream) return {};
  bool on = leg.inband_override.value_or(leg.caller && !leg.agent);
  return leg.stream->set_inband_detection(on);
}

Status MediaHost::send_dtmf(CallId id, std::string_view digits) {
  std::lock_guard lock(mu_);
  Leg* leg = find(id);
  if (!leg) return leg_not_found(id);
  if (!leg->stream) return leg_busy(id, "not connected");
  SY_TRY(leg->stream->send_digits(digits));
  leg->counters.dtmf_sent += digits.size();
  return {};
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

std::optional<LegCounters> MediaHost::leg_counters(CallId id) const {
  std::lock_guard lock(mu_);
  auto it = legs_.find(id);
  if (it == legs_.end()) return std::nullopt;
  LegCounters c = it->second->counters;
  c.inband_dtmf = it->second->stream && it->second->stream->inband_detection();
  return c;
}

void MediaHost::run() {
  using namespace std::chrono;
  pthread_setname_np(pthread_self(), "sy-media");  // visible in top -H and /proc
  if (realtime_priority_ > 0) {
    sched_param param{};
    param.sched_priority = std::min(realtime_priority_, 99);
    if (int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param); err != 0)
      spdlog::warn("media: cannot use real-time priority {} ({}); normal scheduling",
                   realtime_priority_, std::strerror(err));
  }
  auto next = steady_clock::now();
  while (running_.load()) {
    next += milliseconds(20);
    tick_all();
    ++ticks_;
    auto now = steady_clock::now();
    if (now > next + milliseconds(20)) ++late_;
    // After a slow tick the next one runs at once, so the packets keep to the RTP clock and the
    // far end sees one late packet, not a lasting shift; after a long stall (the process was
    // stopped), start a new schedule instead of bursting.
    if (now > next + milliseconds(200)) next = now;
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
    // Pass 1: every leg's input, so a bridged call mixes this tick's packets from both sides.
    // Level-triggered: a socket with several datagrams waiting shows up again in the next
    // round. Bounded, so a flood cannot hold the tick.
    epoll_event ready[1024];
    for (int round = 0; round < 16; ++round) {
      int n = epoll_wait(epoll_fd_, ready, 1024, 0);
      if (n <= 0) break;
      for (int e = 0; e < n; ++e) {
        auto tagged = static_cast<std::uintptr_t>(ready[e].data.u64);
        Leg& leg = *reinterpret_cast<Leg*>(tagged & ~std::uintptr_t{1});
        if (tagged & 1) {  // RTCP is read so the socket never fills
          auto got = leg.socket->receive_rtcp(buffer);
          if (got && *got && leg.stream)
            leg.stream->on_rtcp(std::span<const uint8_t>(buffer, (*got)->size), now);
          continue;
        }
        auto got = leg.socket->receive_rtp(buffer);
        if (!got || !*got || !leg.stream) continue;  // reserved, not answered yet: discard
        ++in_;
        ++leg.counters.packets_in;
        leg.stream->on_datagram(std::span<const uint8_t>(buffer, (*got)->size), now);
      }
      if (n < 1024) break;
    }
    for (auto& [id, leg_ptr] : legs_)
      if (leg_ptr->stream)
        for (char d : leg_ptr->stream->take_digits()) digits.emplace_back(id, d);
    // Pass 2: each call's graph (caller legs, and legs not bridged) sends every leg its packet.
    auto send = [&](Leg& to, const std::vector<uint8_t>& packet, bool loud) {
      if (packet.empty() || !sends(to.audio)) return;
      if (to.socket->send_rtp(packet)) {
        ++out_;
        ++to.counters.packets_out;
        if (packet.size() > 1 && (packet[1] & 0x7f) == to.audio.telephone_event_payload_type)
          ++to.counters.events_out;
        else if (loud)
          ++to.counters.loud_frames_out;
      }
    };
    for (auto& [id, leg_ptr] : legs_) {
      Leg& leg = *leg_ptr;
      if (!leg.graph || leg.bridged_to) continue;
      auto out = leg.graph->tick(now);
      if (!out) {
        // The recording could not be written (disk full...): the call goes on unrecorded.
        spdlog::warn("media: call {}: recording stopped: {}", id, out.error().message);
        stop_recording_locked(id, leg);
        continue;
      }
      if (out->heard_from[0]) ++leg.counters.loud_frames_in;
      send(leg, out->to_caller, out->sent_to[0]);
      if (leg.agent)
        if (Leg* agent = find(*leg.agent)) {
          if (out->heard_from[1]) ++agent->counters.loud_frames_in;
          send(*agent, out->to_agent, out->sent_to[1]);
        }
      if (leg.supervisor)
        if (Leg* sup = find(*leg.supervisor)) {
          if (out->heard_from[2]) ++sup->counters.loud_frames_in;
          send(*sup, out->to_supervisor, out->sent_to[2]);
        }
      if (leg.third)
        if (Leg* third = find(*leg.third)) {
          if (out->heard_from[3]) ++third->counters.loud_frames_in;
          send(*third, out->to_third, out->sent_to[3]);
        }
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
