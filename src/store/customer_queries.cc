// Shared reads and checks about one customer (see customer_queries.h).
#include "store/customer_queries.h"

#include <algorithm>
#include <cctype>

#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store::customer_sql {

Result<std::optional<Customer>> load_customer(Connection& conn, std::int64_t id) {
  static const std::string kSql =
      std::string("SELECT ") + codec::kCustomerColumns + " FROM customers c WHERE c.id = $1";
  Value p[] = {Value{id}};
  auto row = conn.query_one(kSql, p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Customer>();
  return std::optional<Customer>(codec::customer_from_row(**row));
}

Result<std::vector<Phone>> load_phones(Connection& conn, std::int64_t customer_id) {
  Value p[] = {Value{customer_id}};
  auto rows = conn.query(
      "SELECT phone, kind FROM customer_phones WHERE customer_id = $1 ORDER BY phone", p);
  if (!rows.ok()) return rows.error();
  std::vector<Phone> out;
  for (const Row& r : *rows) out.push_back(Phone{r.text(0), r.text(1)});
  return out;
}

Result<std::vector<Account>> load_accounts(Connection& conn, std::int64_t customer_id) {
  static const std::string kSql = std::string("SELECT ") + codec::kAccountColumns +
                                  " FROM accounts a WHERE a.customer_id = $1 ORDER BY a.id";
  Value p[] = {Value{customer_id}};
  auto rows = conn.query(kSql, p);
  if (!rows.ok()) return rows.error();
  std::vector<Account> out;
  for (const Row& r : *rows) out.push_back(codec::account_from_row(r));
  return out;
}

Result<std::optional<Account>> load_account(Connection& conn, std::int64_t account_id) {
  static const std::string kSql =
      std::string("SELECT ") + codec::kAccountColumns + " FROM accounts a WHERE a.id = $1";
  Value p[] = {Value{account_id}};
  auto row = conn.query_one(kSql, p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Account>();
  return std::optional<Account>(codec::account_from_row(**row));
}

Result<std::optional<Account>> load_account_by_no(Connection& conn, const std::string& no) {
  static const std::string kSql =
      std::string("SELECT ") + codec::kAccountColumns + " FROM accounts a WHERE a.account_no = $1";
  Value p[] = {Value{no}};
  auto row = conn.query_one(kSql, p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Account>();
  return std::optional<Account>(codec::account_from_row(**row));
}

Status check_region_exists(Connection& conn, const std::string& code, const std::string& field) {
  Value p[] = {Value{code}};
  auto found = sql::exists(conn, "SELECT 1 FROM regions WHERE code = $1", p);
  if (!found.ok()) return found.error();
  if (!*found) return sql::not_found("region_not_found", "no region " + code, field);
  return ok_status();
}

Status check_customer_kind(const std::string& kind, const std::string& field) {
  if (kind == "residential" || kind == "business") return ok_status();
  return sql::invalid("invalid_kind", "kind must be residential or business", field + "kind");
}

Status check_language(const std::string& language) {
  if (language == "zh" || language == "nan" || language == "yue" || language == "en") {
    return ok_status();
  }
  return sql::invalid("invalid_language", "language must be zh, nan, yue or en", "language");
}

Status check_vip_level(int level) {
  if (level >= 0 && level <= 3) return ok_status();
  return sql::invalid("invalid_vip_level", "vip_level must be 0 to 3", "vip_level");
}

Status check_account_no(const std::string& account_no, const std::string& field) {
  bool ok = !account_no.empty() && account_no.size() <= 32;
  for (char c : account_no) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-');
  if (ok) return ok_status();
  return sql::invalid("invalid_account_no", "account number must be 1 to 32 letters or digits",
                      field + "account_no");
}

Status check_account_status(const std::string& status, const std::string& field) {
  if (status == "active" || status == "suspended" || status == "closed") return ok_status();
  return sql::invalid("invalid_account_status", "status must be active, suspended or closed",
                      field + "status");
}

Status check_pin(const std::string& pin, const std::string& field) {
  bool ok = pin.size() >= 4 && pin.size() <= 8;
  for (char c : pin) ok = ok && c >= '0' && c <= '9';
  if (ok) return ok_status();
  return sql::invalid("invalid_pin", "PIN must be 4 to 8 digits", field + "pin");
}

Result<std::vector<Phone>> normalise_phones(const std::vector<Phone>& phones) {
  std::vector<Phone> out;
  for (std::size_t i = 0; i < phones.size(); ++i) {
    std::string field = "phones[" + std::to_string(i) + "]";
    auto n = normalize_phone(phones[i].phone);
    if (!n.ok()) return sql::invalid("invalid_phone", n.error().message, field);
    if (phones[i].kind != "mobile" && phones[i].kind != "landline") {
      return sql::invalid("invalid_phone_kind", "phone kind must be mobile or landline",
                          field + ".kind");
    }
    bool dup = std::any_of(out.begin(), out.end(), [&](const Phone& p) { return p.phone == *n; });
    if (!dup) out.push_back(Phone{*n, phones[i].kind});
  }
  return out;
}

Status insert_phones(Connection& conn, std::int64_t customer_id, const std::vector<Phone>& phones) {
  for (const Phone& ph : phones) {
    Value p[] = {Value{ph.phone}, Value{customer_id}, Value{ph.kind}};
    auto r =
        conn.exec("INSERT INTO customer_phones (phone, customer_id, kind) VALUES ($1, $2, $3)", p);
    if (!r.ok()) return r.error();
  }
  return ok_status();
}

Result<std::int64_t> insert_account(Connection& conn, std::int64_t customer_id, const NewAccount& a,
                                    const std::string& pin_hash, std::int64_t now_ms) {
  Value p[] = {Value{a.account_no},  Value{customer_id}, Value{a.kind},        Value{a.meter_no},
               Value{a.tariff},      Value{a.address},   Value{a.region_code}, Value{a.balance_fen},
               Value{a.arrears_fen}, Value{pin_hash},    Value{a.status},      Value{now_ms},
               Value{now_ms}};
  auto id = conn.insert_returning_id(
      "INSERT INTO accounts (account_no, customer_id, kind, meter_no, tariff, address, "
      "region_code, balance_fen, arrears_fen, pin_hash, status, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
      p);
  if (!id.ok() && sql::is_unique_violation(id.error(), "account_no")) {
    return sql::conflict("account_no_taken", "account number " + a.account_no + " is taken",
                         "account_no");
  }
  return id;
}

}  // namespace sy::store::customer_sql
