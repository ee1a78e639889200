#include "app/inbound_calls.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <thread>
#include <unordered_map>

#include "media/prompts.h"
#include "media/tones.h"

namespace sy::app {
namespace {

// One background thread running jobs in order (store reads and writes, TTS renders), so
// nothing blocking ever runs on the control loop.
class Worker {
 public:
  Worker() : thread_([this] { run(); }) {}
  ~Worker() { stop(); }
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopped_ || !jobs_.empty(); });
        if (stopped_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopped_ = false;
  std::thread thread_;
};

// Prompt audio by piece: TTS through the disk cache, files loaded once; both kept in memory so
// a prompt heard by many callers is one shared buffer. Prompt worker thread only.
class PromptLibrary {
 public:
  explicit PromptLibrary(const std::string& tts_dir) : tts_(tts_dir) {}
  Result<media::SharedSamples> get(const ivr::SpokenPiece& piece) {
    std::string key = (piece.kind == ivr::PromptPiece::Kind::kTts ? "t:" : "f:") + piece.text;
    if (auto it = memory_.find(key); it != memory_.end()) return it->second;
    auto samples = piece.kind == ivr::PromptPiece::Kind::kTts ? tts_.samples(piece.text)
                                                              : media::load_prompt(piece.text);
    if (!samples) return samples.error();
    if (memory_.size() > 4096) memory_.clear();  // spoken amounts and dates make many variants
    auto shared = std::make_shared<const std::vector<int16_t>>(std::move(*samples));
    memory_[key] = shared;
    return media::SharedSamples(shared);
  }

 private:
  media::TtsCache tts_;
  std::unordered_map<std::string, media::SharedSamples> memory_;
};

// A call record id unique across restarts: arrival time in ms, then the SIP leg number.
std::string make_record_id(TimePoint at, sip::CallId id) {
  return "c" + std::to_string(to_unix_ms(at)) + "-" + std::to_string(id);
}

// "约3分钟" / "不到1分钟" for the waiting announcement.
std::string spoken_wait(double seconds) {
  if (seconds < 60) return "不到1分钟";
  return "约" + std::to_string(static_cast<long>((seconds + 59) / 60)) + "分钟";
}

std::string variable(const ivr::Session& s, const std::string& name) {
  auto it = s.variables().find(name);
  return it == s.variables().end() ? std::string() : it->second;
}

}  // namespace

class InboundCalls::Impl {
 public:
  Impl(InboundCalls& owner, ControlLoop& loop, FlowRegistry& flows, sip::MediaHost& media,
       store::Repositories& repos, CallRecordSink& records, InboundOptions options)
      : owner_(owner), loop_(loop), flows_(flows), media_(media), repos_(repos), lookups_(repos),
        records_(records), options_(std::move(options)), prompts_(options_.tts_dir) {}

  struct Call {
    sip::IncomingCall in;
    std::unique_ptr<ivr::Session> session;
    TimePoint started_at;
    std::optional<TimePoint> answered_at;
    bool ivr_started = false;
    bool awaiting_prompt = false;
    std::uint64_t play_seq = 0;      // media sequence of the prompt being waited for
    std::uint64_t render_token = 0;  // renders for an older token are dropped
    std::string queue;
    std::string end_reason;
    std::string record_id;
    // Queueing (ACD).
    bool queued = false;                  // waiting in the ACD (also while an agent rings)
    TimePoint queued_at;
    std::optional<int> wait_s;            // fixed once the call leaves the queue
    std::string routing_reason;
    bool region_capped = false;
    bool callback_offered = false;
    bool callback_accepted = false;
    TimePoint next_announce;
    // A system prompt (announcement, notice) and what to do once it has been heard.
    std::uint64_t say_token = 0;
    std::uint64_t say_seq = 0;
    bool saying = false;
    std::function<void(sip::CallId)> after_say;
    // Delivery to an agent's phone.
    sip::CallId ringing_leg = 0;          // our INVITE to the offered agent's phone
    sip::CallId agent_leg = 0;            // the answered agent leg, bridged
    std::optional<std::int64_t> agent_id;
    std::string recording_id;
    bool held = false;
    bool muted = false;
    sip::CallId supervisor_leg = 0;
  };
  // Our outbound leg to an agent's phone, for one offer.
  struct AgentLeg {
    enum class Kind { kAgent, kTransfer, kSupervisor };
    sip::CallId caller = 0;     // the caller's leg
    std::uint64_t media = 0;    // its media leg (reserved before the INVITE)
    AcdOffer offer;
    bool withdrawn = false;     // the ACD took the offer back (ring time-out): cancel quietly
    bool answered = false;
    Kind kind = Kind::kAgent;
    media::SupervisorMode mode = media::SupervisorMode::kListen;  // kSupervisor
    std::int64_t supervisor_user = 0;
  };
  struct PendingRecording {
    std::string recording_id;
    std::string call_id;
  };

  static TimePoint now() { return SystemClock::instance().now(); }
  sip::SipAdapter* sip() { return owner_.sip_.load(); }
  Call* find(sip::CallId id) {
    auto it = calls_.find(id);
    return it == calls_.end() ? nullptr : &it->second;
  }

  void incoming(const sip::IncomingCall& in) {
    auto flow = flows_.flow_for(in.called);
    if (!flow) {
      spdlog::info("call {} from {}: {} is not a service number", in.id, in.caller, in.called);
      if (auto* s = sip()) s->reject(in.id, 404);
      return;
    }
    auto port = media_.open(in.id, in.audio);
    if (!port) {
      spdlog::warn("call {}: no media port: {}", in.id, port.error().message);
      if (auto* s = sip()) s->reject(in.id, 503);
      return;
    }
    Call call;
    call.in = in;
    call.session = std::make_unique<ivr::Session>(flow);
    call.started_at = now();
    call.answered_at = call.started_at;
    call.record_id = make_record_id(call.started_at, in.id);
    store::NewCall row;
    row.id = call.record_id;
    row.from_number = in.caller;
    row.to_number = in.called;
    row.started_at = call.started_at;
    records_.call_started(row);
    calls_.emplace(in.id, std::move(call));
    ++owner_.active_;
    if (auto* s = sip()) s->answer(in.id, sip::LocalMedia{options_.media_ip, *port, 0, 0});
  }

