#include "app/inbound_calls.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
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

std::string variable(const ivr::Session& s, const std::string& name) {
  auto it = s.variables().find(name);
  return it == s.variables().end() ? std::string() : it->second;
}

}  // namespace

void InMemoryCallLog::call_finished(const CallSummary& call) {
  std::string path;
  for (const auto& node : call.ivr_path) path += (path.empty() ? "" : ">") + node;
  spdlog::info("call {} from {} to {} ended ({}), ivr path {}{}", call.id, call.caller,
               call.called, call.end_reason, path, call.queue.empty() ? "" : ", queue " + call.queue);
  std::lock_guard lock(mu_);
  calls_.push_back(call);
  if (calls_.size() > capacity_) calls_.erase(calls_.begin());
}

std::vector<CallSummary> InMemoryCallLog::recent() const {
  std::lock_guard lock(mu_);
  return calls_;
}

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
    Call* call = find(id);
    if (!call) return;
    media_.close(id);
    TimePoint t = now();
    if (call->session->state() != ivr::SessionState::kEnded)
      (void)call->session->call_ended(sip::end_reason_name(reason), t);
    CallSummary summary;
    summary.id = id;
    summary.caller = call->in.caller;
    summary.called = call->in.called;
    summary.started_at = call->started_at;
    summary.answered_at = call->answered_at;
    summary.ended_at = t;
    summary.end_reason =
        call->end_reason.empty() ? sip::end_reason_name(reason) : call->end_reason;
    summary.ivr_path = call->session->trace().path;
    summary.digits = call->session->trace().digits;
    summary.queue = call->queue;
    calls_.erase(id);
    --owner_.active_;
    records_.call_finished(summary);
  }

  void digit(sip::CallId id, char key) {
    if (Call* call = find(id); call && call->ivr_started)
      apply(id, call->session->digit(key, now()));
  }

  void playback_finished(sip::CallId id, std::uint64_t seq) {
    Call* call = find(id);
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
  void carry_out(sip::CallId id, Call& call, const ivr::EnqueueAction& enqueue) {
    call.queue = enqueue.spec.name;
    ++call.render_token;
    call.awaiting_prompt = false;
    media_.play_waiting_tone(id, media::china_ringback_tone());
    auto reason = enqueue.attached.find("contact_reason");
    if (reason != enqueue.attached.end() && !reason->second.empty()) {
      std::string phone = variable(*call.session, "repair_contact");
      record_contact(id, call, reason->second, phone.empty() ? call.in.caller : phone,
                     "queued:" + enqueue.spec.name);
    }
  }
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
    contact.call_id = "sip-" + std::to_string(id);
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
void InboundCalls::on_playback_finished(sip::CallId id, std::uint64_t sequence) {
  loop_.post([this, id, sequence] { impl_->playback_finished(id, sequence); });
}

}  // namespace sy::app
