#include "demo/billing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>

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

// Zero-padded decimal, written by hand: this runs for every bill of ten million customers,
// where snprintf would be a visible share of the load time.
void append_padded(std::string& out, std::uint64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(buf[--n]);
}

std::string format_period(std::chrono::year_month ym) {
  std::string s;
  s.reserve(8);
  append_padded(s, static_cast<std::uint64_t>(static_cast<int>(ym.year())), 4);
  s.push_back('-');
  append_padded(s, static_cast<unsigned>(ym.month()), 2);
  return s;
}

std::string format_date(std::chrono::year_month_day d) {
  std::string s = format_period(d.year() / d.month());
  s.push_back('-');
  append_padded(s, static_cast<unsigned>(d.day()), 2);
  return s;
}

// WX2026 + 12 digits; `year` is the payment's year.
std::string payment_reference(Rng& rng, const std::string& channel, std::string_view year) {
  std::string ref = channel == "wechat"   ? "WX"
                    : channel == "alipay" ? "ZFB"
                    : channel == "bank"   ? "YH"
                                          : "GT";
  ref += year;
  append_padded(ref, rng.below(1000000000000ULL), 12);
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
  // Payments: each settles one bill, or up to three consecutive ones paid together.
  for (std::size_t i = first; i < bills.size(); ++i) {
    const BillRow& b = bills[i];
    if (b.paid_fen == 0) continue;
    PaymentRow p;
    p.account_id = account.id;
    p.amount_fen = b.paid_fen;
    std::size_t last = i;
    // Many people pay two or three months at once.
    while (bills[last].status == "paid" && last + 1 < bills.size() && last < i + 2 &&
           bills[last + 1].status == "paid" && rng.chance(450)) {
      ++last;
      p.amount_fen += bills[last].paid_fen;
    }
    // Paid within 20 days of the (later) bill's issue, never in the future.
    std::int64_t deadline = std::min(bills[last].issued_at + 20 * kDayMs, now_ms);
    p.paid_at = time_between(rng, bills[last].issued_at + kHourMs, deadline);
    p.channel =
        rng.chance(800) ? profile.channel : std::string(rng.chance(500) ? "wechat" : "alipay");
    // Paid before the 25th of the month the bill was issued in: the due date's year.
    p.reference =
        payment_reference(rng, p.channel, std::string_view(bills[last].due_date).substr(0, 4));
    payments.push_back(std::move(p));
    i = last;
  }
  account.balance_fen = 0;
  if (account.arrears_fen == 0 && rng.chance(400))
    account.balance_fen = rng.range(10, 300) * 100;  // prepaid in whole yuan
}

}  // namespace sy::demo