  void established(sip::CallId id) {
    Call* call = find(id);
    if (!call || call->ivr_started) return;
    call->ivr_started = true;
    apply(id, call->session->start(call->in.caller, call->in.called, now()));
  }

  void ended(sip::CallId id, sip::CallEndReason reason) {
    if (auto leg = legs_.find(id); leg != legs_.end()) {
      agent_leg_ended(id, leg->second, reason);
      return;
    }
    Call* call = find(id);
    if (!call) return;
    media_.close(id);
    TimePoint t = now();
    if (call->agent_leg || call->ringing_leg) {
      sip::CallId other = call->agent_leg ? call->agent_leg : call->ringing_leg;
      if (auto leg = legs_.find(other); leg != legs_.end()) leg->second.caller = 0;
      if (auto* s = sip()) s->hangup(other);  // BYE to the agent, or CANCEL while ringing
    }
    if (call->supervisor_leg) {
      if (auto leg = legs_.find(call->supervisor_leg); leg != legs_.end()) leg->second.caller = 0;
      if (auto* s = sip()) s->hangup(call->supervisor_leg);
    }
    if (call->agent_leg && call->end_reason.empty())
      call->end_reason = reason == sip::CallEndReason::kRemoteHangup ? "caller_hangup"
                                                                      : sip::end_reason_name(reason);
    if (call->session->state() != ivr::SessionState::kEnded)
      (void)call->session->call_ended(sip::end_reason_name(reason), t);
    leave_queue(*call, t, /*abandoned=*/call->agent_leg == 0);
    store::CallFinished f;
    f.ended_at = t;
    f.end_reason = call->end_reason.empty() ? sip::end_reason_name(reason) : call->end_reason;
    f.ivr_path = call->session->trace().path;
    for (const auto& d : call->session->trace().digits)
      f.digits.push_back(store::CollectedDigits{d.node, d.digits});  // PINs masked by the IVR
    if (!call->queue.empty()) f.queue = call->queue;
    f.wait_s = call->wait_s;
    if (!call->routing_reason.empty()) f.routing_reason = call->routing_reason;
    std::string customer = variable(*call->session, "customer_id");
    if (!customer.empty()) f.customer_id = std::atoll(customer.c_str());
    std::string region = variable(*call->session, "region_code");
    if (!region.empty()) f.region_code = region;
    if (!call->recording_id.empty()) f.recording_id = call->recording_id;
    std::string record_id = call->record_id;
    calls_.erase(id);
    --owner_.active_;
    records_.call_finished(record_id, f);
  }

