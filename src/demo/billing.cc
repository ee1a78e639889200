#include "demo/billing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace sy::demo {
namespace {

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kHourMs = 3600000;
constexpr std::int64_t kLocalOffsetMs = 8 * kHourMs;  // Asia/Shanghai, no daylight saving

// Seasonal factor per calendar month in percent: Fujian's summers run air conditioning hard.
constexpr int kSeasonPercent[12] = {110, 100, 85, 80, 95, 130, 170, 180, 140, 100, 90, 105};

std::int64_t local_midnight_utc_ms(std::chrono::year_month_day ymd) {
  auto days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return static_cast<std::int64_t>(days) * kDayMs - kLocalOffsetMs;
}

std::string format_period(std::chrono::year_month ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()));
  return buf;
}

std::string format_date(std::chrono::year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string payment_reference(Rng& rng, const std::string& channel, std::int64_t paid_at) {
  std::string ref = channel == "wechat"   ? "WX"
                    : channel == "alipay" ? "ZFB"
                    : channel == "bank"   ? "YH"
                                          : "GT";
  ref += local_date(paid_at).substr(0, 4);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012llu",
                static_cast<unsigned long long>(rng.below(1000000000000ULL)));
  ref += buf;
  return ref;
}

// A time between `from` and `to` (clamped so that it is not after `to`).
std::int64_t time_between(Rng& rng, std::int64_t from, std::int64_t to) {
  if (to <= from) return from;
  return from + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(to - from)));
}

}  // namespace

std::int64_t residential_amount_fen(std::int64_t kwh) {
  std::int64_t t1 = std::min<std::int64_t>(kwh, 200);
  std::int64_t t2 = std::clamp<std::int64_t>(kwh - 200, 0, 200);
  std::int64_t t3 = std::max<std::int64_t>(kwh - 400, 0);
  std::int64_t centi_fen = t1 * 4983 + t2 * 5483 + t3 * 7983;  // prices in 0.0001 元 = 0.01 fen
  return (centi_fen + 50) / 100;
}

std::int64_t flat_amount_fen(const std::string& tariff, std::int64_t kwh) {
  std::int64_t price = tariff == "大工业" ? 5530 : tariff == "农业生产" ? 4871 : 6178;
  return (kwh * price + 50) / 100;
}

std::string local_date(std::int64_t utc_ms) {
  std::int64_t local_ms = utc_ms + kLocalOffsetMs;
  std::int64_t days = local_ms >= 0 ? local_ms / kDayMs : (local_ms - kDayMs + 1) / kDayMs;
  return format_date(std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{days}}});
}

void make_bills(Rng& rng, std::int64_t now_ms, const BillingProfile& profile, AccountRow& account,
                std::vector<BillRow>& bills, std::vector<PaymentRow>& payments) {
  using namespace std::chrono;
  std::string today = local_date(now_ms);
  year_month_day now_local{sys_days{days{(now_ms + kLocalOffsetMs) / kDayMs}}};
  year_month current{now_local.year(), now_local.month()};
  std::size_t first = bills.size();
  // Walk back from last month; a month whose bill is not issued yet is skipped.
  for (int back = profile.months; back >= 1; --back) {
    year_month period = current - months{back};
    year_month next = period + months{1};
    std::int64_t issued_at = local_midnight_utc_ms(next / day{3}) + 9 * kHourMs;
    if (issued_at > now_ms) continue;
    BillRow b;
    b.account_id = account.id;
    b.period = format_period(period);
    int season = kSeasonPercent[static_cast<unsigned>(period.month()) - 1];
    std::int64_t jitter = 85 + static_cast<std::int64_t>(rng.below(31));  // 85..115 %
    b.kwh = std::max<std::int64_t>(1, profile.base_kwh * season / 100 * jitter / 100);
    b.amount_fen = account.tariff == "居民阶梯电价" ? residential_amount_fen(b.kwh)
                                                    : flat_amount_fen(account.tariff, b.kwh);
    b.due_date = format_date(next / day{25});
    b.issued_at = issued_at;
    b.paid_fen = b.amount_fen;
    b.status = "paid";
    bills.push_back(std::move(b));
  }
  // Overdue: the most recent 1..3 bills past their due date stay unpaid (the oldest of them
  // sometimes half paid). A bill not yet due is often simply not paid yet: not arrears.
  int overdue_left = profile.in_arrears ? static_cast<int>(rng.range(1, 3)) : 0;
  account.arrears_fen = 0;
  for (std::size_t i = bills.size(); i-- > first;) {
    BillRow& b = bills[i];
    bool past_due = b.due_date < today;
    if (!past_due) {
      // Someone already behind on payments has not paid the newest bill either.
      if (profile.in_arrears || rng.chance(450)) {
        b.paid_fen = 0;
        b.status = "unpaid";
      }
      continue;
    }
    if (overdue_left <= 0) break;
    --overdue_left;
    bool oldest = overdue_left == 0 || i == first;
    if (oldest && rng.chance(250)) {
      b.paid_fen = b.amount_fen / 2;
      b.status = "partial";
    } else {
      b.paid_fen = 0;
      b.status = "unpaid";
    }
    account.arrears_fen += b.amount_fen - b.paid_fen;
  }
  // Payments: each settles one bill, or two consecutive ones paid together.
  for (std::size_t i = first; i < bills.size(); ++i) {
    const BillRow& b = bills[i];
    if (b.paid_fen == 0) continue;
    PaymentRow p;
    p.account_id = account.id;
    p.amount_fen = b.paid_fen;
    std::size_t last = i;
    if (b.status == "paid" && i + 1 < bills.size() && bills[i + 1].status == "paid" &&
        rng.chance(300)) {
      last = i + 1;
      p.amount_fen += bills[last].paid_fen;
    }
    // Paid within 20 days of the (later) bill's issue, never in the future.
    std::int64_t deadline = std::min(bills[last].issued_at + 20 * kDayMs, now_ms);
    p.paid_at = time_between(rng, bills[last].issued_at + kHourMs, deadline);
    p.channel =
        rng.chance(800) ? profile.channel : std::string(rng.chance(500) ? "wechat" : "alipay");
    p.reference = payment_reference(rng, p.channel, p.paid_at);
    payments.push_back(std::move(p));
    i = last;
  }
  account.balance_fen = 0;
  if (account.arrears_fen == 0 && rng.chance(400))
    account.balance_fen = rng.range(10, 300) * 100;  // prepaid in whole yuan
}

}  // namespace sy::demo
