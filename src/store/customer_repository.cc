// Customers: SQL for customer search, files and their accounts (see customer_repository.h).
#include "store/customer_repository.h"

#include <cstdio>
#include <set>

#include "auth/secrets.h"
#include "store/customer_queries.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

using namespace customer_sql;  // NOLINT: the shared customer queries are this file's vocabulary

struct PreparedAccount {
  NewAccount account;
  std::string pin_hash;  // argon2id, computed before the write so the writer never hashes
};

// Checks an account and hashes its PIN; `field` is the error path prefix ("accounts[0].").
Result<PreparedAccount> prepare_account(const NewAccount& a, const std::string& field) {
  SY_TRY(check_account_no(a.account_no, field));
  SY_TRY(check_customer_kind(a.kind, field));
  SY_TRY(check_account_status(a.status, field));
  PreparedAccount out{a, ""};
  if (a.pin) {
    SY_TRY(check_pin(*a.pin, field));
    auto hash = auth::hash_password(*a.pin);
    if (!hash.ok()) return hash.error();
    out.pin_hash = std::move(*hash);
  }
  return out;
}

Status check_new_customer(const NewCustomer& c) {
  if (c.name.empty()) return sql::invalid("invalid_name", "name is required", "name");
  SY_TRY(check_customer_kind(c.kind, ""));
  SY_TRY(check_language(c.language));
  SY_TRY(check_vip_level(c.vip_level));
  if (c.region_code.empty()) {
    return sql::invalid("invalid_region_code", "region_code is required", "region_code");
  }
  return ok_status();
}

// Account numbers must be new, also within the request itself.
Status check_account_nos_free(Connection& conn, const std::vector<PreparedAccount>& accounts) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const std::string& no = accounts[i].account.account_no;
    std::string field = "accounts[" + std::to_string(i) + "].account_no";
    auto existing = load_account_by_no(conn, no);
    if (!existing.ok()) return existing.error();
    if (*existing || !seen.insert(no).second) {
      return sql::conflict("account_no_taken", "account number " + no + " is taken", field);
    }
  }
  return ok_status();
}

Result<std::int64_t> insert_customer(Connection& conn, const NewCustomer& c, std::int64_t now) {
  if (!c.customer_no.empty()) {
    Value p[] = {Value{c.customer_no}};
    auto taken = sql::exists(conn, "SELECT 1 FROM customers WHERE customer_no = $1", p);
    if (!taken.ok()) return taken.error();
    if (*taken)
      return sql::conflict("customer_no_taken", "customer number is taken", "customer_no");
  }
  // Without a number, insert a unique placeholder and derive the number from the id.
  std::string no = c.customer_no.empty() ? "pending-" + auth::random_token() : c.customer_no;
  Value p[] = {Value{no},
               Value{c.name},
               Value{c.kind},
               Value{c.id_number},
               Value{c.address},
               Value{c.region_code},
               Value{std::int64_t{c.vip_level}},
               Value{c.language},
               sql::flag(c.vulnerable),
               Value{c.note},
               Value{now},
               Value{now}};
  auto id = conn.insert_returning_id(
      "INSERT INTO customers (customer_no, name, kind, id_number, address, region_code, "
      "vip_level, language, vulnerable, note, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
      p);
  if (!id.ok()) return id.error();
  if (c.customer_no.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "C%010lld", static_cast<long long>(*id));
    Value u[] = {Value{std::string(buf)}, Value{*id}};
    auto r = conn.exec("UPDATE customers SET customer_no = $1 WHERE id = $2", u);
    if (!r.ok()) return r.error();
  }
  return id;
}

Result<CustomerFile> load_file(Connection& conn, std::int64_t id, const RegionScope& scope) {
  auto c = load_customer(conn, id);
  if (!c.ok()) return c.error();
  if (!*c || !scope.contains((*c)->region_code)) {
    return sql::not_found("customer_not_found", "no customer with this id");
  }
  CustomerFile file;
  file.customer = std::move(**c);
  auto phones = load_phones(conn, id);
  if (!phones.ok()) return phones.error();
  file.phones = std::move(*phones);
  auto accounts = load_accounts(conn, id);
  if (!accounts.ok()) return accounts.error();
  file.accounts = std::move(*accounts);
  return file;
}

Error account_not_found() { return sql::not_found("account_not_found", "no account with this id"); }

}  // namespace