  // The call leaves the ACD (hang-up while waiting or ringing: abandoned).
  void leave_queue(Call& call, TimePoint t, bool abandoned) {
    if (!call.queued) {
      if (call.agent_leg && acd()) {  // the conversation is over
        Status st = acd()->end(call.record_id);
        if (!st) spdlog::debug("call {}: ACD end: {}", call.record_id, st.error().message);
      }
      return;
    }
    call.queued = false;
    if (!call.wait_s)
      call.wait_s = static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(t - call.queued_at).count());
    if (!acd() || call.callback_accepted) return;  // a kept place stays for the callback
    Status st = abandoned ? acd()->abandon(call.record_id) : acd()->end(call.record_id);
    if (!st) spdlog::debug("call {}: ACD: {}", call.record_id, st.error().message);
  }

  void digit(sip::CallId id, char key) {
    Call* call = find(id);
    if (!call || !call->ivr_started) return;
    if (call->queued) {
      if (key == '1' && call->callback_offered && !call->callback_accepted) accept_callback(id, *call);
      return;
    }
    apply(id, call->session->digit(key, now()));
  }

  void playback_finished(sip::CallId id, std::uint64_t seq) {
    Call* call = find(id);
    if (call && call->saying && seq == call->say_seq) {
      call->saying = false;
      auto then = std::move(call->after_say);
      call->after_say = nullptr;
      if (then) then(id);
      return;
    }
    if (!call || !call->awaiting_prompt || seq != call->play_seq) return;
    call->awaiting_prompt = false;
    apply(id, call->session->prompt_finished(now()));
  }

  void check_deadlines() {
    TimePoint t = now();
    std::vector<sip::CallId> due;
    for (auto& [id, call] : calls_) {
      auto deadline = call.session->next_deadline();
      if (call.ivr_started && deadline && *deadline <= t) due.push_back(id);
    }
    for (auto id : due)
      if (Call* call = find(id)) apply(id, call->session->tick(t));
  }

  void apply(sip::CallId id, Result<ivr::Actions> actions) {
    if (!actions) {
      spdlog::debug("call {}: ivr: {}", id, actions.error().message);
      return;
    }
    for (auto& action : *actions) {
      Call* call = find(id);
      if (!call) return;
      std::visit([&](auto& a) { carry_out(id, *call, a); }, action);
    }
  }

  void carry_out(sip::CallId id, Call& call, const ivr::PlayAction& play) {
    std::uint64_t token = ++call.render_token;
    call.awaiting_prompt = true;
    call.play_seq = 0;
    prompt_worker_.post([this, id, token, pieces = play.pieces] {
      std::vector<media::SharedSamples> audio;
      for (const auto& piece : pieces) {
        auto samples = prompts_.get(piece);
        if (samples) audio.push_back(*samples);
        else spdlog::warn("call {}: prompt '{}': {}", id, piece.text, samples.error().message);
      }
      loop_.post([this, id, token, audio = std::move(audio)]() mutable {
        Call* c = find(id);
        if (!c || c->render_token != token || !c->awaiting_prompt) return;
        if (audio.empty()) {  // nothing to say: go on as if it had been heard
          c->awaiting_prompt = false;
          apply(id, c->session->prompt_finished(now()));
          return;
        }
        c->play_seq = media_.play(id, std::move(audio));
      });
    });
  }
  void carry_out(sip::CallId, Call&, const ivr::StartDigitCollectionAction&) {
    // Digits are always forwarded; the session keeps its own timeouts.
  }
  void carry_out(sip::CallId id, Call& call, const ivr::StopPlaybackAction&) {
    ++call.render_token;
    call.awaiting_prompt = false;
    media_.stop_playback(id);
  }
  void carry_out(sip::CallId id, Call&, const ivr::LookupAction& lookup) {
    lookup_worker_.post([this, id, lookup] {
      TimePoint t = now();
      LookupAnswer answer = lookups_.run(lookup, t);
      loop_.post([this, id, answer = std::move(answer)] {
        if (Call* c = find(id)) apply(id, c->session->lookup_result(answer.key, answer.variables, now()));
      });
    });
  }
  // What the ringing agent sees of the call: the caller's number, the IVR path and the digits
  // collected (PINs already masked by the IVR).
  static void for_screen_pop(const Call& call, QueuedCall& q) {
    q.caller_number = call.in.caller;
    q.ivr_path = call.session->trace().path;
    for (const auto& d : call.session->trace().digits)
      q.digits.push_back(store::CollectedDigits{d.node, d.digits});
  }

  void carry_out(sip::CallId id, Call& call, const ivr::EnqueueAction& enqueue) {
    call.queue = enqueue.spec.name;
    ++call.render_token;
    call.awaiting_prompt = false;
    auto reason = enqueue.attached.find("contact_reason");
    if (reason != enqueue.attached.end() && !reason->second.empty()) {
      std::string phone = variable(*call.session, "repair_contact");
      record_contact(id, call, reason->second, phone.empty() ? call.in.caller : phone,
                     "queued:" + enqueue.spec.name);
    }
    if (!acd()) {  // no call distributor running: the caller waits with the tone
      media_.play_waiting_tone(id, media::china_ringback_tone());
      return;
    }
    QueuedCall q;
    q.call_id = call.record_id;
    q.queue = enqueue.spec.name;
    for (const auto& [skill, level] : enqueue.spec.skills) q.skills.push_back({skill, level});
    q.region = variable(*call.session, "region_code");
    q.priority = enqueue.effective_priority;
    q.vip = variable(*call.session, "vip") == "yes";
    std::string customer = variable(*call.session, "customer_id");
    if (!customer.empty()) q.customer_id = std::strtoull(customer.c_str(), nullptr, 10);
    for_screen_pop(call, q);
    TimePoint t = now();
    auto queued = acd()->enqueue(q);
    if (!queued) {
      spdlog::warn("call {}: queue {}: {}", call.record_id, q.queue, queued.error().message);
      call.routing_reason = "queue_unavailable: " + queued.error().message;
      apply(id, call.session->queue_outcome("closed", t));
      return;
    }
    call.routing_reason = queued->reason;
    if (queued->region_capped) {
      call.region_capped = true;
      call.routing_reason = "region_capped: " + queued->reason;
      spdlog::info("call {}: region {} is at its cap for queue {}", call.record_id, q.region, q.queue);
      say(id, call, "您所在地区当前人工服务排队人数已满，暂时无法为您排队。",
          [this](sip::CallId cid) {
            if (Call* c = find(cid)) apply(cid, c->session->queue_outcome("full", now()));
          });
      return;
    }
    call.queued = true;
    call.queued_at = t;
    call.next_announce = t + options_.announce_interval;
    spdlog::info("call {}: queued in {} at position {}, about {:.0f} s", call.record_id, q.queue,
                 queued->position, queued->estimated_wait_s);
    if (queued->position > 0) announce(id, call, queued->position, queued->estimated_wait_s);
    else media_.play_waiting_tone(id, media::china_ringback_tone());
  }

  // Position and estimated wait, then the waiting tone again.
  void announce(sip::CallId id, Call& call, int position, double wait_s) {
    std::string text = position <= 1 ? "您是下一位，" : "您前面还有" + std::to_string(position - 1) + "位客户，";
    text += "预计等待时间" + spoken_wait(wait_s) + "，请耐心等候。";
    say(id, call, text, [this](sip::CallId cid) { back_to_waiting(cid); });
  }
  void back_to_waiting(sip::CallId id) {
    Call* c = find(id);
    if (c && c->queued) media_.play_waiting_tone(id, media::china_ringback_tone());
  }

  void offer_callback(sip::CallId id, Call& call) {
    if (call.callback_offered || !call.queued) return;
    call.callback_offered = true;
    spdlog::info("call {}: callback offered after {} s", call.record_id,
                 std::chrono::duration_cast<std::chrono::seconds>(now() - call.queued_at).count());
    say(id, call, "当前等待时间较长。保留您的排队位置并由坐席稍后回电，请按1；继续等待请不要挂机。",
        [this](sip::CallId cid) { back_to_waiting(cid); });
  }

  void accept_callback(sip::CallId id, Call& call) {
    call.callback_accepted = true;
    call.end_reason = "callback_accepted";
    if (Status st = acd()->callback_accepted(call.record_id); !st)
      spdlog::warn("call {}: callback: {}", call.record_id, st.error().message);
    record_contact(id, call, "callback_request", call.in.caller, "callback_kept_place");
    say(id, call, "已为您保留排队位置，坐席将尽快回电，再见。", [this](sip::CallId cid) {
      if (auto* s = sip(); s && find(cid)) s->hangup(cid);
    });
  }

  // Speaks `text` (TTS) outside the flow; `then` runs once it has been heard (or at once when
  // nothing could be rendered).
  void say(sip::CallId id, Call& call, const std::string& text,
           std::function<void(sip::CallId)> then) {
    std::uint64_t token = ++call.say_token;
    call.saying = true;
    call.say_seq = 0;
    call.after_say = std::move(then);
    prompt_worker_.post([this, id, token, text] {
      std::vector<media::SharedSamples> audio;
      auto samples = prompts_.get(ivr::SpokenPiece{ivr::PromptPiece::Kind::kTts, text});
      if (samples) audio.push_back(*samples);
      else spdlog::warn("call {}: prompt '{}': {}", id, text, samples.error().message);
      loop_.post([this, id, token, audio = std::move(audio)]() mutable {
        Call* c = find(id);
        if (!c || c->say_token != token || !c->saying) return;
        if (audio.empty()) {
          c->saying = false;
          auto then = std::move(c->after_say);
          c->after_say = nullptr;
          if (then) then(id);
          return;
        }
        media_.stop_playback(id);  // the waiting tone never ends: a prompt queued behind it is never heard
        c->say_seq = media_.play(id, std::move(audio));
      });
    });
  }

  // Once a second: announcements and the callback offer for waiting callers.
  void check_queue() {
    if (!acd()) return;
    TimePoint t = now();
    std::vector<sip::CallId> ids;
    for (auto& [id, call] : calls_)
      if (call.queued && !call.saying && !call.callback_accepted) ids.push_back(id);
    for (auto id : ids) {
      Call* call = find(id);
      if (!call) continue;
      if (options_.callback_offer_after.count() > 0 && !call->callback_offered &&
          t - call->queued_at >= options_.callback_offer_after) {
        offer_callback(id, *call);
        continue;
      }
      if (t < call->next_announce) continue;
      call->next_announce = t + options_.announce_interval;
      auto estimate = acd()->wait_estimate(call->record_id);
      if (estimate && estimate->position > 0)
        announce(id, *call, estimate->position, estimate->estimated_wait_s);
    }
  }

  // ACD news for a waiting caller.
  void acd_notice(const AcdNotice& n) {
    sip::CallId id = by_record(n.call_id);
    Call* call = find(id);
    if (!call) return;
    switch (n.kind) {
      case AcdNotice::Kind::kCallbackOffered:
        offer_callback(id, *call);
        break;
      case AcdNotice::Kind::kVoicemail:
      case AcdNotice::Kind::kOverflowCentre:
        call->queued = false;
        call->wait_s = static_cast<int>(
            std::chrono::duration_cast<std::chrono::seconds>(now() - call->queued_at).count());
        apply(id, call->session->queue_outcome(
                      n.kind == AcdNotice::Kind::kVoicemail ? "closed" : "timeout", now()));
        break;
      case AcdNotice::Kind::kOfferWithdrawn:
        spdlog::info("call {}: extension {} did not answer in time; back in the queue", n.call_id,
                     n.extension);
        offer_withdrawn(n.call_id);
        break;
    }
  }

  // The ACD chose an agent: ring their registered phone, our media leg reserved for the answer.
  void acd_offer(const AcdOffer& o) {
    sip::CallId id = by_record(o.call_id);
    Call* call = find(id);
    if (!call || !call->queued || call->callback_accepted) {
      spdlog::info("ACD offered call {} to extension {}, but the caller is not on the line",
                   o.call_id, o.extension);
      if (acd()) (void)acd()->end(o.call_id);
      return;
    }
    auto* s = sip();
    std::uint64_t media_id = next_media_leg_++;
    auto port = media_.reserve(media_id);
    if (!s || !port) {
      spdlog::warn("call {}: cannot ring extension {}: {}", o.call_id, o.extension,
                   port ? "SIP is stopping" : port.error().message);
      if (port) media_.close(media_id);
      if (acd()) (void)acd()->refuse(o.call_id);
      return;
    }
    sip::OutboundCall out;
    out.extension = o.extension;
    out.caller_number = call->in.caller;
    out.caller_display = variable(*call->session, "customer_name");
    out.local = sip::LocalMedia{options_.media_ip, *port, 0, 0};
    out.headers = {{"X-Call-Id", o.call_id}, {"X-Queue", o.queue}};
    sip::CallId leg = s->dial(out);
    legs_[leg] = AgentLeg{id, media_id, o, false, false};
    call->ringing_leg = leg;
    call->routing_reason = o.reason;
    spdlog::info("call {}: ringing extension {} (agent {}) for queue {}", o.call_id, o.extension,
                 o.agent_id, o.queue);
  }

  void outbound_ringing(sip::CallId leg) {
    if (auto it = legs_.find(leg); it != legs_.end())
      spdlog::debug("call {}: extension {} is ringing", it->second.offer.call_id,
                    it->second.offer.extension);
  }

  // The agent picked up: accept in the ACD, bridge caller and agent, start the recording.
  void outbound_answered(sip::CallId leg, const sip::NegotiatedAudio& audio) {
    auto it = legs_.find(leg);
    if (it == legs_.end()) return;
    AgentLeg& a = it->second;
    Call* call = a.caller ? find(a.caller) : nullptr;
    auto* s = sip();
    bool expected = a.kind == AgentLeg::Kind::kSupervisor ? call && call->supervisor_leg == leg
                                                          : call && call->ringing_leg == leg;
    if (!call || a.withdrawn || !expected) {  // too late: the caller or offer is gone
      if (s) s->hangup(leg);
      return;
    }
    a.answered = true;
    TimePoint t = now();
    if (Status st = media_.connect(a.media, audio); !st) {
      spdlog::warn("call {}: agent media: {}", a.offer.call_id, st.error().message);
      if (s) s->hangup(leg);
      return;
    }
    if (a.kind == AgentLeg::Kind::kSupervisor) {
      call->supervisor_leg = leg;
      if (Status st = media_.attach_supervisor(a.caller, a.media, a.mode); !st)
        spdlog::warn("call {}: supervisor: {}", a.offer.call_id, st.error().message);
      spdlog::info("call {}: supervisor at extension {} joined", a.offer.call_id, a.offer.extension);
      return;
    }
    if (a.kind == AgentLeg::Kind::kTransfer) {
      call->ringing_leg = 0;
      call->agent_leg = leg;
      if (Status st = media_.bridge(a.caller, a.media); !st)
        spdlog::warn("call {}: bridge: {}", a.offer.call_id, st.error().message);
      spdlog::info("call {}: transferred to extension {}", a.offer.call_id, a.offer.extension);
      return;
    }
    if (Status st = acd()->accept(a.offer.call_id); !st)
      spdlog::warn("call {}: ACD accept: {}", a.offer.call_id, st.error().message);
    call->ringing_leg = 0;
    call->agent_leg = leg;
    call->queued = false;
    call->agent_id = a.offer.agent_id;
    call->wait_s = static_cast<int>(
        std::chrono::duration_cast<std::chrono::seconds>(t - call->queued_at).count());
    ++call->say_token;  // no more announcements
    call->saying = false;
    call->after_say = nullptr;
    media_.stop_playback(a.caller);
    if (call->session->state() != ivr::SessionState::kEnded)
      (void)call->session->call_ended("agent_answered", t);
    if (Status st = media_.bridge(a.caller, a.media); !st)
      spdlog::warn("call {}: bridge: {}", a.offer.call_id, st.error().message);
    std::optional<std::string> recording;
    if (!options_.recordings_dir.empty()) {
      std::string rec_id = "r" + call->record_id.substr(1);
      std::string dir = options_.recordings_dir + "/" + day_folder(t);
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      std::string wav = dir + "/" + rec_id + ".wav";
      if (Status st = media_.start_recording(a.caller, wav); !st) {
        spdlog::warn("call {}: recording: {}", a.offer.call_id, st.error().message);
      } else {
        call->recording_id = rec_id;
        recording = rec_id;
        recordings_[a.caller] = PendingRecording{rec_id, call->record_id};
        store::Recording r;
        r.id = rec_id;
        r.call_id = call->record_id;
        r.path = wav;
        r.format = store::RecordingFormat::kWav;
        r.created_at = t;
        records_.recording_created(r);
      }
    }
    store::CallAnswered answered;
    answered.answered_at = t;
    answered.agent_id = a.offer.agent_id;
    answered.queue = a.offer.queue;
    answered.wait_s = *call->wait_s;
    answered.routing_reason = a.offer.reason;
    answered.recording_id = recording;
    records_.call_answered(call->record_id, answered);
    spdlog::info("call {}: answered by extension {} after {} s in {}", call->record_id,
                 a.offer.extension, *call->wait_s, a.offer.queue);
  }

  // The agent's phone did not answer (busy, declined, not reachable, no response, cancelled).
  void outbound_failed(sip::CallId leg, int status) {
    auto it = legs_.find(leg);
    if (it == legs_.end()) return;
    AgentLeg a = it->second;
    legs_.erase(it);
    media_.close(a.media);
    Call* call = a.caller ? find(a.caller) : nullptr;
    if (call && call->ringing_leg == leg) call->ringing_leg = 0;
    if (call && call->supervisor_leg == leg) call->supervisor_leg = 0;
    if (a.kind == AgentLeg::Kind::kSupervisor) return;
    if (a.kind == AgentLeg::Kind::kTransfer) {  // the target did not answer: back to the queue
      if (call && !a.withdrawn) {
        spdlog::info("call {}: transfer to {} failed ({}); back to queue {}", a.offer.call_id,
                     a.offer.extension, status, call->queue);
        if (Status st = requeue(a.caller, *call, call->queue); !st)
          spdlog::warn("call {}: back to queue: {}", a.offer.call_id, st.error().message);
      }
      return;
    }
    if (a.withdrawn || !call || !acd()) return;  // the ACD already knows
    spdlog::info("call {}: extension {} did not answer ({}); back in the queue", a.offer.call_id,
                 a.offer.extension, status);
    if (status == 480 || status == 404) acd()->agent_unreachable(a.offer.extension);
    Status st = status == 486 || status == 600 || status == 603 ? acd()->refuse(a.offer.call_id)
                                                                : acd()->ring_no_answer(a.offer.call_id);
    if (!st) spdlog::warn("call {}: ACD: {}", a.offer.call_id, st.error().message);
  }

  // The ring time-out passed: the ACD took the offer back (agent not ready, call re-queued).
  void offer_withdrawn(const std::string& call_id) {
    sip::CallId id = by_record(call_id);
    Call* call = find(id);
    if (!call || !call->ringing_leg) return;
    if (auto it = legs_.find(call->ringing_leg); it != legs_.end()) it->second.withdrawn = true;
    if (auto* s = sip()) s->hangup(call->ringing_leg);  // CANCEL
    call->ringing_leg = 0;
  }

  // An answered agent leg ended: the agent hung up (the caller is released too), or we did.
  void agent_leg_ended(sip::CallId leg, AgentLeg a, sip::CallEndReason reason) {
    legs_.erase(leg);
    media_.close(a.media);
    Call* call = a.caller ? find(a.caller) : nullptr;
    if (call && call->supervisor_leg == leg) {
      call->supervisor_leg = 0;
      media_.detach_supervisor(a.caller);
      return;
    }
    if (!call || call->agent_leg != leg) return;
    if (call->end_reason.empty())
      call->end_reason = reason == sip::CallEndReason::kRemoteHangup ? "agent_hangup"
                                                                      : sip::end_reason_name(reason);
    if (auto* s = sip()) s->hangup(a.caller);
  }

  void recording_finished(sip::CallId caller_leg, const Result<media::RecordingMetadata>& result) {
    auto it = recordings_.find(caller_leg);
    if (it == recordings_.end()) return;
    PendingRecording p = it->second;
    recordings_.erase(it);
    if (!result) {
      spdlog::warn("recording {}: {}", p.recording_id, result.error().message);
      return;
    }
    store::Recording r;
    r.id = p.recording_id;
    r.call_id = p.call_id;
    r.path = result->mp3_path.empty() ? result->wav_path : result->mp3_path;
    r.format = result->mp3_path.empty() ? store::RecordingFormat::kWav : store::RecordingFormat::kMp3;
    r.duration_ms = result->duration_ms;
    r.size_bytes = static_cast<std::int64_t>(result->mp3_path.empty() ? result->wav_bytes
                                                                       : result->mp3_bytes);
    records_.recording_encoded(r);
    spdlog::info("recording {} of call {}: {} ms, {}", r.id, r.call_id, r.duration_ms, r.path);
  }

  static std::string day_folder(TimePoint t) {
    std::time_t secs = static_cast<std::time_t>(to_unix_ms(t) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y/%m/%d", &tm);
    return buf;
  }

  // ---- desktop call control --------------------------------------------------------------
  static Error cc_error(ErrorKind kind, const std::string& code, const std::string& message) {
    return make_error(kind, code, message);
  }

  Result<api::LiveCall> live_call(const std::string& record_id) {
    Call* call = find(by_record(record_id));
    if (!call) return cc_error(ErrorKind::kNotFound, "call_not_found", "no live call " + record_id);
    api::LiveCall live;
    live.call_id = call->record_id;
    live.queue = call->queue;
    std::string region = variable(*call->session, "region_code");
    if (!region.empty()) live.region_code = region;
    if (call->agent_leg) {
      live.agent_id = call->agent_id;
      live.state = call->held ? "held" : "talking";
    } else if (call->ringing_leg) {
      if (auto it = legs_.find(call->ringing_leg); it != legs_.end() && it->second.kind == AgentLeg::Kind::kAgent)
        live.agent_id = it->second.offer.agent_id;
      live.state = "ringing";
    } else {
      live.state = call->queued ? "queued" : "ivr";
    }
    return live;
  }

  // The acting agent's own connected call.
  Result<Call*> own_call(const std::string& record_id, const api::CallActor& by) {
    sip::CallId id = by_record(record_id);
    Call* call = find(id);
    if (!call) return cc_error(ErrorKind::kNotFound, "call_not_found", "no live call " + record_id);
    auto live = live_call(record_id);
    if (!live->agent_id || !by.agent_id || *live->agent_id != *by.agent_id)
      return cc_error(ErrorKind::kForbidden, "not_your_call", "the call is not with you");
    return call;
  }

  Status call_action(const std::string& record_id, const api::CallActor& by,
                     const std::string& action, const std::string& digits,
                     const api::CallTarget& to) {
    auto found = own_call(record_id, by);
    if (!found) return found.error();
    Call& call = **found;
    sip::CallId id = call.in.id;
    auto* s = sip();
    if (!s) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "telephony is stopping");
    auto talking = [&]() -> Status {
      if (!call.agent_leg)
        return cc_error(ErrorKind::kConflict, "invalid_call_state", "the call is not answered yet");
      return {};
    };
    if (action == "answer")
      return cc_error(ErrorKind::kConflict, "not_supported_by_phone",
                      "answer on the phone: it cannot be answered from the network");
    if (action == "hangup") {
      if (call.agent_leg) {
        call.end_reason = "agent_hangup";
        s->hangup(id);
      } else {  // ringing: the agent refuses; the caller goes back to the queue
        if (acd()) (void)acd()->refuse(call.record_id);
        if (auto it = legs_.find(call.ringing_leg); it != legs_.end()) it->second.withdrawn = true;
        s->hangup(call.ringing_leg);
        call.ringing_leg = 0;
      }
      return {};
    }
    if (action == "hold" || action == "resume") {
      SY_TRY(talking());
      bool on = action == "hold";
      if (call.held == on)
        return cc_error(ErrorKind::kConflict, "invalid_call_state", on ? "already on hold" : "not on hold");
      media_.set_hold(id, on);
      call.held = on;
      return {};
    }
    if (action == "mute" || action == "unmute") {
      SY_TRY(talking());
      auto leg = legs_.find(call.agent_leg);
      if (leg == legs_.end()) return cc_error(ErrorKind::kConflict, "invalid_call_state", "no agent leg");
      media_.set_mute(leg->second.media, action == "mute");
      call.muted = action == "mute";
      return {};
    }
    if (action == "dtmf") {
      SY_TRY(talking());
      Status st = media_.send_dtmf(id, digits);
      if (!st) return cc_error(ErrorKind::kInvalidInput, "invalid_digits", st.error().message);
      return {};
    }
    if (action == "transfer") {
      SY_TRY(talking());
      if (to.kind == api::CallTarget::Kind::kQueue) {
        release_agent(call);
        return requeue(id, call, to.name);
      }
      // An extension: ring it; the agent leaves now; the caller hears the ring-back meanwhile.
      release_agent(call);
      std::uint64_t media_id = next_media_leg_++;
      auto port = media_.reserve(media_id);
      if (!port) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", port.error().message);
      sip::OutboundCall out;
      out.extension = to.name;
      out.caller_number = call.in.caller;
      out.local = sip::LocalMedia{options_.media_ip, *port, 0, 0};
      out.headers = {{"X-Call-Id", call.record_id}, {"X-Transfer", "blind"}};
      sip::CallId leg = s->dial(out);
      AgentLeg a;
      a.caller = id;
      a.media = media_id;
      a.offer.call_id = call.record_id;
      a.offer.extension = to.name;
      a.kind = AgentLeg::Kind::kTransfer;
      legs_[leg] = a;
      call.ringing_leg = leg;
      media_.play_waiting_tone(id, media::china_ringback_tone());
      return {};
    }
    return cc_error(ErrorKind::kConflict, "invalid_call_state",
                    "consultation, conference and returning a call to the IVR are not available yet");
  }

  // The agent leaves the conversation (transfer): the ACD frees them, their phone gets a BYE.
  void release_agent(Call& call) {
    media_.unbridge(call.in.id);
    if (call.held) media_.set_hold(call.in.id, false);
    call.held = false;
    if (acd()) (void)acd()->end(call.record_id);
    if (auto leg = legs_.find(call.agent_leg); leg != legs_.end()) leg->second.caller = 0;
    if (auto* s = sip()) s->hangup(call.agent_leg);
    call.agent_leg = 0;
  }

  // The caller waits again, in `queue`.
  Status requeue(sip::CallId id, Call& call, const std::string& queue) {
    if (!acd()) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "no call distributor");
    QueuedCall q;
    q.call_id = call.record_id;
    q.queue = queue;
    q.region = variable(*call.session, "region_code");
    q.vip = variable(*call.session, "vip") == "yes";
    std::string customer = variable(*call.session, "customer_id");
    if (!customer.empty()) q.customer_id = std::strtoull(customer.c_str(), nullptr, 10);
    for_screen_pop(call, q);
    auto queued = acd()->enqueue(q);
    if (!queued) {
      if (queued.error().code == "queue_not_found")
        return cc_error(ErrorKind::kNotFound, "target_not_found", "no queue " + queue);
      return queued.error();
    }
    call.queue = queue;
    call.queued = true;
    call.queued_at = now();
    call.next_announce = call.queued_at + options_.announce_interval;
    media_.play_waiting_tone(id, media::china_ringback_tone());
    spdlog::info("call {}: transferred to queue {} (position {})", call.record_id, queue, queued->position);
    return {};
  }

  Status monitor(const std::string& record_id, const api::CallActor& sup, api::MonitorMode mode) {
    sip::CallId id = by_record(record_id);
    Call* call = find(id);
    if (!call) return cc_error(ErrorKind::kNotFound, "call_not_found", "no live call " + record_id);
    if (!call->agent_leg)
      return cc_error(ErrorKind::kConflict, "invalid_call_state", "the call is not with an agent");
    media::SupervisorMode m = mode == api::MonitorMode::kListen    ? media::SupervisorMode::kListen
                              : mode == api::MonitorMode::kWhisper ? media::SupervisorMode::kWhisper
                                                                   : media::SupervisorMode::kBarge;
    if (call->supervisor_leg) {
      auto leg = legs_.find(call->supervisor_leg);
      if (leg == legs_.end() || leg->second.supervisor_user != sup.user_id)
        return cc_error(ErrorKind::kConflict, "invalid_call_state", "another supervisor is on the call");
      leg->second.mode = m;
      if (leg->second.answered) return media_.attach_supervisor(id, leg->second.media, m);
      return {};
    }
    if (sup.extension.empty())
      return cc_error(ErrorKind::kConflict, "no_supervisor_phone", "you have no phone to join with");
    auto* s = sip();
    if (!s) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", "telephony is stopping");
    std::uint64_t media_id = next_media_leg_++;
    auto port = media_.reserve(media_id);
    if (!port) return cc_error(ErrorKind::kUnavailable, "telephony_unavailable", port.error().message);
    sip::OutboundCall out;
    out.extension = sup.extension;
    out.caller_number = call->in.caller;
    out.local = sip::LocalMedia{options_.media_ip, *port, 0, 0};
    out.headers = {{"X-Call-Id", call->record_id}, {"X-Monitor", std::string(api::to_string(mode))}};
    sip::CallId leg = s->dial(out);
    AgentLeg a;
    a.caller = id;
    a.media = media_id;
    a.offer.call_id = call->record_id;
    a.offer.extension = sup.extension;
    a.kind = AgentLeg::Kind::kSupervisor;
    a.mode = m;
    a.supervisor_user = sup.user_id;
    legs_[leg] = a;
    call->supervisor_leg = leg;
    return {};
  }

  sip::CallId by_record(const std::string& record_id) const {
    auto dash = record_id.rfind('-');
    if (dash == std::string::npos) return 0;
    sip::CallId id = std::strtoull(record_id.c_str() + dash + 1, nullptr, 10);
    auto it = calls_.find(id);
    return it != calls_.end() && it->second.record_id == record_id ? id : 0;
  }

  AcdService* acd() const { return options_.acd; }

  void carry_out(sip::CallId id, Call& call, const ivr::TransferAction& transfer) {
    spdlog::warn("call {}: transfer to {} is not available; hanging up", id, transfer.target);
    call.end_reason = "transfer_unavailable";
    if (auto* s = sip()) s->hangup(id);
  }
  void carry_out(sip::CallId id, Call& call, const ivr::RecordVoicemailAction& vm) {
    spdlog::warn("call {}: voicemail box {} is not recorded yet", id, vm.mailbox);
    apply(id, call.session->voicemail_finished(now()));
  }
  void carry_out(sip::CallId id, Call& call, const ivr::RequestCallbackAction& cb) {
    record_contact(id, call, "callback_request", cb.number.empty() ? call.in.caller : cb.number,
                   "callback_requested");
  }
  void carry_out(sip::CallId id, Call& call, const ivr::HangupAction& hangup) {
    call.end_reason = hangup.reason;
    if (auto* s = sip()) s->hangup(id);
  }

  // The contact row an agent sees in the customer's history (fault repair, callback wanted).
  void record_contact(sip::CallId id, const Call& call, const std::string& category,
                      const std::string& phone, const std::string& disposition) {
    store::NewContact contact;
    std::string customer = variable(*call.session, "customer_id");
    if (!customer.empty()) contact.customer_id = std::atoll(customer.c_str());
    std::string region = variable(*call.session, "region_code");
    if (!region.empty()) contact.region_code = region;
    contact.channel = "voice";
    contact.direction = "inbound";
    contact.phone = phone;
    contact.call_id = call.record_id;
    contact.category = category;
    contact.disposition = disposition;
    contact.summary = category == "fault_repair" ? "IVR 故障报修，联系电话 " + phone
                                                 : "IVR 预约回电，号码 " + phone;
    contact.started_at = call.started_at;
    lookup_worker_.post([this, id, contact] {
      auto created = repos_.contacts.create(contact);
      if (!created) spdlog::warn("call {}: contact record: {}", id, created.error().message);
      else spdlog::info("call {}: contact {} recorded ({})", id, created->id, contact.category);
    });
  }

  void stop() {
    prompt_worker_.stop();
    lookup_worker_.stop();
  }

  InboundCalls& owner_;
  ControlLoop& loop_;
  FlowRegistry& flows_;
  sip::MediaHost& media_;
  store::Repositories& repos_;
  IvrLookups lookups_;
  CallRecordSink& records_;
  InboundOptions options_;
  PromptLibrary prompts_;   // prompt worker only
  std::map<sip::CallId, Call> calls_;  // control loop only
  std::map<sip::CallId, AgentLeg> legs_;  // outbound legs to agent phones; control loop only
  std::map<sip::CallId, PendingRecording> recordings_;  // caller leg → recording being encoded
  // Media legs of agent phones are keyed apart from SIP's ids (reserved before the INVITE).
  std::uint64_t next_media_leg_ = std::uint64_t{1} << 62;
  Worker lookup_worker_;
  Worker prompt_worker_;
};

