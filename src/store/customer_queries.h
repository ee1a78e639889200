// Private: the reads and checks about one customer that the customer, account and screen-pop
// repositories share (its phones, its accounts, field validation), with the SQL written once.
// Not for use outside src/store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/records.h"

namespace sy::store::customer_sql {

Result<std::optional<Customer>> load_customer(Connection& conn, std::int64_t id);
Result<std::vector<Phone>> load_phones(Connection& conn, std::int64_t customer_id);
Result<std::vector<Account>> load_accounts(Connection& conn, std::int64_t customer_id);
Result<std::optional<Account>> load_account(Connection& conn, std::int64_t account_id);
Result<std::optional<Account>> load_account_by_no(Connection& conn, const std::string& no);

Status check_region_exists(Connection& conn, const std::string& code, const std::string& field);

// Field checks; `field` prefixes the error's field path (e.g. "accounts[1].").
Status check_customer_kind(const std::string& kind, const std::string& field);
Status check_language(const std::string& language);
Status check_vip_level(int level);
Status check_account_no(const std::string& account_no, const std::string& field);
Status check_account_status(const std::string& status, const std::string& field);
Status check_pin(const std::string& pin, const std::string& field);

// Normalised, de-duplicated phones; errors name "phones[i]".
Result<std::vector<Phone>> normalise_phones(const std::vector<Phone>& phones);
Status insert_phones(Connection& conn, std::int64_t customer_id, const std::vector<Phone>& phones);

// Inserts one account whose PIN (if any) is already hashed. Returns its id.
Result<std::int64_t> insert_account(Connection& conn, std::int64_t customer_id,
                                    const NewAccount& account, const std::string& pin_hash,
                                    std::int64_t now_ms);

}  // namespace sy::store::customer_sql