Result<CustomerFile> CustomerRepository::create(const NewCustomer& nc) {
  SY_TRY(check_new_customer(nc));
  auto phones = normalise_phones(nc.phones);
  if (!phones.ok()) return phones.error();
  std::vector<PreparedAccount> accounts;
  for (std::size_t i = 0; i < nc.accounts.size(); ++i) {
    auto a = prepare_account(nc.accounts[i], "accounts[" + std::to_string(i) + "].");
    if (!a.ok()) return a.error();
    if (a->account.address.empty()) a->account.address = nc.address;
    if (a->account.region_code.empty()) a->account.region_code = nc.region_code;
    accounts.push_back(std::move(*a));
  }
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    SY_TRY(check_region_exists(conn, nc.region_code, "region_code"));
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      if (accounts[i].account.region_code == nc.region_code) continue;
      SY_TRY(check_region_exists(conn, accounts[i].account.region_code,
                                 "accounts[" + std::to_string(i) + "].region_code"));
    }
    SY_TRY(check_account_nos_free(conn, accounts));
    auto cid = insert_customer(conn, nc, now);
    if (!cid.ok()) return cid.error();
    id = *cid;
    SY_TRY(insert_phones(conn, id, *phones));
    for (const PreparedAccount& a : accounts) {
      auto aid = insert_account(conn, id, a.account, a.pin_hash, now);
      if (!aid.ok()) return aid.error();
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Result<CustomerFile> CustomerRepository::get(std::int64_t id, const RegionScope& scope) {
  return sql::read_result<CustomerFile>(
      db_, [&](Connection& conn) { return load_file(conn, id, scope); });
}

Result<CustomerFile> CustomerRepository::update(std::int64_t id, const CustomerUpdate& u) {
  if (u.name && u.name->empty()) return sql::invalid("invalid_name", "name is required", "name");
  if (u.kind) SY_TRY(check_customer_kind(*u.kind, ""));
  if (u.language) SY_TRY(check_language(*u.language));
  if (u.vip_level) SY_TRY(check_vip_level(*u.vip_level));
  std::optional<std::vector<Phone>> phones;
  if (u.phones) {
    auto p = normalise_phones(*u.phones);
    if (!p.ok()) return p.error();
    phones = std::move(*p);
  }
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    Value idp[] = {Value{id}};
    auto row = conn.query_one(
        "SELECT name, kind, id_number, address, region_code, vip_level, language, vulnerable, "
        "note FROM customers WHERE id = $1",
        idp);
    if (!row.ok()) return row.error();
    if (!*row) return sql::not_found("customer_not_found", "no customer with this id");
    const Row& r = **row;
    if (u.region_code && *u.region_code != r.text(4)) {
      SY_TRY(check_region_exists(conn, *u.region_code, "region_code"));
    }
    Value p[] = {Value{u.name.value_or(r.text(0))},
                 Value{u.kind.value_or(r.text(1))},
                 Value{u.id_number.value_or(r.text(2))},
                 Value{u.address.value_or(r.text(3))},
                 Value{u.region_code.value_or(r.text(4))},
                 Value{std::int64_t{u.vip_level.value_or(static_cast<int>(r.i64(5)))}},
                 Value{u.language.value_or(r.text(6))},
                 sql::flag(u.vulnerable.value_or(r.i64(7) != 0)),
                 Value{u.note.value_or(r.text(8))},
                 Value{now},
                 Value{id}};
    auto res = conn.exec(
        "UPDATE customers SET name = $1, kind = $2, id_number = $3, address = $4, "
        "region_code = $5, vip_level = $6, language = $7, vulnerable = $8, note = $9, "
        "updated_at = $10 WHERE id = $11",
        p);
    if (!res.ok()) return res.error();
    if (phones) {
      auto del = conn.exec("DELETE FROM customer_phones WHERE customer_id = $1", idp);
      if (!del.ok()) return del.error();
      SY_TRY(insert_phones(conn, id, *phones));
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get(id);
}

Status CustomerRepository::remove(std::int64_t id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{id}};
    auto found = sql::exists(conn, "SELECT 1 FROM customers WHERE id = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) return sql::not_found("customer_not_found", "no customer with this id");
    // Spelled out rather than left to ON DELETE CASCADE, so the result does not depend on
    // whether the connection enforces foreign keys.
    static const char* const kSteps[] = {
        "DELETE FROM bills WHERE account_id IN (SELECT id FROM accounts WHERE customer_id = $1)",
        "DELETE FROM payments WHERE account_id IN "
        "(SELECT id FROM accounts WHERE customer_id = $1)",
        "DELETE FROM accounts WHERE customer_id = $1",
        "DELETE FROM customer_phones WHERE customer_id = $1",
        "UPDATE contacts SET customer_id = NULL WHERE customer_id = $1",
        "DELETE FROM customers WHERE id = $1",
    };
    for (const char* step : kSteps) {
      auto r = conn.exec(step, p);
      if (!r.ok()) return r.error();
    }
    return ok_status();
  });
}

