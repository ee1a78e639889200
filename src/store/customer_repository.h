// Customers: the people and businesses the hotline serves, with their phone numbers and
// accounts. Search with paging and filters for the admin screens; the file of one customer.
// (Bills and payments: account_repository.h; the screen pop: screen_pop_repository.h.)
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"
#include "store/region_scope.h"

namespace sy::store {

class CustomerRepository {
 public:
  CustomerRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Ordered by id. Errors: invalid_page / invalid_page_size, invalid_phone.
  Result<PageResult<Customer>> search(const CustomerFilter& filter, const PageRequest& page);

  // The customer with phones and accounts. not_found "customer_not_found" also when the
  // customer lies outside `scope` (a city user must not learn it exists).
  Result<CustomerFile> get(std::int64_t id, const RegionScope& scope = {});

  // Customer, phones and accounts in one write (all or nothing). Errors: invalid_input
  // "invalid_name", "invalid_kind", "invalid_vip_level", "invalid_language", "invalid_phone"
  // (field "phones[i]"), "invalid_account_no", "invalid_account_status", "invalid_pin"
  // (field "accounts[i].pin"); not_found "region_not_found"; conflict "customer_no_taken",
  // "account_no_taken".
  Result<CustomerFile> create(const NewCustomer& customer);

  // Changes the given fields; `phones` replaces all numbers. Errors as create, plus
  // customer_not_found.
  Result<CustomerFile> update(std::int64_t id, const CustomerUpdate& update);

  // Deletes the customer with phones, accounts, bills and payments; contacts keep their rows
  // with customer_id cleared. not_found "customer_not_found".
  Status remove(std::int64_t id);

  // Accounts. Errors: customer_not_found / account_not_found, account_no_taken,
  // invalid_account_no, invalid_kind, invalid_account_status, invalid_pin, region_not_found.
  Result<Account> add_account(std::int64_t customer_id, const NewAccount& account);
  Result<Account> update_account(std::int64_t account_id, const AccountUpdate& update);
  Result<Account> get_account(std::int64_t account_id);
  Result<Account> get_account_by_no(const std::string& account_no);
  Status remove_account(std::int64_t account_id);

  // IVR PIN check against the stored argon2id hash; false when there is no PIN.
  // not_found "account_not_found".
  Result<bool> verify_account_pin(std::int64_t account_id, const std::string& pin);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
