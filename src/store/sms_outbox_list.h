// The SMS outbox as the admin page reads it: newest first, filtered, paged and scoped to the
// regions of the orders the messages tell of; a failed message sent again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/records.h"
#include "store/region_scope.h"
#include "store/sms_outbox.h"

namespace sy::store {

struct SmsListed {
  SmsMessage message;
  std::string order_number;  // "" when the message is not about an order
  std::string region_code;   // the order's region
};

struct SmsOutboxFilter {
  std::optional<std::string> state;  // queued | sent | failed
  // Restricted scopes see only messages about orders of their regions.
  RegionScope scope;
};

struct SmsOutboxPage {
  std::vector<SmsListed> items;
  std::int64_t total = 0;
  int page = 1;
  int page_size = kDefaultPageSize;
};

Result<SmsOutboxPage> list_sms_outbox(Database& db, const SmsOutboxFilter& filter,
                                      const PageRequest& page);
// A failed message goes back to the queue, due at `now` (the worker tries it once more);
// not_found sms_not_found (also outside `scope`), conflict sms_not_failed otherwise.
Result<SmsListed> retry_sms(Database& db, std::int64_t id, const RegionScope& scope,
                            TimePoint now);

}  // namespace sy::store
