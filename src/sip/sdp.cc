#include "sip/sdp.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace sy::sip {
namespace {

Error malformed(int line, const std::string& what) {
  return make_error(ErrorKind::kInvalidInput, "sdp_malformed",
                    std::string("SDP line ") + std::to_string(line) + std::string(": ") + what);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) pos = s.size();
    if (pos > start) out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  return out;
}

bool to_int(std::string_view s, long min, long max, long* out) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) return false;
  *out = v;
  return true;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "IN IP4 192.0.2.1" -> the address; IPv6 is refused (the media path is IPv4).
Result<std::string> parse_connection(std::string_view value, int line) {
  auto parts = split(value, ' ');
  if (parts.size() != 3 || parts[0] != "IN") return malformed(line, "c= must be 'IN IP4 ADDRESS'");
  if (parts[1] != "IP4") return malformed(line, "only IP4 connection addresses are supported");
  std::string addr(parts[2]);
  if (auto slash = addr.find('/'); slash != std::string::npos) addr.resize(slash);  // TTL
  in_addr a{};
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1)
    return malformed(line, std::string("bad IPv4 address '") + addr + "'");
  return addr;
}

Status parse_media_line(std::string_view value, int line, SessionDescription& sd, bool* is_audio) {
  auto parts = split(value, ' ');
  if (parts.size() < 4) return malformed(line, "m= needs media, port, protocol and formats");
  *is_audio = parts[0] == "audio";
  if (!*is_audio) {
    ++sd.other_media;
    return {};
  }
  AudioDescription a;
  std::string_view port = parts[1];
  if (auto slash = port.find('/'); slash != std::string_view::npos) port = port.substr(0, slash);
  long p = 0;
  if (!to_int(port, 0, 65535, &p)) return malformed(line, "bad port in m=");
  a.port = static_cast<uint16_t>(p);
  if (parts[2] != "RTP/AVP" && parts[2] != "RTP/AVPF")
    return malformed(line, std::string("unsupported transport '") + std::string(parts[2]) + "'");
  for (std::size_t i = 3; i < parts.size(); ++i) {
    long pt = 0;
    if (!to_int(parts[i], 0, 127, &pt)) return malformed(line, "bad payload type in m=");
    a.payload_types.push_back(static_cast<int>(pt));
  }
  sd.audio.push_back(std::move(a));
  return {};
}

Status parse_attribute(std::string_view value, int line, AudioDescription& a) {
  if (value == "sendrecv") a.direction = MediaDirection::kSendRecv;
  else if (value == "sendonly") a.direction = MediaDirection::kSendOnly;
  else if (value == "recvonly") a.direction = MediaDirection::kRecvOnly;
  else if (value == "inactive") a.direction = MediaDirection::kInactive;
  else if (value.rfind("rtpmap:", 0) == 0) {
    auto rest = value.substr(7);
    auto space = rest.find(' ');
    if (space == std::string_view::npos) return malformed(line, "a=rtpmap needs 'PT ENCODING/RATE'");
    long pt = 0;
    if (!to_int(rest.substr(0, space), 0, 127, &pt)) return malformed(line, "bad rtpmap payload type");
    auto enc = split(rest.substr(space + 1), '/');
    long rate = 0;
    if (enc.size() < 2 || !to_int(enc[1], 1, 1000000, &rate))
      return malformed(line, "a=rtpmap needs ENCODING/RATE");
    a.rtpmaps.push_back({static_cast<int>(pt), upper(enc[0]), static_cast<int>(rate)});
  } else if (value.rfind("ptime:", 0) == 0) {
    long ms = 0;
    if (!to_int(value.substr(6), 1, 1000, &ms)) return malformed(line, "bad ptime");
    a.ptime_ms = static_cast<int>(ms);
  }
  return {};  // other attributes do not concern G.711 audio
}

}  // namespace

const char* direction_name(MediaDirection d) {
  switch (d) {
    case MediaDirection::kSendRecv: return "sendrecv";
    case MediaDirection::kSendOnly: return "sendonly";
    case MediaDirection::kRecvOnly: return "recvonly";
    case MediaDirection::kInactive: return "inactive";
  }
  return "sendrecv";
}

Result<SessionDescription> parse_sdp(std::string_view text) {
  SessionDescription sd;
  std::string session_ip;
  std::optional<MediaDirection> session_direction;
  bool in_audio = false;
  bool in_media = false;
  bool seen_version = false;
  bool seen_origin = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() < 2 || line[1] != '=' || !std::islower(static_cast<unsigned char>(line[0])))
      return malformed(line_no, "expected TYPE=VALUE");
    char type = line[0];
    std::string_view value = line.substr(2);
    if (!seen_version) {
      if (type != 'v' || value != "0") return malformed(line_no, "SDP must start with v=0");
      seen_version = true;
      continue;
    }
    switch (type) {
      case 'o': {
        auto parts = split(value, ' ');
        if (parts.size() != 6) return malformed(line_no, "o= needs six fields");
        sd.origin_ip = std::string(parts[5]);
        seen_origin = true;
        break;
      }
      case 'c': {
        auto ip = parse_connection(value, line_no);
        if (!ip) return ip.error();
        if (!in_media) session_ip = *ip;
        else if (in_audio) sd.audio.back().connection_ip = *ip;
        break;
      }
      case 'm': {
        in_media = true;
        SY_TRY(parse_media_line(value, line_no, sd, &in_audio));
        if (in_audio && session_direction) sd.audio.back().direction = *session_direction;
        break;
      }
      case 'a':
        if (in_audio) {
          SY_TRY(parse_attribute(value, line_no, sd.audio.back()));
        } else if (!in_media) {
          AudioDescription probe;
          SY_TRY(parse_attribute(value, line_no, probe));
          if (value == "sendrecv" || value == "sendonly" || value == "recvonly" ||
              value == "inactive")
            session_direction = probe.direction;
        }
        break;
      default:
        break;
    }
  }
  if (!seen_version) return malformed(line_no, "empty SDP");
  if (!seen_origin) return malformed(line_no, "missing o= line");
  if (sd.audio.empty())
    return make_error(ErrorKind::kInvalidInput, "sdp_no_audio", "the SDP offers no audio stream");
  for (auto& a : sd.audio) {
    if (a.connection_ip.empty()) a.connection_ip = session_ip;
    if (a.connection_ip.empty() && a.port != 0)
      return malformed(line_no, "an audio stream has no connection address (c=)");
  }
  return sd;
}