Result<Account> CustomerRepository::add_account(std::int64_t customer_id, const NewAccount& na) {
  auto prepared = prepare_account(na, "");
  if (!prepared.ok()) return prepared.error();
  PreparedAccount a = std::move(*prepared);
  std::int64_t now = to_unix_ms(clock_.now());
  std::int64_t id = 0;
  Status st = db_.write([&](Connection& conn) -> Status {
    auto c = load_customer(conn, customer_id);
    if (!c.ok()) return c.error();
    if (!*c) return sql::not_found("customer_not_found", "no customer with this id");
    if (a.account.address.empty()) a.account.address = (*c)->address;
    if (a.account.region_code.empty()) a.account.region_code = (*c)->region_code;
    SY_TRY(check_region_exists(conn, a.account.region_code, "region_code"));
    auto existing = load_account_by_no(conn, a.account.account_no);
    if (!existing.ok()) return existing.error();
    if (*existing) {
      return sql::conflict("account_no_taken", "account number is taken", "account_no");
    }
    auto aid = insert_account(conn, customer_id, a.account, a.pin_hash, now);
    if (!aid.ok()) return aid.error();
    id = *aid;
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get_account(id);
}

Result<Account> CustomerRepository::update_account(std::int64_t account_id,
                                                   const AccountUpdate& u) {
  if (u.kind) SY_TRY(check_customer_kind(*u.kind, ""));
  if (u.status) SY_TRY(check_account_status(*u.status, ""));
  std::optional<std::string> pin_hash;
  if (u.pin) {
    SY_TRY(check_pin(*u.pin, ""));
    auto hash = auth::hash_password(*u.pin);
    if (!hash.ok()) return hash.error();
    pin_hash = std::move(*hash);
  }
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    auto cur = load_account(conn, account_id);
    if (!cur.ok()) return cur.error();
    if (!*cur) return account_not_found();
    const Account& a = **cur;
    Value p[] = {Value{u.kind.value_or(a.kind)},
                 Value{u.meter_no.value_or(a.meter_no)},
                 Value{u.tariff.value_or(a.tariff)},
                 Value{u.address.value_or(a.address)},
                 Value{u.balance_fen.value_or(a.balance_fen)},
                 Value{u.arrears_fen.value_or(a.arrears_fen)},
                 Value{u.status.value_or(a.status)},
                 Value{now},
                 Value{account_id}};
    auto r = conn.exec(
        "UPDATE accounts SET kind = $1, meter_no = $2, tariff = $3, address = $4, "
        "balance_fen = $5, arrears_fen = $6, status = $7, updated_at = $8 WHERE id = $9",
        p);
    if (!r.ok()) return r.error();
    if (pin_hash) {
      Value pp[] = {Value{*pin_hash}, Value{account_id}};
      auto rp = conn.exec("UPDATE accounts SET pin_hash = $1 WHERE id = $2", pp);
      if (!rp.ok()) return rp.error();
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return get_account(account_id);
}

Result<Account> CustomerRepository::get_account(std::int64_t account_id) {
  return sql::read_result<Account>(db_, [&](Connection& conn) {
    return sql::found_or(load_account(conn, account_id), account_not_found());
  });
}

Result<Account> CustomerRepository::get_account_by_no(const std::string& account_no) {
  return sql::read_result<Account>(db_, [&](Connection& conn) {
    return sql::found_or(
        load_account_by_no(conn, account_no),
        sql::not_found("account_not_found", "no account " + account_no, "account_no"));
  });
}

Status CustomerRepository::remove_account(std::int64_t account_id) {
  return db_.write([&](Connection& conn) -> Status {
    Value p[] = {Value{account_id}};
    auto found = sql::exists(conn, "SELECT 1 FROM accounts WHERE id = $1", p);
    if (!found.ok()) return found.error();
    if (!*found) return account_not_found();
    static const char* const kSteps[] = {
        "DELETE FROM bills WHERE account_id = $1",
        "DELETE FROM payments WHERE account_id = $1",
        "DELETE FROM accounts WHERE id = $1",
    };
    for (const char* step : kSteps) {
      auto r = conn.exec(step, p);
      if (!r.ok()) return r.error();
    }
    return ok_status();
  });
}

Result<bool> CustomerRepository::verify_account_pin(std::int64_t account_id,
                                                    const std::string& pin) {
  std::optional<std::string> hash;
  Status st = db_.read([&](Connection& conn) -> Status {
    Value p[] = {Value{account_id}};
    auto row = conn.query_one("SELECT pin_hash FROM accounts WHERE id = $1", p);
    if (!row.ok()) return row.error();
    if (!*row) return account_not_found();
    hash = (*row)->text(0);
    return ok_status();
  });
  if (!st.ok()) return st.error();
  // Hash outside the read so a slow argon2 check does not hold a pooled connection.
  return !hash->empty() && auth::verify_password(*hash, pin);
}

}  // namespace sy::store
