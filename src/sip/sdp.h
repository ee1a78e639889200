// SDP (RFC 4566) for one audio stream, as the adapter needs it: parse an offer into a typed
// description (parse, don't validate: anything malformed is an error the adapter answers 488),
// negotiate G.711 (PCMU/PCMA) plus telephone-event, and render our answer. Hold is expressed by
// the direction attribute (sendonly/inactive) or the old c=0.0.0.0 form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::sip {

enum class MediaDirection { kSendRecv, kSendOnly, kRecvOnly, kInactive };
const char* direction_name(MediaDirection d);

struct RtpMap {
  int payload_type = 0;
  std::string encoding;  // upper-cased, e.g. "PCMU", "TELEPHONE-EVENT"
  int clock_rate = 8000;
};

struct AudioDescription {
  std::string connection_ip;  // media-level c= or the session-level one
  uint16_t port = 0;          // 0: the stream is declined
  std::vector<int> payload_types;
  std::vector<RtpMap> rtpmaps;
  MediaDirection direction = MediaDirection::kSendRecv;
  int ptime_ms = 0;  // 0: not given
};

struct SessionDescription {
  std::string origin_ip;
  std::vector<AudioDescription> audio;  // every m=audio line, in order
  int other_media = 0;                  // m= lines of other kinds (answered with port 0)
};

// Errors: "sdp_malformed" (with the line number) or "sdp_no_audio".
Result<SessionDescription> parse_sdp(std::string_view text);

// What both sides agreed for the call's audio.
struct NegotiatedAudio {
  std::string remote_ip;
  uint16_t remote_port = 0;
  int audio_payload_type = 0;          // 0 PCMU or 8 PCMA
  int telephone_event_payload_type = -1;  // -1: the offer has no telephone-event
  MediaDirection offered = MediaDirection::kSendRecv;   // the far end's direction
  MediaDirection answered = MediaDirection::kSendRecv;  // ours (the mirror of offered)
  bool on_hold() const { return offered == MediaDirection::kSendOnly ||
                                offered == MediaDirection::kInactive; }
  bool operator==(const NegotiatedAudio&) const = default;
};

// Picks PCMU or PCMA (in the offer's order of preference) and telephone-event/8000.
// Error "sdp_no_common_codec" when the offer has neither G.711 law.
Result<NegotiatedAudio> negotiate(const SessionDescription& offer);

struct LocalMedia {
  std::string ip;
  uint16_t port = 0;
  uint64_t session_id = 0;
  uint64_t version = 0;  // bumped for each new answer in the dialog
};

std::string build_answer(const NegotiatedAudio& audio, const LocalMedia& local,
                         int other_media = 0);

// Our offer for an outbound leg (a call to an agent's phone): PCMU, PCMA and
// telephone-event/8000 (payload type 101), sendrecv, 20 ms packets.
std::string build_offer(const LocalMedia& local);
// The phone's answer to build_offer(): the codec and telephone-event it picked and where to
// send. Errors as negotiate().
Result<NegotiatedAudio> negotiate_answer(const SessionDescription& answer);

}  // namespace sy::sip
