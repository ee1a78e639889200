// The private state of InboundCalls, shared by the three files that implement it:
// inbound_calls.cc (the calls coming in and the IVR driving them, queueing and announcements),
// agent_delivery.cc (ringing agent phones, answers, failures, recordings) and
// call_control_impl.cc (the desktop's call control and supervisor monitoring).
// Everything here runs on the control loop unless a comment says otherwise.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <unordered_map>

#include "app/inbound_calls.h"
#include "media/prompts.h"

namespace sy::app {
namespace inbound {

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

inline std::string variable(const ivr::Session& s, const std::string& name) {
  auto it = s.variables().find(name);
  return it == s.variables().end() ? std::string() : it->second;
}

}  // namespace inbound

class InboundCalls::Impl {
 public:
  using Worker = inbound::Worker;
  using PromptLibrary = inbound::PromptLibrary;

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
    // Consultation: the agent's second line to a colleague while the caller waits on hold, then
    // a transfer to them or a three-way conference.
    sip::CallId consult_leg = 0;                // our INVITE to the consulted phone
    bool consult_answered = false;
    bool conference = false;
    std::string consult_target;                 // the consulted extension
    std::optional<std::int64_t> consult_agent;  // the agent of that extension, if any
    bool consult_agent_marked = false;          // we set that agent on a call in the ACD
    // The call's agent took it over by a consultation: they are not the ACD's contact, so the
    // end of the call sets them to wrap-up directly.
    bool agent_outside_acd = false;
    bool handed_over = false;  // taken over by the consulted party: their desktop is told the end
  };
  // Our outbound leg to an agent's phone, for one offer.
  struct AgentLeg {
    enum class Kind { kAgent, kTransfer, kSupervisor, kConsult };
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
  AcdService* acd() const { return options_.acd; }

  // Calls coming in, the IVR, queueing and announcements (inbound_calls.cc).
  void incoming(const sip::IncomingCall& in);
  void established(sip::CallId id);
  void ended(sip::CallId id, sip::CallEndReason reason);
  void leave_queue(Call& call, TimePoint t, bool abandoned);
  void digit(sip::CallId id, char key);
  void playback_finished(sip::CallId id, std::uint64_t seq);
  void check_deadlines();
  void apply(sip::CallId id, Result<ivr::Actions> actions);
  void carry_out(sip::CallId id, Call& call, const ivr::PlayAction& play);
  void carry_out(sip::CallId, Call&, const ivr::StartDigitCollectionAction&);
  void carry_out(sip::CallId id, Call& call, const ivr::StopPlaybackAction&);
  void carry_out(sip::CallId id, Call&, const ivr::LookupAction& lookup);
  static void for_screen_pop(const Call& call, QueuedCall& q);
  void carry_out(sip::CallId id, Call& call, const ivr::EnqueueAction& enqueue);
  void announce(sip::CallId id, Call& call, int position, double wait_s);
  void back_to_waiting(sip::CallId id);
  void offer_callback(sip::CallId id, Call& call);
  void accept_callback(sip::CallId id, Call& call);
  void say(sip::CallId id, Call& call, const std::string& text,
           std::function<void(sip::CallId)> then);
  void check_queue();
  void acd_notice(const AcdNotice& n);
  sip::CallId by_record(const std::string& record_id) const;
  void carry_out(sip::CallId id, Call& call, const ivr::TransferAction& transfer);
  void carry_out(sip::CallId id, Call& call, const ivr::RecordVoicemailAction& vm);
  void carry_out(sip::CallId id, Call& call, const ivr::RequestCallbackAction& cb);
  void carry_out(sip::CallId id, Call& call, const ivr::HangupAction& hangup);
  void record_contact(sip::CallId id, const Call& call, const std::string& category,
                      const std::string& phone, const std::string& disposition);
  void stop();

  // Delivery to agent phones and recordings (agent_delivery.cc).
  void acd_offer(const AcdOffer& o);
  void outbound_ringing(sip::CallId leg);
  void outbound_answered(sip::CallId leg, const sip::NegotiatedAudio& audio);
  void outbound_failed(sip::CallId leg, int status);
  void offer_withdrawn(const std::string& call_id);
  void agent_leg_ended(sip::CallId leg, AgentLeg a, sip::CallEndReason reason);
  void recording_finished(sip::CallId caller_leg, const Result<media::RecordingMetadata>& result);
  static std::string day_folder(TimePoint t);

  // Desktop call control and monitoring (call_control_impl.cc).
  static Error cc_error(ErrorKind kind, const std::string& code, const std::string& message);
  Result<api::LiveCall> live_call(const std::string& record_id);
  Result<Call*> own_call(const std::string& record_id, const api::CallActor& by);
  Status call_action(const std::string& record_id, const api::CallActor& by,
                     const std::string& action, const std::string& digits,
                     const api::CallTarget& to);
  void answer(const std::string& record_id, const api::CallActor& by,
              std::function<void(Status)> done);
  void release_agent(Call& call);
  Status requeue(sip::CallId id, Call& call, const std::string& queue);
  Status monitor(const std::string& record_id, const api::CallActor& sup, api::MonitorMode mode);
  Status consult(Call& call, const api::CallTarget& to);
  Status complete_transfer(Call& call);
  Status conference(Call& call);
  Status cancel_consult(Call& call);
  // The consulted phone answered / failed / hung up (agent_delivery.cc hands these over).
  void consult_answered(Call& call, AgentLeg& leg, sip::CallId sip_leg);
  void consult_gone(Call& call, const std::string& why);
  // The agent's leg ended while the consulted party is on the line: the caller stays with them.
  bool agent_left_consultation(Call& call);
  // The caller hung up: the consulted leg goes too, agents taken out of the ACD come back.
  void consultation_call_over(Call& call);
  // The consulted party takes the agent's place (complete transfer, or the agent left).
  void hand_over_to_consulted(Call& call);
  void unmark_consulted_agent(Call& call);
  // call.updated for the desktop; `state` overrides the call's ("ended").
  // `former_consulted`: an agent whose consultation just ended, told too.
  void publish_update(const Call& call, const std::string& state = "",
                      std::int64_t former_consulted = 0);
  static std::string control_state(const Call& call);
  // Back to the IVR at an agent_return point (ivr_return.cc).
  Result<std::vector<api::ReturnPoint>> return_points(const std::string& record_id,
                                                      const api::CallActor& by);
  Status return_to_ivr(Call& call, const std::string& node);

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

}  // namespace sy::app
