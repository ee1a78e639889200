// The replay helper behind the IVR tests.
#include "replay.h"

#include <gtest/gtest.h>

namespace sy::ivr::testing {
namespace {

std::shared_ptr<const Flow> checked(ParseOutcome outcome, const std::string& what) {
  std::string diags;
  for (const auto& d : outcome.diagnostics) diags += format_diagnostic(what, d) + "\n";
  EXPECT_TRUE(outcome.ok()) << diags;
  if (!outcome.ok()) return nullptr;
  return std::make_shared<const Flow>(std::move(*outcome.flow));
}

std::string join_tts(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions)
    if (const auto* play = std::get_if<PlayAction>(&a))
      for (const auto& p : play->pieces)
        if (p.kind == PromptPiece::Kind::kTts) out += p.text;
  return out;
}

}  // namespace

std::shared_ptr<const Flow> load_flow(const std::string& yaml) {
  return checked(parse_flow(yaml), "<inline>");
}

std::shared_ptr<const Flow> load_flow_file(const std::string& path) {
  return checked(parse_flow_file(path), path);
}

TimePoint china_time(int year, unsigned month, unsigned day, int hour, int minute) {
  using namespace std::chrono;
  auto local = sys_days{std::chrono::year{year} / month / day} + hours{hour} + minutes{minute};
  return time_point_cast<Duration>(local - hours{8});
}

Replay::Replay(std::shared_ptr<const Flow> flow, TimePoint start_time)
    : flow_(flow), session_(std::move(flow)), now_(start_time) {}

void Replay::record(Result<Actions> r, const std::string& event) {
  last_.clear();
  if (!r.ok()) {
    ADD_FAILURE() << "event '" << event << "' refused at node '" << session_.current_node()
                  << "': " << r.error().code << ": " << r.error().message;
    return;
  }
  last_ = std::move(r.value());
  all_.insert(all_.end(), last_.begin(), last_.end());
}

Replay& Replay::start(const std::string& caller, const std::string& called) {
  record(session_.start(caller, called, now_), "start");
  return *this;
}

Replay& Replay::prompt_done() {
  record(session_.prompt_finished(now_), "prompt_finished");
  return *this;
}

Replay& Replay::keys(const std::string& dtmf) {
  Actions merged;
  for (char k : dtmf) {
    record(session_.digit(k, now_), std::string("digit ") + k);
    merged.insert(merged.end(), last_.begin(), last_.end());
  }
  last_ = std::move(merged);
  return *this;
}

Replay& Replay::advance(std::chrono::seconds s) {
  now_ += s;
  record(session_.tick(now_), "tick");
  return *this;
}

Replay& Replay::lookup(const std::string& key, const std::map<std::string, std::string>& vars) {
  record(session_.lookup_result(key, vars, now_), "lookup_result " + key);
  return *this;
}

Replay& Replay::queue_outcome(const std::string& key) {
  record(session_.queue_outcome(key, now_), "queue_outcome " + key);
  return *this;
}

Replay& Replay::return_to(const std::string& node,
                          const std::map<std::string, std::string>& context) {
  record(session_.return_to(node, now_, context), "return_to " + node);
  return *this;
}

Replay& Replay::voicemail_done() {
  record(session_.voicemail_finished(now_), "voicemail_finished");
  return *this;
}

std::string Replay::spoken() const { return join_tts(all_); }
std::string Replay::last_spoken() const { return join_tts(last_); }

}  // namespace sy::ivr::testing
