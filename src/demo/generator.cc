// Customers, accounts and contacts of the demo province, drawn from one SplitMix64 stream in
// customer order, so the same options always give the same rows.
#include "demo/generator.h"

#include <cstdio>

#include "auth/secrets.h"
#include "demo/billing.h"
#include "demo/people.h"

namespace sy::demo {
namespace {

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kMinuteMs = 60000;

constexpr const char* kVulnerableNotes[] = {"独居老人", "家中有呼吸机等生命支持设备",
                                            "行动不便，需上门服务", "听力障碍，优先短信联系"};
constexpr const char* kChannels[] = {"wechat", "wechat", "wechat", "wechat", "alipay",
                                     "alipay", "alipay", "bank",   "bank",   "counter"};

struct ContactTemplate {
  const char* category;
  const char* summary;
};
constexpr ContactTemplate kContacts[] = {
    {"inquiry", "客户咨询本月电费及阶梯电价计费方式，已解释。"},
    {"inquiry", "客户查询电费余额与缴费记录，已告知。"},
    {"repair", "客户反映家中停电，经查为户内空开跳闸，已指导恢复。"},
    {"repair", "客户报修小区整栋停电，已派发抢修工单。"},
    {"arrears", "客户咨询欠费停电事宜，已告知缴费渠道及复电时限。"},
    {"complaint", "客户反映抄表电量异常偏高，已转后台核实。"},
    {"outage", "客户询问计划停电时间及范围，已告知。"},
    {"business", "客户咨询增容报装流程，已告知所需材料。"},
};
constexpr const char* kDispositions[] = {"resolved", "resolved", "resolved", "transferred",
                                         "callback_scheduled"};

}  // namespace

Generator::Generator(DemoOptions options) : options_(options), rng_(derive_seed(options.seed, 1)) {}

bool Generator::next(CustomerBundle& out) {
  if (produced_ >= options_.customers) return false;
  out.phones.clear();
  out.accounts.clear();
  out.bills.clear();
  out.payments.clear();
  out.contacts.clear();
  make_customer(out);
  ++produced_;
  return true;
}

void Generator::make_customer(CustomerBundle& out) {
  CustomerRow& c = out.customer;
  c = CustomerRow{};
  c.id = produced_ + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "35%010lld", static_cast<long long>(c.id));
  c.customer_no = buf;
  // A family member of the previous customer: same home, shares their mobile.
  bool family = last_area_ != nullptr && rng_.chance(40);
  const AreaInfo& area = family ? *last_area_ : province_.pick_area(rng_);
  bool business = !family && rng_.chance(50);
  // Most people are registered where they live; some moved in from elsewhere in the province.
  const AreaInfo& home = rng_.chance(80) ? province_.pick_area(rng_) : area;
  Person person = make_person(rng_, home.county_code);
  c.kind = business ? "business" : "residential";
  c.name = business ? make_company_name(rng_, area) : person.name;
  c.id_number = business ? make_credit_code(rng_, area.county_code) : person.id_number;
  c.address = family     ? last_address_
              : business ? make_business_address(rng_, area)
                         : make_address(rng_, area);
  c.region_code = area.code;
  set_preferences(c, area, business, person.birth_year);
  c.created_at = options_.now_ms - rng_.range(30, 7300) * kDayMs - rng_.range(0, 1439) * kMinuteMs;
  make_phones(out, area, family, business);

  int n_accounts = business ? static_cast<int>(rng_.range(1, 3)) : (rng_.chance(70) ? 2 : 1);
  for (int i = 0; i < n_accounts; ++i) make_account(out, area, business);
  make_contacts(out);

  last_area_ = &area;
  last_address_ = c.address;
  last_mobile_ = out.phones.front().phone;
}

void Generator::set_preferences(CustomerRow& c, const AreaInfo& area, bool business,
                                int birth_year) {
  c.language = "zh";
  if (!business) {
    if (area.minnan && rng_.chance(150))
      c.language = "nan";
    else if (rng_.chance(4))
      c.language = "en";
    else if (rng_.chance(2))
      c.language = "yue";
  }
  if (business)
    c.vip_level = rng_.chance(100) ? static_cast<int>(rng_.range(1, 3)) : 0;
  else
    c.vip_level = rng_.chance(15) ? 1 : rng_.chance(5) ? 2 : rng_.chance(1) ? 3 : 0;
  if (!business && rng_.chance(birth_year < 1950 ? 80 : 8)) {
    c.vulnerable = true;
    c.note = rng_.pick(kVulnerableNotes);
  }
}

