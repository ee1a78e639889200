// Replays an IVR call without telephony: scripted events in, the engine's actions and the call
// trace out. Time only moves when the script says so, so timeouts are tested without sleeping.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ivr/parser.h"
#include "ivr/session.h"

namespace sy::ivr::testing {

// Parses flow text and fails the current test (with the diagnostics) if it does not parse.
std::shared_ptr<const Flow> load_flow(const std::string& yaml);
std::shared_ptr<const Flow> load_flow_file(const std::string& path);
// Local wall time in China (+08:00), e.g. china_time(2026, 11, 23, 23, 0).
TimePoint china_time(int year, unsigned month, unsigned day, int hour, int minute);

class Replay {
 public:
  Replay(std::shared_ptr<const Flow> flow, TimePoint start_time);

  // Each step feeds one event and fails the test if the engine refuses it.
  Replay& start(const std::string& caller, const std::string& called = "95598");
  Replay& prompt_done();
  Replay& keys(const std::string& dtmf);    // one digit event per key, at the current time
  Replay& advance(std::chrono::seconds s);  // moves time, then ticks
  Replay& lookup(const std::string& key, const std::map<std::string, std::string>& vars = {});
  Replay& queue_outcome(const std::string& key);
  Replay& voicemail_done();
  // An agent sends the caller back to the flow at a return point.
  Replay& return_to(const std::string& node, const std::map<std::string, std::string>& context = {});

  const Actions& last() const { return last_; }  // actions of the latest event
  const std::vector<Action>& all() const { return all_; }
  std::vector<std::string> path() const { return session_.trace().path; }
  const Session& session() const { return session_; }
  Session& session() { return session_; }
  TimePoint now() const { return now_; }
  // The TTS text of every PlayAction so far (or of the latest event), pieces joined.
  std::string spoken() const;
  std::string last_spoken() const;

  template <class T>
  const T* last_of() const {
    for (auto it = last_.rbegin(); it != last_.rend(); ++it)
      if (const T* a = std::get_if<T>(&*it)) return a;
    return nullptr;
  }
  template <class T>
  const T* any_of() const {
    for (auto it = all_.rbegin(); it != all_.rend(); ++it)
      if (const T* a = std::get_if<T>(&*it)) return a;
    return nullptr;
  }

 private:
  void record(Result<Actions> r, const std::string& event);

  std::shared_ptr<const Flow> flow_;
  Session session_;
  TimePoint now_;
  Actions last_;
  std::vector<Action> all_;
};

}  // namespace sy::ivr::testing
