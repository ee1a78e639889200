// Contact history: one row per call, chat, SMS or visit about a customer. Later parts (calls,
// work orders) write it; the screen pop shows the last few.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class ContactRepository {
 public:
  explicit ContactRepository(Database& db) : db_(db) {}

  // Errors: invalid_input "invalid_channel", "invalid_direction"; not_found
  // "customer_not_found" / "user_not_found" for unknown references. The phone is normalised
  // when it parses as one, kept as given otherwise (e.g. "anonymous").
  Result<Contact> create(const NewContact& contact);

  // Newest first. Errors: invalid_page / invalid_page_size.
  Result<PageResult<Contact>> list_by_customer(std::int64_t customer_id, const PageRequest& page);

 private:
  Database& db_;
};

}  // namespace sy::store