void Generator::make_phones(CustomerBundle& out, const AreaInfo& area, bool family, bool business) {
  if (family) {
    out.phones.push_back({last_mobile_, "mobile"});
    if (rng_.chance(500)) out.phones.push_back({make_mobile(rng_), "mobile"});
  } else {
    out.phones.push_back({make_mobile(rng_), "mobile"});
    if (rng_.chance(business ? 700 : 150))
      out.phones.push_back({make_landline(rng_, area), "landline"});
    if (rng_.chance(60)) out.phones.push_back({make_mobile(rng_), "mobile"});
  }
  // Two draws can collide; the (phone, customer) key allows a number only once per customer.
  for (std::size_t i = 1; i < out.phones.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (out.phones[i].phone == out.phones[j].phone) {
        out.phones.erase(out.phones.begin() + static_cast<std::ptrdiff_t>(i--));
        break;
      }
    }
  }
}

void Generator::make_account(CustomerBundle& out, const AreaInfo& area, bool business) {
  AccountRow a;
  a.id = next_account_id_++;
  next_account_no_ += 1 + static_cast<std::int64_t>(rng_.below(600));
  a.account_no = std::to_string(next_account_no_);
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%013lld",
      static_cast<long long>(3500000000000LL + a.id * 13 + static_cast<long long>(rng_.below(13))));
  a.meter_no = buf;
  a.kind = business ? "business" : "residential";
  bool second = !out.accounts.empty();
  BillingProfile profile;
  if (business) {
    bool industrial = rng_.chance(120);
    a.tariff = industrial ? "大工业" : "一般工商业";
    profile.base_kwh = industrial ? rng_.range(50000, 800000) : rng_.range(800, 30000);
  } else {
    a.tariff =
        second && area.area_class != "urban" && rng_.chance(500) ? "农业生产" : "居民阶梯电价";
    // Most homes use 80..280 kWh a month; a few large houses far more.
    profile.base_kwh = rng_.chance(50) ? rng_.range(400, 900) : rng_.range(80, 280);
  }
  if (!second)
    a.address = out.customer.address;
  else
    a.address = business ? make_business_address(rng_, area) : make_address(rng_, area);
  a.region_code = area.code;
  a.created_at = out.customer.created_at + static_cast<std::int64_t>(out.accounts.size()) * kDayMs;
  // Six months for most accounts (what the screen pop shows); up to a year for some.
  profile.months = rng_.chance(650) ? 6 : static_cast<int>(rng_.range(7, 12));
  profile.in_arrears = rng_.chance(business ? 40 : 70);
  profile.channel = rng_.pick(kChannels);
  make_bills(rng_, options_.now_ms, profile, a, out.bills, out.payments);
  a.status = a.arrears_fen > 0 && rng_.chance(100) ? "suspended" : "active";
  std::int64_t ordinal = a.id - 1;
  if (ordinal < options_.pin_first || (options_.pin_every > 0 && ordinal % options_.pin_every == 0))
    assign_pin(a, out.customer.name);
  out.accounts.push_back(std::move(a));
}

void Generator::assign_pin(AccountRow& account, const std::string& customer_name) {
  // A separate stream, so whether PINs are hashed never shifts the other draws.
  Rng pin_rng(derive_seed(options_.seed, 1000 + static_cast<std::uint64_t>(account.id)));
  char pin[8];
  std::snprintf(pin, sizeof pin, "%06llu", static_cast<unsigned long long>(pin_rng.below(1000000)));
  if (options_.hash_pins) {
    auto hashed = auth::hash_password(pin);
    account.pin_hash = hashed.ok() ? hashed.value() : "";
  } else {
    account.pin_hash = "demo-pin";
  }
  pins_.push_back({account.account_no, pin, customer_name});
}

void Generator::make_contacts(CustomerBundle& out) {
  if (!rng_.chance(30)) return;
  int n = static_cast<int>(rng_.range(1, 3));
  for (int i = 0; i < n; ++i) {
    const ContactTemplate& t = rng_.pick(kContacts);
    ContactRow c;
    c.channel = rng_.chance(850) ? "voice" : "chat";
    c.direction = rng_.chance(900) ? "inbound" : "outbound";
    c.phone = out.phones.front().phone;
    c.category = t.category;
    c.disposition = rng_.pick(kDispositions);
    c.summary = t.summary;
    c.region_code = out.customer.region_code;
    c.started_at = options_.now_ms - rng_.range(1, 180) * kDayMs - rng_.range(0, 1439) * kMinuteMs;
    c.ended_at = c.started_at + rng_.range(40, 900) * 1000;
    out.contacts.push_back(std::move(c));
  }
}

}  // namespace sy::demo
