// Seat phones for hot-desking: desk phones that belong to no agent (extension, SIP digest HA1
// with its realm, the region they stand in and a label such as 3楼A区12号). The registrar takes
// a seat's credentials when no agent has the extension; which agent sits at a seat is the ACD's
// business (in memory), not stored here. All SQL about seats lives here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

struct Seat {
  std::int64_t id = 0;
  std::string extension;
  std::string sip_ha1;
  std::string sip_realm;
  std::string region_code;
  std::string label;
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewSeat {
  std::string extension;
  std::string sip_ha1;
  std::string sip_realm;
  std::string region_code;
  std::string label;
};

struct SeatUpdate {
  std::optional<std::string> extension;  // with a new sip_ha1 (the HA1 covers the extension)
  std::optional<std::string> sip_ha1;
  std::optional<std::string> sip_realm;
  std::optional<std::string> region_code;
  std::optional<std::string> label;
};

struct SeatFilter {
  std::string scope;  // region code prefix; "" = all
  std::string q;      // part of the extension or label
};

class SeatRepository {
 public:
  SeatRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_extension" (2..16 digits), "invalid_label" (at most 64
  // characters), "invalid_sip_ha1" (empty); not_found "region_not_found" (field region_code);
  // conflict "extension_taken" (a user, an agent or another seat has it).
  Result<Seat> create(const NewSeat& seat);
  // not_found "seat_not_found".
  Result<Seat> get(std::int64_t id);
  Result<Seat> get_by_extension(const std::string& extension);
  // Ordered by extension.
  Result<PageResult<Seat>> list(const SeatFilter& filter, const PageRequest& page);
  // Every seat whose region is inside `scope` or whose region contains `scope` (a county
  // agent sits at a city's seats too); "" = every seat. Ordered by extension.
  Result<std::vector<Seat>> for_region(const std::string& scope);
  // Errors as create, and not_found "seat_not_found".
  Result<Seat> update(std::int64_t id, const SeatUpdate& update);
  // not_found "seat_not_found".
  Status remove(std::int64_t id);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
