// The demo contact-centre floor: skills (business skills and 闽南语), the queues the shipped IVR
// flows name, 40 agents with extensions 8001… bound to the two centres' cities, two
// supervisors, and ten seat phones 8101… (hot-desking) in the first city. Deterministic for a
// seed, passwords included (they are printed, like the PINs).
// Loaded through the repositories after the customers; running it again leaves what exists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "demo/province.h"
#include "store/db.h"

namespace sy::demo {

struct FloorOptions {
  std::uint64_t seed = 1;
  int agents = 40;
  int seats = 10;  // seat phones 8101… (hot-desking) in the first centre's city
  std::string sip_realm = "switchyard.local";
};

struct FloorResult {
  int skills = 0;  // created (existing ones are left as they are)
  int queues = 0;
  int agents = 0;
  int supervisors = 0;
  std::string first_extension;
  std::string last_extension;
  std::string password;      // sign-in password of every demo agent and supervisor
  std::string sip_password;  // phone (SIP digest) password of every demo extension
  std::vector<std::string> supervisor_usernames;
  int seats = 0;            // seat phones created now
  std::string first_seat;   // extensions of the seat phones, "" when none
  std::string last_seat;
  std::string seat_region;  // the city they stand in
};

// The password the seed gives to `label` (12 characters, unambiguous alphabet).
std::string demo_password(std::uint64_t seed, std::uint64_t label);

Result<FloorResult> load_floor(store::Database& db, const Clock& clock,
                               const std::vector<RegionRow>& regions, const FloorOptions& options);

}  // namespace sy::demo
