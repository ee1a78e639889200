// Bills and payments: SQL for an account's money (see account_repository.h).
#include "store/account_repository.h"

#include <algorithm>

#include "store/customer_queries.h"
#include "store/row_codecs.h"
#include "store/sql_support.h"

namespace sy::store {
namespace {

Error account_not_found() { return sql::not_found("account_not_found", "no account with this id"); }

bool digits_at(const std::string& s, std::initializer_list<std::size_t> positions) {
  return std::all_of(positions.begin(), positions.end(),
                     [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; });
}

bool is_period(const std::string& s) {  // YYYY-MM
  return s.size() == 7 && s[4] == '-' && digits_at(s, {0, 1, 2, 3, 5, 6}) && s.substr(5) >= "01" &&
         s.substr(5) <= "12";
}

bool is_date(const std::string& s) {  // YYYY-MM-DD
  return s.size() == 10 && is_period(s.substr(0, 7)) && s[7] == '-' && digits_at(s, {8, 9}) &&
         s.substr(8) >= "01" && s.substr(8) <= "31";
}

bool is_channel(const std::string& c) {
  return c == "counter" || c == "wechat" || c == "alipay" || c == "bank" || c == "phone";
}

Status require_account(Connection& conn, std::int64_t account_id) {
  Value p[] = {Value{account_id}};
  auto found = sql::exists(conn, "SELECT 1 FROM accounts WHERE id = $1", p);
  if (!found.ok()) return found.error();
  if (!*found) return account_not_found();
  return ok_status();
}

// Pays open bills oldest period first with `amount`; returns the bills it changed.
Result<std::vector<Bill>> pay_bills(Connection& conn, std::int64_t account_id,
                                    std::int64_t amount) {
  static const std::string kOpen = std::string("SELECT ") + codec::kBillColumns +
                                   " FROM bills b WHERE b.account_id = $1 AND b.status <> 'paid'"
                                   " ORDER BY b.period";
  Value p[] = {Value{account_id}};
  auto rows = conn.query(kOpen, p);
  if (!rows.ok()) return rows.error();
  std::vector<Bill> touched;
  for (const Row& row : *rows) {
    if (amount <= 0) break;
    Bill b = codec::bill_from_row(row);
    std::int64_t pay = std::min(amount, b.amount_fen - b.paid_fen);
    if (pay <= 0) continue;
    amount -= pay;
    b.paid_fen += pay;
    b.status = b.paid_fen >= b.amount_fen ? "paid" : "partial";
    Value u[] = {Value{b.paid_fen}, Value{b.status}, Value{b.id}};
    auto r = conn.exec("UPDATE bills SET paid_fen = $1, status = $2 WHERE id = $3", u);
    if (!r.ok()) return r.error();
    touched.push_back(std::move(b));
  }
  return touched;
}

}  // namespace

Result<PageResult<Bill>> AccountRepository::list_bills(std::int64_t account_id,
                                                       const PageRequest& page) {
  SY_TRY(check_page(page));
  return sql::read_result<PageResult<Bill>>(db_, [&](Connection& conn) -> Result<PageResult<Bill>> {
    SY_TRY(require_account(conn, account_id));
    sql::Filter f;
    f.where("b.account_id = " + f.param(Value{account_id}));
    return sql::fetch_page<Bill>(conn, std::string("SELECT ") + codec::kBillColumns,
                                 " FROM bills b", f, "b.period DESC", page,
                                 [](const Row& r) { return codec::bill_from_row(r); });
  });
}

Result<PageResult<Payment>> AccountRepository::list_payments(std::int64_t account_id,
                                                             const PageRequest& page) {
  SY_TRY(check_page(page));
  return sql::read_result<PageResult<Payment>>(
      db_, [&](Connection& conn) -> Result<PageResult<Payment>> {
        SY_TRY(require_account(conn, account_id));
        sql::Filter f;
        f.where("p.account_id = " + f.param(Value{account_id}));
        return sql::fetch_page<Payment>(conn, std::string("SELECT ") + codec::kPaymentColumns,
                                        " FROM payments p", f, "p.paid_at DESC, p.id DESC", page,
                                        [](const Row& r) { return codec::payment_from_row(r); });
      });
}

Result<Bill> AccountRepository::add_bill(std::int64_t account_id, const NewBill& bill) {
  if (!is_period(bill.period))
    return sql::invalid("invalid_period", "period must be YYYY-MM", "period");
  if (bill.amount_fen < 0)
    return sql::invalid("invalid_amount", "amount must not be negative", "amount_fen");
  if (!is_date(bill.due_date)) {
    return sql::invalid("invalid_due_date", "due_date must be YYYY-MM-DD", "due_date");
  }
  Bill out;
  Status st = db_.write([&](Connection& conn) -> Status {
    SY_TRY(require_account(conn, account_id));
    Value q[] = {Value{account_id}, Value{bill.period}};
    auto taken = sql::exists(conn, "SELECT 1 FROM bills WHERE account_id = $1 AND period = $2", q);
    if (!taken.ok()) return taken.error();
    if (*taken)
      return sql::conflict("bill_period_taken", "a bill for this period exists", "period");
    std::string status = bill.amount_fen == 0 ? "paid" : "unpaid";
    Value p[] = {Value{account_id},      Value{bill.period},   Value{bill.kwh},
                 Value{bill.amount_fen}, Value{bill.due_date}, Value{status},
                 sql::ms(bill.issued_at)};
    auto id = conn.insert_returning_id(
        "INSERT INTO bills (account_id, period, kwh, amount_fen, paid_fen, due_date, status, "
        "issued_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7) RETURNING id",
        p);
    if (!id.ok()) return id.error();
    if (bill.add_to_arrears && bill.amount_fen > 0) {
      Value a[] = {Value{bill.amount_fen}, sql::ms(clock_.now()), Value{account_id}};
      auto r = conn.exec(
          "UPDATE accounts SET arrears_fen = arrears_fen + $1, updated_at = $2 WHERE id = $3", a);
      if (!r.ok()) return r.error();
    }
    out = Bill{*id, account_id,    bill.period, bill.kwh,      bill.amount_fen,
               0,   bill.due_date, status,      bill.issued_at};
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<PaymentApplied> AccountRepository::record_payment(std::int64_t account_id,
                                                         const NewPayment& payment) {
  if (payment.amount_fen <= 0) {
    return sql::invalid("invalid_amount", "amount must be more than 0", "amount_fen");
  }
  if (!is_channel(payment.channel)) {
    return sql::invalid("invalid_channel", "channel must be counter, wechat, alipay, bank or phone",
                        "channel");
  }
  TimePoint now = from_unix_ms(to_unix_ms(clock_.now()));  // as stored: ms
  PaymentApplied out;
  Status st = db_.write([&](Connection& conn) -> Status {
    auto acc = customer_sql::load_account(conn, account_id);
    if (!acc.ok()) return acc.error();
    if (!*acc) return account_not_found();
    Account a = std::move(**acc);
    if (a.status == "closed") return sql::conflict("account_closed", "the account is closed");
    Value p[] = {Value{account_id}, Value{payment.amount_fen}, Value{payment.channel},
                 Value{payment.reference}, sql::ms(now)};
    auto id = conn.insert_returning_id(
        "INSERT INTO payments (account_id, amount_fen, channel, reference, paid_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        p);
    if (!id.ok()) return id.error();
    auto bills = pay_bills(conn, account_id, payment.amount_fen);
    if (!bills.ok()) return bills.error();
    std::int64_t to_arrears =
        std::min(payment.amount_fen, std::max<std::int64_t>(a.arrears_fen, 0));
    a.arrears_fen -= to_arrears;
    a.balance_fen += payment.amount_fen - to_arrears;
    a.updated_at = now;
    Value u[] = {Value{a.arrears_fen}, Value{a.balance_fen}, sql::ms(now), Value{account_id}};
    auto r = conn.exec(
        "UPDATE accounts SET arrears_fen = $1, balance_fen = $2, updated_at = $3 WHERE id = $4", u);
    if (!r.ok()) return r.error();
    out.payment =
        Payment{*id, account_id, payment.amount_fen, payment.channel, payment.reference, now};
    out.account = std::move(a);
    out.bills_touched = std::move(*bills);
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace sy::store
