// Customer search for the admin screens: filters combined into one parameterised WHERE, with a
// total count for paging. Each filter is written so an index can drive it (region range,
// name prefix range, phone and account number lookups, the partial arrears index).
#include "store/customer_repository.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

// Strings starting with `prefix` sort (bytewise, as SQLite's BINARY collation does) between the
// prefix and the prefix followed by the highest code point.
std::string prefix_upper_bound(const std::string& prefix) { return prefix + "\xF4\x8F\xBF\xBF"; }

void add_name_filter(sql::Filter& f, Dialect dialect, const std::string& prefix) {
  if (dialect == Dialect::kSqlite) {
    // A range on the customers_name index; LIKE would scan on SQLite.
    std::string lo = f.param(Value{prefix});
    std::string hi = f.param(Value{prefix_upper_bound(prefix)});
    f.where("c.name >= " + lo + " AND c.name < " + hi);
  } else {
    // PostgreSQL collations do not sort bytewise, so the range could miss names: use LIKE.
    f.where("c.name LIKE " + f.param(Value{sql::like_prefix(prefix)}) + " ESCAPE '\\'");
  }
}

Status build_filter(sql::Filter& f, Dialect dialect, const CustomerFilter& filter) {
  f.scope("c.region_code", RegionScope(filter.scope));
  if (!filter.region_code.empty()) f.scope("c.region_code", RegionScope(filter.region_code));
  if (!filter.name_prefix.empty()) add_name_filter(f, dialect, filter.name_prefix);
  if (!filter.phone.empty()) {
    auto phone = normalize_phone(filter.phone);
    if (!phone.ok()) return phone.error();
    f.where("c.id IN (SELECT customer_id FROM customer_phones WHERE phone = " +
            f.param(Value{*phone}) + ")");
  }
  if (!filter.account_no.empty()) {
    f.where("c.id IN (SELECT customer_id FROM accounts WHERE account_no = " +
            f.param(Value{filter.account_no}) + ")");
  }
  if (filter.has_arrears) {
    // A probe of the partial index accounts_arrears per customer visited: a page in id order
    // stops after page_size matches, where `IN (subquery)` would first collect every customer in
    // arrears of the province (hundreds of thousands at 10M customers) on every request.
    std::string in_arrears =
        "EXISTS (SELECT 1 FROM accounts a WHERE a.customer_id = c.id AND a.arrears_fen > 0)";
    f.where(*filter.has_arrears ? in_arrears : "NOT " + in_arrears);
  }
  if (filter.vip_min) f.where("c.vip_level >= " + f.param(Value{std::int64_t{*filter.vip_min}}));
  if (!filter.kind.empty()) f.where("c.kind = " + f.param(Value{filter.kind}));
  if (filter.vulnerable) f.where("c.vulnerable = " + f.param(sql::flag(*filter.vulnerable)));
  return ok_status();
}

// Customer counts stop here: "more than 10,000 customers in arrears" is what a screen needs,
// and an exact count over a province of millions would take seconds.
constexpr std::int64_t kCustomerCountLimit = 10'000;

}  // namespace

Result<PageResult<Customer>> CustomerRepository::search(const CustomerFilter& filter,
                                                        const PageRequest& page) {
  SY_TRY(check_page(page));
  return sql::read_result<PageResult<Customer>>(
      db_, [&](Connection& conn) -> Result<PageResult<Customer>> {
        sql::Filter f;
        SY_TRY(build_filter(f, conn.dialect(), filter));
        return sql::fetch_page<Customer>(conn, std::string("SELECT ") + codec::kCustomerColumns,
                                         " FROM customers c", f, "c.id", page,
                                         [](const Row& r) { return codec::customer_from_row(r); },
                                         kCustomerCountLimit);
      });
}

}  // namespace sy::store