Result<NegotiatedAudio> negotiate(const SessionDescription& offer) {
  for (const auto& a : offer.audio) {
    if (a.port == 0) continue;
    auto encoding_of = [&](int pt) -> std::string {
      for (const auto& m : a.rtpmaps)
        if (m.payload_type == pt) return m.encoding + std::string("/") + std::to_string(m.clock_rate);
      if (pt == 0) return "PCMU/8000";  // static payload types (RFC 3551)
      if (pt == 8) return "PCMA/8000";
      return {};
    };
    NegotiatedAudio n;
    n.audio_payload_type = -1;
    for (int pt : a.payload_types) {
      std::string enc = encoding_of(pt);
      if (n.audio_payload_type < 0 && (enc == "PCMU/8000" || enc == "PCMA/8000"))
        n.audio_payload_type = pt == 0 || enc == "PCMU/8000" ? 0 : 8;
      if (n.telephone_event_payload_type < 0 && enc == "TELEPHONE-EVENT/8000")
        n.telephone_event_payload_type = pt;
    }
    if (n.audio_payload_type < 0) continue;
    n.remote_ip = a.connection_ip;
    n.remote_port = a.port;
    n.offered = a.direction;
    if (a.connection_ip == "0.0.0.0") n.offered = MediaDirection::kInactive;  // RFC 2543 hold
    switch (n.offered) {
      case MediaDirection::kSendRecv: n.answered = MediaDirection::kSendRecv; break;
      case MediaDirection::kSendOnly: n.answered = MediaDirection::kRecvOnly; break;
      case MediaDirection::kRecvOnly: n.answered = MediaDirection::kSendOnly; break;
      case MediaDirection::kInactive: n.answered = MediaDirection::kInactive; break;
    }
    return n;
  }
  return make_error(ErrorKind::kInvalidInput, "sdp_no_common_codec",
                    "the offer has no PCMU or PCMA audio stream");
}

std::string build_answer(const NegotiatedAudio& audio, const LocalMedia& local, int other_media) {
  std::string ids = std::to_string(local.session_id) + std::string(" ") + std::to_string(local.version);
  std::string s = std::string("v=0\r\no=switchyard ") + ids + std::string(" IN IP4 ") + local.ip + "\r\n";
  s += std::string("s=switchyard\r\nc=IN IP4 ") + local.ip + "\r\nt=0 0\r\n";
  std::string pt = std::to_string(audio.audio_payload_type);
  s += std::string("m=audio ") + std::to_string(local.port) + std::string(" RTP/AVP ") + pt;
  if (audio.telephone_event_payload_type >= 0)
    s += std::string(" ") + std::to_string(audio.telephone_event_payload_type);
  s += "\r\n";
  s += std::string("a=rtpmap:") + pt + (audio.audio_payload_type == 0 ? " PCMU/8000\r\n" : " PCMA/8000\r\n");
  if (audio.telephone_event_payload_type >= 0) {
    std::string te = std::to_string(audio.telephone_event_payload_type);
    s += std::string("a=rtpmap:") + te + std::string(" telephone-event/8000\r\na=fmtp:") + te + " 0-15\r\n";
  }
  s += "a=ptime:20\r\na=";
  s += direction_name(audio.answered);
  s += "\r\n";
  for (int i = 0; i < other_media; ++i) s += "m=video 0 RTP/AVP 0\r\n";
  return s;
}

std::string build_offer(const LocalMedia& local) {
  std::string ids = std::to_string(local.session_id) + std::string(" ") + std::to_string(local.version);
  std::string s = std::string("v=0\r\no=switchyard ") + ids + std::string(" IN IP4 ") + local.ip + "\r\n";
  s += std::string("s=switchyard\r\nc=IN IP4 ") + local.ip + "\r\nt=0 0\r\n";
  s += std::string("m=audio ") + std::to_string(local.port) + " RTP/AVP 0 8 101\r\n";
  s += "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n";
  s += "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";
  s += "a=ptime:20\r\na=sendrecv\r\n";
  return s;
}

Result<NegotiatedAudio> negotiate_answer(const SessionDescription& answer) {
  auto n = negotiate(answer);
  if (!n) return n;
  if (n->telephone_event_payload_type >= 0 && n->telephone_event_payload_type != 101)
    n->telephone_event_payload_type = 101;  // RFC 3264 §6.1: we receive on the PT we offered
  return n;
}

}  // namespace sy::sip
