// The audio graph of one anchored call for each 20 ms tick: the caller leg, the agent leg once
// bridged, an optional supervisor leg (listen / whisper / barge), an optional consulted third
// party (consultation: it and the agent talk; conference: caller, agent and it all talk), IVR or
// queue audio played to the caller, and the stereo recording (caller left; agent, plus a
// barging supervisor and a conference's third party, right).
// The SIP adapter owns the streams, sockets and recorder and calls tick() from its media timer;
// tick() returns the packets to send on each leg.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "media/mixer.h"
#include "media/player.h"
#include "media/recording.h"
#include "media/rtp_stream.h"

namespace sy::media {

enum class Party { kCaller = 0, kAgent = 1, kSupervisor = 2, kThird = 3 };

// Whether a frame carried audible sound (any sample beyond about -50 dBFS).
bool audible(std::span<const int16_t> frame);

struct CallTickOutput {
  std::vector<uint8_t> to_caller;      // RTP packet for the caller leg
  std::vector<uint8_t> to_agent;       // empty when no agent is bridged
  std::vector<uint8_t> to_supervisor;  // empty unless a supervisor is attached
  std::vector<uint8_t> to_third;       // empty unless a consulted party is attached
  // Audibility of what each party sent this tick (after mute) and of what each was sent, by Party.
  std::array<bool, 4> heard_from{};
  std::array<bool, 4> sent_to{};
};

class CallMedia {
 public:
  // Non-owning: the adapter keeps the streams and recorder alive while they are attached.
  explicit CallMedia(RtpStream& caller) : caller_(&caller) {}

  void attach_agent(RtpStream* agent) { agent_ = agent; }
  void attach_supervisor(RtpStream* supervisor, SupervisorMode mode);
  void detach_supervisor() { attach_supervisor(nullptr, SupervisorMode::kNone); }
  // The consulted party's leg (null detaches): it and the agent hear each other; with
  // set_conference(true) the caller hears it and is heard by it too.
  void attach_third(RtpStream* third) {
    third_ = third;
    if (!third) conference_ = false;
  }
  void set_conference(bool on) { conference_ = on; }
  bool conference() const { return conference_; }
  RtpStream* third() const { return third_; }
  void set_recorder(CallRecorder* recorder) { recorder_ = recorder; }
  // What the caller hears besides the agent: prompts, queue music, announcements.
  PromptPlayer& caller_player() { return caller_player_; }
  SupervisorMode supervisor_mode() const { return mode_; }
  RtpStream* agent() const { return agent_; }
  RtpStream* supervisor() const { return supervisor_; }
  // Hold: caller and agent stop hearing each other (the caller hears the player: hold music).
  void set_hold(bool on) { hold_ = on; }
  bool on_hold() const { return hold_; }
  // A muted party's audio reaches neither the others nor the recording.
  void set_muted(Party party, bool on) { muted_[static_cast<size_t>(party)] = on; }
  bool muted(Party party) const { return muted_[static_cast<size_t>(party)]; }

  // Pulls one frame from every leg, mixes, records, and builds each leg's outgoing packet.
  // Fails only when the recording cannot be written (the audio path itself never fails).
  Result<CallTickOutput> tick(TimePoint now);

 private:
  RtpStream* caller_;
  RtpStream* agent_ = nullptr;
  RtpStream* supervisor_ = nullptr;
  RtpStream* third_ = nullptr;
  bool conference_ = false;
  SupervisorMode mode_ = SupervisorMode::kNone;
  CallRecorder* recorder_ = nullptr;
  PromptPlayer caller_player_;
  bool hold_ = false;
  std::array<bool, 4> muted_{};
};

}  // namespace sy::media
