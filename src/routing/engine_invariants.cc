// Invariant checks of routing::Engine, used by the randomized test: capacity, one offer per
// contact, index consistency, and "no waiting contact has a free eligible agent".
#include <sstream>

#include "routing/state.h"

namespace sy::routing {

namespace {

void check_agents(const Engine::State& s, std::ostringstream& bad) {
  std::vector<std::array<int, kChannelCount>> load(s.agents.size());
  std::vector<int> reserved(s.agents.size()), connected(s.agents.size());
  for (const ContactRec& c : s.contacts) {
    if (c.st != ContactState::kOffered && c.st != ContactState::kConnected) continue;
    if (c.agent >= s.agents.size()) {
      bad << "contact with a bad agent; ";
      continue;
    }
    ++load[c.agent][capacity_channel(c.channel)];
    (c.st == ContactState::kOffered ? reserved : connected)[c.agent]++;
  }
  for (std::size_t i = 0; i < s.agents.size(); ++i) {
    const AgentRec& a = s.agents[i];
    for (int ch = 0; ch < kChannelCount; ++ch) {
      if (a.load[ch] != load[i][ch]) bad << "agent " << i << " load mismatch; ";
      if (load[i][ch] > std::max<int>(a.capacity[ch], ch == 0 ? 1 : 0))
        bad << "agent " << i << " over capacity on channel " << ch << "; ";
    }
    if (load[i][0] > 0 && reserved[i] + connected[i] > load[i][0])
      bad << "agent " << i << " mixes voice with other work; ";
    if (a.reserved != reserved[i] || a.connected != connected[i])
      bad << "agent " << i << " reserved/connected mismatch; ";
    bool avail = s.available_any(a);
    if (a.dirty) bad << "agent " << i << " still dirty after tick; ";
    if (!avail && a.indexed) bad << "agent " << i << " indexed but not available; ";
    if (avail && !a.indexed) bad << "agent " << i << " available but not indexed; ";
  }
}

void check_waiting(const Engine::State& s, std::ostringstream& bad) {
  std::size_t waiting = 0;
  for (std::size_t i = 0; i < s.contacts.size(); ++i) {
    const ContactRec& c = s.contacts[i];
    if (c.st == ContactState::kWaiting || c.st == ContactState::kHeld) ++waiting;
    if (c.in_class != (c.st == ContactState::kWaiting))
      bad << "contact slot " << i << " class membership wrong; ";
  }
  if (waiting != s.waiting_total) bad << "waiting count " << s.waiting_total << " != " << waiting;
  // No waiting contact may have an available agent it is eligible for (except the one that just
  // turned it down).
  for (const ContactClass& cls : s.classes) {
    if (cls.waiting.empty()) continue;
    for (std::size_t i = 0; i < s.agents.size(); ++i) {
      const AgentRec& a = s.agents[i];
      if (!s.available(a, cls.channel)) continue;
      bool ok_for_agent = false;
      for (const Requirement& r : cls.alts) ok_for_agent = ok_for_agent || s.eligible(a, cls, r);
      if (!ok_for_agent) continue;
      for (const WaitKey& k : cls.waiting)
        if (s.contacts[k.slot].skip_agent != i) {
          bad << "agent " << i << " is free and eligible while contact slot " << k.slot
              << " waits; ";
          break;
        }
    }
  }
}

}  // namespace

std::string Engine::check_invariants() const {
  std::ostringstream bad;
  check_agents(*s_, bad);
  check_waiting(*s_, bad);
  return bad.str();
}

}  // namespace sy::routing
