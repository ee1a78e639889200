// InboundCalls, delivery to agents: the ACD's offers ring the agent's registered phone;
// answers are bridged to the caller and recorded; failures go back to the ACD.
#include <spdlog/spdlog.h>

#include <ctime>
#include <filesystem>

#include "app/inbound_calls_impl.h"

namespace sy::app {

using inbound::variable;

// The ACD chose an agent: ring their registered phone, our media leg reserved for the answer.
void InboundCalls::Impl::acd_offer(const AcdOffer& o) {
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

void InboundCalls::Impl::outbound_ringing(sip::CallId leg) {
  if (auto it = legs_.find(leg); it != legs_.end())
    spdlog::debug("call {}: extension {} is ringing", it->second.offer.call_id,
                  it->second.offer.extension);
}

// The agent picked up: accept in the ACD, bridge caller and agent, start the recording.
void InboundCalls::Impl::outbound_answered(sip::CallId leg, const sip::NegotiatedAudio& audio) {
  auto it = legs_.find(leg);
  if (it == legs_.end()) return;
  AgentLeg& a = it->second;
  Call* call = a.caller ? find(a.caller) : nullptr;
  auto* s = sip();
  bool expected = a.kind == AgentLeg::Kind::kSupervisor ? call && call->supervisor_leg == leg
                  : a.kind == AgentLeg::Kind::kConsult  ? call && call->consult_leg == leg
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
  if (a.kind == AgentLeg::Kind::kConsult) {
    consult_answered(*call, a, leg);
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
void InboundCalls::Impl::outbound_failed(sip::CallId leg, int status) {
  auto it = legs_.find(leg);
  if (it == legs_.end()) return;
  AgentLeg a = it->second;
  legs_.erase(it);
  media_.close(a.media);
  Call* call = a.caller ? find(a.caller) : nullptr;
  if (call && call->ringing_leg == leg) call->ringing_leg = 0;
  if (call && call->supervisor_leg == leg) call->supervisor_leg = 0;
  if (a.kind == AgentLeg::Kind::kSupervisor) return;
  if (a.kind == AgentLeg::Kind::kConsult) {  // busy, declined, not answered
    if (call && call->consult_leg == leg && !a.withdrawn)
      consult_gone(*call, "the phone answered " + std::to_string(status));
    return;
  }
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
void InboundCalls::Impl::offer_withdrawn(const std::string& call_id) {
  sip::CallId id = by_record(call_id);
  Call* call = find(id);
  if (!call || !call->ringing_leg) return;
  if (auto it = legs_.find(call->ringing_leg); it != legs_.end()) it->second.withdrawn = true;
  if (auto* s = sip()) s->hangup(call->ringing_leg);  // CANCEL
  call->ringing_leg = 0;
}

// An answered agent leg ended: the agent hung up (the caller is released too), or we did.
void InboundCalls::Impl::agent_leg_ended(sip::CallId leg, AgentLeg a, sip::CallEndReason reason) {
  legs_.erase(leg);
  media_.close(a.media);
  Call* call = a.caller ? find(a.caller) : nullptr;
  if (call && call->supervisor_leg == leg) {
    call->supervisor_leg = 0;
    media_.detach_supervisor(a.caller);
    return;
  }
  if (call && call->consult_leg == leg) {  // the consulted party hung up
    consult_gone(*call, "hung up");
    return;
  }
  if (!call || call->agent_leg != leg) return;
  if (call->consult_leg) {  // the agent hung up during a consultation
    call->agent_leg = 0;    // gone already: no BYE
    if (agent_left_consultation(*call)) return;
    call->agent_leg = leg;
  }
  if (call->end_reason.empty())
    call->end_reason = reason == sip::CallEndReason::kRemoteHangup ? "agent_hangup"
                                                                    : sip::end_reason_name(reason);
  if (auto* s = sip()) s->hangup(a.caller);
}

void InboundCalls::Impl::recording_finished(sip::CallId caller_leg,
                                            const Result<media::RecordingMetadata>& result) {
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

std::string InboundCalls::Impl::day_folder(TimePoint t) {
  std::time_t secs = static_cast<std::time_t>(to_unix_ms(t) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y/%m/%d", &tm);
  return buf;
}

}  // namespace sy::app