InboundCalls::InboundCalls(ControlLoop& loop, FlowRegistry& flows, sip::MediaHost& media,
                           store::Repositories& repos, CallRecordSink& records,
                           InboundOptions options)
    : impl_(std::make_unique<Impl>(*this, loop, flows, media, repos, records, std::move(options))),
      loop_(loop) {}

InboundCalls::~InboundCalls() { stop(); }

void InboundCalls::start_timers() {
  loop_.every(std::chrono::milliseconds(50), [this] { impl_->check_deadlines(); });
  loop_.every(std::chrono::seconds(2), [this] { impl_->flows_.reload_changed(); });
  loop_.every(std::chrono::seconds(1), [this] { impl_->check_queue(); });
}

void InboundCalls::stop() { impl_->stop(); }

void InboundCalls::on_incoming_call(const sip::IncomingCall& call) {
  loop_.post([this, call] { impl_->incoming(call); });
}
void InboundCalls::on_call_established(sip::CallId id) {
  loop_.post([this, id] { impl_->established(id); });
}
void InboundCalls::on_media_changed(sip::CallId id, const sip::NegotiatedAudio& audio) {
  impl_->media_.update(id, audio);  // thread-safe; the IVR does not care about hold
}
void InboundCalls::on_call_ended(sip::CallId id, sip::CallEndReason reason) {
  loop_.post([this, id, reason] { impl_->ended(id, reason); });
}
void InboundCalls::on_digit(sip::CallId id, char digit) {
  loop_.post([this, id, digit] { impl_->digit(id, digit); });
}
void InboundCalls::on_outbound_ringing(sip::CallId id) {
  loop_.post([this, id] { impl_->outbound_ringing(id); });
}
void InboundCalls::on_outbound_answered(sip::CallId id, const sip::NegotiatedAudio& audio) {
  loop_.post([this, id, audio] { impl_->outbound_answered(id, audio); });
}
void InboundCalls::on_outbound_failed(sip::CallId id, int sip_status) {
  loop_.post([this, id, sip_status] { impl_->outbound_failed(id, sip_status); });
}
void InboundCalls::on_phone_registered(const std::string& extension, const std::string& contact) {
  loop_.post([this, extension, contact] {
    spdlog::info("phone {} registered from {}", extension, contact);
    if (auto* acd = impl_->acd()) acd->agent_reachable(extension);
  });
}
void InboundCalls::on_phone_unregistered(const std::string& extension, sip::UnregisterReason reason) {
  loop_.post([this, extension, reason] {
    spdlog::info("phone {} unregistered ({})", extension, sip::unregister_reason_name(reason));
    if (reason == sip::UnregisterReason::kReplaced) return;  // another contact took it over
    if (auto* acd = impl_->acd()) acd->agent_unreachable(extension);
  });
}
void InboundCalls::on_recording_finished(sip::CallId caller_leg,
                                         const Result<media::RecordingMetadata>& result) {
  loop_.post([this, caller_leg, result] { impl_->recording_finished(caller_leg, result); });
}
Result<api::LiveCall> InboundCalls::live_call(const std::string& call_id) {
  return impl_->live_call(call_id);
}
Status InboundCalls::call_action(const std::string& call_id, const api::CallActor& by,
                                 const std::string& action, const std::string& digits,
                                 const api::CallTarget& to) {
  return impl_->call_action(call_id, by, action, digits, to);
}
Status InboundCalls::monitor(const std::string& call_id, const api::CallActor& supervisor,
                             api::MonitorMode mode) {
  return impl_->monitor(call_id, supervisor, mode);
}
void InboundCalls::offer(const AcdOffer& offer) { impl_->acd_offer(offer); }
void InboundCalls::notice(const AcdNotice& notice) { impl_->acd_notice(notice); }
void InboundCalls::on_playback_finished(sip::CallId id, std::uint64_t sequence) {
  loop_.post([this, id, sequence] { impl_->playback_finished(id, sequence); });
}

}  // namespace sy::app
