// Monthly bills and the payments that settled them, for one demo account: kWh by season, amounts
// by Fujian's tariffs in integer fen, and arrears that always equal what is overdue.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/generator.h"
#include "demo/random.h"

namespace sy::demo {

// Fujian's residential tiers per month: up to 200 kWh at 0.4983 元, 201..400 at 0.5483 元, above
// at 0.7983 元. Returns fen, rounded half up.
std::int64_t residential_amount_fen(std::int64_t kwh);
// Flat tariffs (一般工商业, 大工业, 农业生产) in fen, rounded half up.
std::int64_t flat_amount_fen(const std::string& tariff, std::int64_t kwh);

// The local (UTC+8) calendar date of a UTC ms time, as YYYY-MM-DD.
std::string local_date(std::int64_t utc_ms);

struct BillingProfile {
  int months = 6;               // how many past monthly bills
  std::int64_t base_kwh = 150;  // typical month before the seasonal factor
  bool in_arrears = false;      // leaves 1..3 overdue bills (partly) unpaid
  std::string channel;          // the payer's usual channel
};

// Appends the account's bills and payments and sets its arrears_fen (the unpaid part of every
// bill past its due date) and balance_fen. Bills are issued on the 3rd of the following month and
// due on the 25th; only bills issued before `now_ms` exist.
void make_bills(Rng& rng, std::int64_t now_ms, const BillingProfile& profile, AccountRow& account,
                std::vector<BillRow>& bills, std::vector<PaymentRow>& payments);

}  // namespace sy::demo
