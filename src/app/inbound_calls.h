// Inbound calls into the IVR: the control-loop side of the telephony adapter. SIP and media
// events are posted to the control loop, where one ivr::Session per call decides what happens;
// its actions become media commands (prompts, barge-in, waiting tone), SIP commands (answer,
// hang up) and lookups, which run on a worker thread against the store. Prompts are rendered
// (espeak-ng, cached on disk and in memory) on a second worker, never on the control loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "app/control_loop.h"
#include "app/flow_registry.h"
#include "app/ivr_lookups.h"
#include "ivr/session.h"
#include "sip/media_host.h"
#include "sip/sip_adapter.h"

namespace sy::app {

// What is kept of a finished call. Calls are kept in memory behind this interface until the
// call-record repository exists; then a sink writing it replaces the in-memory one.
struct CallSummary {
  sip::CallId id = 0;
  std::string caller;
  std::string called;
  TimePoint started_at;
  std::optional<TimePoint> answered_at;
  TimePoint ended_at;
  std::string end_reason;
  std::vector<std::string> ivr_path;
  std::vector<ivr::CollectedDigits> digits;  // PINs already masked by the IVR
  std::string queue;
};

class CallRecordSink {
 public:
  virtual ~CallRecordSink() = default;
  virtual void call_finished(const CallSummary& call) = 0;
};

// Keeps the last `capacity` finished calls (newest last) and logs each one.
class InMemoryCallLog final : public CallRecordSink {
 public:
  explicit InMemoryCallLog(std::size_t capacity = 1000) : capacity_(capacity) {}
  void call_finished(const CallSummary& call) override;
  std::vector<CallSummary> recent() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::vector<CallSummary> calls_;
};

struct InboundOptions {
  std::string media_ip = "127.0.0.1";  // c= of our answers
  std::string tts_dir = "var/tts";
};

class InboundCalls final : public sip::CallHandler, public sip::MediaEvents {
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
  // sip::MediaEvents (media thread).
  void on_digit(sip::CallId id, char digit) override;
  void on_playback_finished(sip::CallId id, std::uint64_t sequence) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<sip::SipAdapter*> sip_{nullptr};
  std::atomic<std::size_t> active_{0};
  ControlLoop& loop_;
};

}  // namespace sy::app
