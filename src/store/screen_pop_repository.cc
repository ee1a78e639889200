// The screen pop (see screen_pop_repository.h). Every query here is a point or short range
// lookup on an index: customer_phones primary key or accounts.account_no, then per customer
// its phones, accounts, bills (account_id, period), contacts (customer_id, started_at) and the
// outages on its region chain, and its open work orders (customer_id, created_at).
// Statement texts are constant so their prepared forms are reused.
#include "store/screen_pop_repository.h"

#include <map>

#include "store/customer_queries.h"
#include "store/outage_queries.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"
#include "store/work_order_repository.h"

namespace sy::store {
namespace {

Result<std::vector<Bill>> recent_bills(Connection& conn, std::int64_t account_id) {
  static const std::string kSql = std::string("SELECT ") + codec::kBillColumns +
                                  " FROM bills b WHERE b.account_id = $1"
                                  " ORDER BY b.period DESC LIMIT 6";
  Value p[] = {Value{account_id}};
  auto rows = conn.query(kSql, p);
  if (!rows.ok()) return rows.error();
  std::vector<Bill> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) out.push_back(codec::bill_from_row(r));
  return out;
}

Result<std::vector<Contact>> recent_contacts(Connection& conn, std::int64_t customer_id) {
  static const std::string kSql = std::string("SELECT ") + codec::kContactColumns +
                                  " FROM contacts k WHERE k.customer_id = $1"
                                  " ORDER BY k.started_at DESC, k.id DESC LIMIT 10";
  Value p[] = {Value{customer_id}};
  auto rows = conn.query(kSql, p);
  if (!rows.ok()) return rows.error();
  std::vector<Contact> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) out.push_back(codec::contact_from_row(r));
  return out;
}

// Completes the pop of one customer. Outages are looked up once per region per lookup, since
// customers sharing a number often live at one address.
Status fill_pop(Connection& conn, ScreenPop& pop, TimePoint now,
                std::map<std::string, std::vector<Outage>>& outages_by_region) {
  std::int64_t id = pop.customer.id;
  auto phones = customer_sql::load_phones(conn, id);
  if (!phones.ok()) return phones.error();
  pop.phones = std::move(*phones);
  auto accounts = customer_sql::load_accounts(conn, id);
  if (!accounts.ok()) return accounts.error();
  for (Account& a : *accounts) {
    auto bills = recent_bills(conn, a.id);
    if (!bills.ok()) return bills.error();
    pop.accounts.push_back(AccountWithBills{std::move(a), std::move(*bills)});
  }
  const std::string& region = pop.customer.region_code;
  auto cached = outages_by_region.find(region);
  if (cached == outages_by_region.end()) {
    auto found = outage_sql::current_for_region(conn, region, now);
    if (!found.ok()) return found.error();
    cached = outages_by_region.emplace(region, std::move(*found)).first;
  }
  pop.outages = cached->second;
  auto orders = work_order_sql::open_for_customer(conn, id);
  if (!orders.ok()) return orders.error();
  pop.open_work_orders = std::move(*orders);
  auto contacts = recent_contacts(conn, id);
  if (!contacts.ok()) return contacts.error();
  pop.recent_contacts = std::move(*contacts);
  return ok_status();
}

// Runs the customer query `sql` with one key, keeps customers in scope and fills their pops.
Result<std::vector<ScreenPop>> lookup(Database& db, const std::string& sql_text,
                                      const std::string& key, const RegionScope& scope,
                                      TimePoint now) {
  std::vector<ScreenPop> pops;
  Status st = db.read([&](Connection& conn) -> Status {
    Value p[] = {Value{key}};
    auto rows = conn.query(sql_text, p);
    if (!rows.ok()) return rows.error();
    std::map<std::string, std::vector<Outage>> outages_by_region;
    for (const Row& row : *rows) {
      Customer c = codec::customer_from_row(row);
      // Filtered here, not in SQL: a number has a handful of owners at most.
      if (!scope.contains(c.region_code)) continue;
      ScreenPop pop;
      pop.customer = std::move(c);
      SY_TRY(fill_pop(conn, pop, now, outages_by_region));
      pops.push_back(std::move(pop));
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  if (pops.empty()) {
    return sql::not_found("customer_not_found", "no customer with this number");
  }
  return pops;
}

}  // namespace

Result<std::vector<ScreenPop>> ScreenPopRepository::lookup_by_phone(const std::string& phone,
                                                                    const RegionScope& scope,
                                                                    TimePoint now) {
  static const std::string kSql = std::string("SELECT ") + codec::kCustomerColumns +
                                  " FROM customer_phones p JOIN customers c ON c.id = "
                                  "p.customer_id WHERE p.phone = $1 ORDER BY c.id";
  auto normalised = normalize_phone(phone);
  if (!normalised.ok()) return normalised.error();
  return lookup(db_, kSql, *normalised, scope, now);
}

Result<std::vector<ScreenPop>> ScreenPopRepository::lookup_by_account(const std::string& account_no,
                                                                      const RegionScope& scope,
                                                                      TimePoint now) {
  static const std::string kSql = std::string("SELECT ") + codec::kCustomerColumns +
                                  " FROM accounts a JOIN customers c ON c.id = a.customer_id"
                                  " WHERE a.account_no = $1";
  std::string no;
  for (char ch : account_no) {
    if (ch != ' ' && ch != '\t') no.push_back(ch);  // agents paste numbers with spaces
  }
  if (no.empty() || no.size() > 32) {
    return sql::invalid("invalid_account_no", "account number must be 1 to 32 characters",
                        "account");
  }
  return lookup(db_, kSql, no, scope, now);
}

}  // namespace sy::store
