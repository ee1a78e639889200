#include "app/ivr_lookups.h"

#include <spdlog/spdlog.h>

#include <charconv>

namespace sy::app {
namespace {

std::string arg(const ivr::LookupAction& a, const std::string& name) {
  auto it = a.args.find(name);
  return it == a.args.end() ? std::string() : it->second;
}

LookupAnswer error_answer(const Error& e) {
  spdlog::warn("ivr lookup: {} ({})", e.message, e.code);
  return {"error", {}};
}

// "2026-10" -> "2026年10月"
std::string spoken_month(const std::string& period) {
  if (period.size() != 7 || period[4] != '-') return period;
  int month = std::atoi(period.c_str() + 5);
  return period.substr(0, 4) + "年" + std::to_string(month) + "月";
}

// Dates of the centre's calendar ("YYYY-MM-DD") as RFC 3339 at local midnight (China time).
std::string local_midnight(const std::string& date) { return date + "T00:00:00+08:00"; }

}  // namespace

LookupAnswer IvrLookups::run(const ivr::LookupAction& action, TimePoint now) {
  switch (action.kind) {
    case ivr::LookupKind::kCustomerByCaller: return customer_by_caller(arg(action, "caller"), now);
    case ivr::LookupKind::kVip: return vip(arg(action, "customer_id"));
    case ivr::LookupKind::kOutageForCaller: return outage(arg(action, "caller"), false, now);
    case ivr::LookupKind::kOutagePlans: return outage(arg(action, "caller"), true, now);
    case ivr::LookupKind::kAccountPinCheck:
      return pin_check(arg(action, "account"), arg(action, "pin"));
    case ivr::LookupKind::kBill: return bill(arg(action, "account"), false);
    case ivr::LookupKind::kArrears: return bill(arg(action, "account"), true);
    case ivr::LookupKind::kOrderProgress:
      return {"none", {}};  // business orders are not stored yet: nothing in progress to tell
  }
  return {"error", {}};
}

LookupAnswer IvrLookups::customer_by_caller(const std::string& caller, TimePoint now) {
  auto pops = repos_.screen_pop.lookup_by_phone(caller, store::RegionScope::all(), now);
  if (!pops) {
    if (pops.error().kind == ErrorKind::kNotFound || pops.error().kind == ErrorKind::kInvalidInput)
      return {"none", {}};
    return error_answer(pops.error());
  }
  if (pops->empty()) return {"none", {}};
  const auto& c = pops->front().customer;
  LookupAnswer a{"found", {{"customer_id", std::to_string(c.id)}, {"customer_name", c.name},
                           {"region_code", c.region_code}}};
  if (!pops->front().accounts.empty())
    a.variables["customer_account"] = pops->front().accounts.front().account.account_no;
  return a;
}

LookupAnswer IvrLookups::vip(const std::string& customer_id) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(customer_id.data(), customer_id.data() + customer_id.size(), id);
  if (ec != std::errc() || id <= 0) return {"no", {}};
  auto file = repos_.customers.get(id);
  if (!file) return file.error().kind == ErrorKind::kNotFound ? LookupAnswer{"no", {}}
                                                               : error_answer(file.error());
  if (file->customer.vip_level <= 0) return {"no", {}};
  return {"yes", {{"vip_level", std::to_string(file->customer.vip_level)}}};
}

std::string IvrLookups::area_name(const std::string& region_code) {
  auto region = repos_.regions.get(region_code);
  return region ? region->name : std::string("您所在地区");
}

LookupAnswer IvrLookups::outage(const std::string& caller, bool planned_only, TimePoint now) {
  auto pops = repos_.screen_pop.lookup_by_phone(caller, store::RegionScope::all(), now);
  if (!pops) {
    if (pops.error().kind == ErrorKind::kNotFound || pops.error().kind == ErrorKind::kInvalidInput)
      return {"none", {}};
    return error_answer(pops.error());
  }
  for (const auto& pop : *pops) {
    for (const auto& o : pop.outages) {
      bool active = o.status == store::OutageStatus::kActive;
      bool planned = o.status == store::OutageStatus::kScheduled;
      if (planned_only ? !planned : !active) continue;
      std::string area = o.region_codes.empty() ? pop.customer.region_code : o.region_codes.front();
      LookupAnswer a{"found", {{"area_name", area_name(area)}}};
      if (planned_only) {
        a.variables["plan_start"] = format_rfc3339(o.starts_at);
        a.variables["plan_end"] = format_rfc3339(o.ends_at.value_or(o.starts_at));
        a.variables["plan_reason"] = o.reason;
      } else {
        a.variables["outage_reason"] = o.reason;
        a.variables["restore_at"] = format_rfc3339(o.ends_at.value_or(now + std::chrono::hours(4)));
      }
      return a;
    }
  }
  return {"none", {}};
}

LookupAnswer IvrLookups::pin_check(const std::string& account_no, const std::string& pin) {
  auto account = repos_.customers.get_account_by_no(account_no);
  if (!account) return account.error().kind == ErrorKind::kNotFound ||
                               account.error().kind == ErrorKind::kInvalidInput
                           ? LookupAnswer{"none", {}}
                           : error_answer(account.error());
  auto ok = repos_.customers.verify_account_pin(account->id, pin);
  if (!ok) return error_answer(ok.error());
  return {*ok ? "ok" : "wrong", {}};
}

LookupAnswer IvrLookups::bill(const std::string& account_no, bool arrears) {
  auto account = repos_.customers.get_account_by_no(account_no);
  if (!account) return account.error().kind == ErrorKind::kNotFound ||
                               account.error().kind == ErrorKind::kInvalidInput
                           ? LookupAnswer{"none", {}}
                           : error_answer(account.error());
  auto bills = repos_.accounts.list_bills(account->id, store::PageRequest{1, 6});
  if (!bills) return error_answer(bills.error());
  if (!arrears) {
    if (bills->items.empty()) return {"none", {}};
    const auto& b = bills->items.front();
    return {"found", {{"bill_month", spoken_month(b.period)},
                      {"bill_amount_fen", std::to_string(b.amount_fen)}}};
  }
  if (account->arrears_fen <= 0) return {"none", {}};
  std::string due;
  for (const auto& b : bills->items)  // the oldest unpaid bill's due date among the recent ones
    if (b.status != "paid" && !b.due_date.empty()) due = b.due_date;
  LookupAnswer a{"found", {{"arrears_fen", std::to_string(account->arrears_fen)}}};
  if (!due.empty()) a.variables["due_at"] = local_midnight(due);
  return a;
}

}  // namespace sy::app
