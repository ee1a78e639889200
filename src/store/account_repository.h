// Bills and payments of an account: listing them, issuing a bill, and recording a payment,
// which pays the oldest open bills first and lowers the arrears in the same write.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class AccountRepository {
 public:
  AccountRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Newest period first. not_found "account_not_found"; invalid_page / invalid_page_size.
  Result<PageResult<Bill>> list_bills(std::int64_t account_id, const PageRequest& page);
  // Newest first. Same errors.
  Result<PageResult<Payment>> list_payments(std::int64_t account_id, const PageRequest& page);

  // Issues a bill (status unpaid; raises arrears when add_to_arrears). Errors:
  // account_not_found; invalid_input "invalid_period" (YYYY-MM), "invalid_amount" (< 0),
  // "invalid_due_date" (YYYY-MM-DD); conflict "bill_period_taken".
  Result<Bill> add_bill(std::int64_t account_id, const NewBill& bill);

  // Records a payment at clock now: arrears go down by the amount (the rest goes to the
  // balance) and open bills are paid oldest period first, all in one write.
  // Errors: account_not_found; invalid_input "invalid_amount" (≤ 0), "invalid_channel";
  // conflict "account_closed".
  Result<PaymentApplied> record_payment(std::int64_t account_id, const NewPayment& payment);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
