// Pure rules on the contact-centre floor records (see agent_records.h).
#include "store/agent_records.h"

#include <array>
#include <cctype>
#include <utility>

namespace sy::store {
namespace {

constexpr std::array<std::pair<AgentPresence, std::string_view>, 6> kPresenceNames{{
    {AgentPresence::kOffline, "offline"},
    {AgentPresence::kReady, "ready"},
    {AgentPresence::kReserved, "reserved"},
    {AgentPresence::kOnCall, "on_call"},
    {AgentPresence::kWrapUp, "wrap_up"},
    {AgentPresence::kBreak, "break"},
}};

}  // namespace

std::string_view to_string(AgentPresence s) {
  for (const auto& [p, name] : kPresenceNames)
    if (p == s) return name;
  return "offline";
}

std::optional<AgentPresence> parse_agent_presence(std::string_view text) {
  for (const auto& [p, name] : kPresenceNames)
    if (name == text) return p;
  return std::nullopt;
}

std::string_view to_string(RecordingFormat f) { return f == RecordingFormat::kMp3 ? "mp3" : "wav"; }

std::optional<RecordingFormat> parse_recording_format(std::string_view text) {
  if (text == "wav") return RecordingFormat::kWav;
  if (text == "mp3") return RecordingFormat::kMp3;
  return std::nullopt;
}

CollectedDigits collected_digits(std::string node, std::string_view digits, bool secret) {
  CollectedDigits out;
  out.node = std::move(node);
  out.digits = secret ? std::string(digits.size(), '*') : std::string(digits);
  return out;
}

bool valid_external_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sy::store
