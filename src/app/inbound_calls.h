// Inbound calls into the IVR: the control-loop side of the telephony adapter. SIP and media
// events are posted to the control loop, where one ivr::Session per call decides what happens;
// its actions become media commands (prompts, barge-in, waiting tone), SIP commands (answer,
// hang up) and lookups, which run on a worker thread against the store. Prompts are rendered
// (espeak-ng, cached on disk and in memory) on a second worker, never on the control loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "api/call_control.h"
#include "app/acd_service.h"
#include "app/call_record_writer.h"
#include "app/control_loop.h"
#include "app/flow_registry.h"
#include "app/ivr_lookups.h"
#include "ivr/session.h"
#include "sip/media_host.h"
#include "sip/sip_adapter.h"

namespace sy::app {

struct InboundOptions {
  std::string media_ip = "127.0.0.1";  // c= of our answers
  std::string tts_dir = "var/tts";
  // The call distributor for queue nodes; without it a queued caller only hears the waiting tone.
  AcdService* acd = nullptr;
  std::chrono::seconds announce_interval{30};  // position and estimated wait, spoken this often
  std::chrono::seconds callback_offer_after{60};  // 0: the caller is not offered a callback
  std::string recordings_dir;  // "" : calls are not recorded
};

class InboundCalls final : public sip::CallHandler,
                           public sip::MediaEvents,
                           public sip::RegistrationEvents,
                           public OfferSink {
 public:
  InboundCalls(ControlLoop& loop, FlowRegistry& flows, sip::MediaHost& media,
               store::Repositories& repos, CallRecordSink& records, InboundOptions options);
  ~InboundCalls() override;

  // The adapter started with this object as its handler; commands go to it.
  void attach(sip::SipAdapter* sip) { sip_.store(sip); }
  // Digit timeouts (every 50 ms) and flow hot reload (every 2 s) on the control loop.
  void start_timers();


  // Stops the workers; call after the SIP adapter and before the loop stop.
  void stop();
  std::size_t active_calls() const { return active_.load(); }

  // sip::CallHandler (SIP thread).
  void on_incoming_call(const sip::IncomingCall& call) override;
  void on_call_established(sip::CallId id) override;
  void on_media_changed(sip::CallId id, const sip::NegotiatedAudio& audio) override;
  void on_call_ended(sip::CallId id, sip::CallEndReason reason) override;
  // Our call to an agent's phone (SipAdapter::dial).
  void on_outbound_ringing(sip::CallId id) override;
  void on_outbound_answered(sip::CallId id, const sip::NegotiatedAudio& audio) override;
  void on_outbound_failed(sip::CallId id, int sip_status) override;
  // sip::RegistrationEvents (SIP thread): the agent's phone came or went.
  void on_phone_registered(const std::string& extension, const std::string& contact) override;
  void on_phone_unregistered(const std::string& extension, sip::UnregisterReason reason) override;
  // sip::MediaEvents (media thread).
  void on_digit(sip::CallId id, char digit) override;
  void on_playback_finished(sip::CallId id, std::uint64_t sequence) override;
  void on_recording_finished(sip::CallId caller_leg,
                             const Result<media::RecordingMetadata>& result) override;
  // Desktop call control (control loop only; CallControlService posts here and waits).
  Result<api::LiveCall> live_call(const std::string& call_id);
  Status call_action(const std::string& call_id, const api::CallActor& by, const std::string& action,
                     const std::string& digits = "", const api::CallTarget& to = {});
  Status monitor(const std::string& call_id, const api::CallActor& supervisor, api::MonitorMode mode);
  // The agent answers their ringing call from the desktop: their phone is asked to pick up
  // (SipAdapter::remote_answer). `done` runs once, on the control loop, when the phone agreed
  // (the call then connects as if answered on the handset) or could not (409
  // not_supported_by_phone), within the adapter's remote answer time-out.
  void answer(const std::string& call_id, const api::CallActor& by,
              std::function<void(Status)> done);
  Result<std::vector<api::ReturnPoint>> return_points(const std::string& call_id,
                                                      const api::CallActor& by);

  // OfferSink (control loop): the ACD chose an agent for a queued caller, or has news for one.
  void offer(const AcdOffer& offer) override;
  void notice(const AcdNotice& notice) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<sip::SipAdapter*> sip_{nullptr};
  std::atomic<std::size_t> active_{0};
  ControlLoop& loop_;
};

}  // namespace sy::app
