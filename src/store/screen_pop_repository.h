// The screen pop: everything an agent needs about a caller, found by phone number or account
// number in a few index-driven queries on one read connection (target p99 ≤ 2 ms at
// 10,000,000 customers on SQLite). Several customers may share a number: all are returned.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"
#include "store/region_scope.h"

namespace sy::store {

class ScreenPopRepository {
 public:
  explicit ScreenPopRepository(Database& db) : db_(db) {}

  // Customers owning the number (normalised first), inside `scope`, ordered by customer id;
  // outages are those scheduled or active at `now` (not yet ended) on the customer's region or
  // any ancestor. Errors: invalid_input "invalid_phone"; not_found "customer_not_found" when no
  // customer in scope has the number.
  Result<std::vector<ScreenPop>> lookup_by_phone(const std::string& phone, const RegionScope& scope,
                                                 TimePoint now);

  // The customer owning the account (a vector of one, same shape as by phone).
  // Errors: invalid_input "invalid_account_no"; not_found "customer_not_found".
  Result<std::vector<ScreenPop>> lookup_by_account(const std::string& account_no,
                                                   const RegionScope& scope, TimePoint now);

 private:
  Database& db_;
};

}  // namespace sy::store
