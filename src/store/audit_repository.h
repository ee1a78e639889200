// The audit log of admin actions (and, later, work-order transitions): who did what to which
// target, when, with a JSON detail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class AuditRepository {
 public:
  AuditRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Appends one entry at clock now in its own write. invalid_input "invalid_action" (empty).
  Result<AuditEntry> append(std::optional<std::int64_t> user_id, const std::string& action,
                            const std::string& target, const std::string& detail_json);

  // For a caller already inside a write (so the action and its audit row commit together).
  static Status append_in(Connection& conn, TimePoint at, std::optional<std::int64_t> user_id,
                          const std::string& action, const std::string& target,
                          const std::string& detail_json);

  // Newest first. Errors: invalid_page / invalid_page_size.
  Result<PageResult<AuditEntry>> list(const AuditFilter& filter, const PageRequest& page);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
