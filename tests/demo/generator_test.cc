// The demo generator: same seed, same province; and the province looks like a real one (areas
// that exist, valid phone and ID numbers, arrears that match the overdue bills).
#include "demo/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "auth/secrets.h"
#include "demo/billing.h"
#include "demo/people.h"

namespace sy::demo {
namespace {

// 2026-11-23 10:00 UTC (18:00 in Fujian).
constexpr std::int64_t kNow = 1795428000000;

DemoOptions options(std::uint64_t seed, std::int64_t customers) {
  DemoOptions o;
  o.seed = seed;
  o.customers = customers;
  o.now_ms = kNow;
  o.hash_pins = false;
  return o;
}

// A flat text rendering of everything generated, to compare runs.
std::string render(const CustomerBundle& b) {
  std::string s = b.customer.customer_no + "|" + b.customer.name + "|" + b.customer.id_number +
                  "|" + b.customer.address + "|" + b.customer.region_code + "|" +
                  std::to_string(b.customer.created_at);
  for (const auto& p : b.phones) s += "|" + p.phone;
  for (const auto& a : b.accounts)
    s += "|" + a.account_no + ":" + std::to_string(a.arrears_fen) + ":" + a.pin_hash;
  for (const auto& r : b.bills) s += "|" + r.period + ":" + std::to_string(r.amount_fen) + r.status;
  for (const auto& p : b.payments) s += "|" + p.reference;
  for (const auto& c : b.contacts) s += "|" + c.summary;
  return s;
}

std::vector<std::string> render_all(const DemoOptions& o) {
  Generator g(o);
  CustomerBundle b;
  std::vector<std::string> out;
  while (g.next(b)) out.push_back(render(b));
  for (const auto& outage : g.outages()) out.push_back(outage.description);
  return out;
}

TEST(DemoGenerator, SameSeedGivesTheSameProvince) {
  EXPECT_EQ(render_all(options(7, 500)), render_all(options(7, 500)));
}

TEST(DemoGenerator, DifferentSeedGivesADifferentProvince) {
  auto a = render_all(options(7, 200));
  auto b = render_all(options(8, 200));
  ASSERT_EQ(a.size() > 0, b.size() > 0);
  int same = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) same += a[i] == b[i];
  EXPECT_LT(same, 5);
}

TEST(DemoGenerator, ProvinceHasNineCitiesTwoCentresAndRealCodes) {
  Generator g(options(1, 0));
  std::map<std::string, RegionRow> by_code;
  std::set<std::string> centres;
  int cities = 0;
  for (const auto& r : g.regions()) {
    by_code[r.code] = r;
    if (r.level == "city") {
      ++cities;
      centres.insert(r.centre);
    }
  }
  EXPECT_EQ(cities, 9);
  EXPECT_EQ(centres, (std::set<std::string>{"fuzhou", "xiamen"}));
  EXPECT_EQ(by_code.at("350000").name, "福建省");
  EXPECT_EQ(by_code.at("350102").name, "鼓楼区");
  EXPECT_EQ(by_code.at("350203").name, "思明区");
  EXPECT_EQ(by_code.at("350206").name, "湖里区");
  EXPECT_EQ(by_code.at("350102-01").name, "东街供电所");
  EXPECT_EQ(by_code.at("350102-01").level, "area");
  EXPECT_EQ(by_code.at("350102-01").area_class, "urban");
  EXPECT_EQ(by_code.at("350500").centre, "xiamen");
  EXPECT_EQ(by_code.at("350900").centre, "fuzhou");
  // Every region's parent exists, and service area codes extend their county's code.
  std::set<std::string> classes;
  for (const auto& [code, r] : by_code) {
    if (r.parent_code.empty()) continue;
    ASSERT_TRUE(by_code.count(r.parent_code)) << code;
    if (r.level == "area") {
      EXPECT_EQ(code.substr(0, 7), r.parent_code + "-");
      classes.insert(r.area_class);
    }
  }
  EXPECT_EQ(classes, (std::set<std::string>{"urban", "rural", "remote"}));
}

TEST(DemoGenerator, CustomersLookReal) {
  Generator g(options(3, 20000));
  std::set<std::string> areas;
  for (const auto& r : g.regions())
    if (r.level == "area") areas.insert(r.code);
  const std::regex mobile("1[3-9][0-9]{9}");
  const std::regex landline("0[0-9]{2,3}[2-8][0-9]{6,7}");
  const std::regex resident_id("35[0-9]{15}[0-9X]");
  std::map<std::string, int> phone_owners;
  std::map<std::string, int> languages;
  int business = 0, vip = 0, vulnerable = 0, landlines = 0;
  CustomerBundle b;
  while (g.next(b)) {
    const auto& c = b.customer;
    ASSERT_TRUE(areas.count(c.region_code)) << c.region_code;
    ASSERT_FALSE(b.phones.empty());
    for (const auto& p : b.phones) {
      ++phone_owners[p.phone];
      if (p.kind == "mobile") {
        EXPECT_TRUE(std::regex_match(p.phone, mobile)) << p.phone;
      } else {
        ++landlines;
        EXPECT_TRUE(std::regex_match(p.phone, landline)) << p.phone;
      }
    }
    if (c.kind == "business") {
      ++business;
      EXPECT_NE(c.name.find("有限公司"), std::string::npos) << c.name;
    } else {
      ASSERT_TRUE(std::regex_match(c.id_number, resident_id)) << c.id_number;
      EXPECT_EQ(c.id_number[17], id_check_char(c.id_number.substr(0, 17))) << c.id_number;
      EXPECT_GE(c.name.size(), 6u);  // surname and at least one given-name character (UTF-8)
    }
    EXPECT_EQ(c.address.rfind("福建省", 0), 0u) << c.address;
    ++languages[c.language];
    vip += c.vip_level > 0;
    vulnerable += c.vulnerable;
    ASSERT_FALSE(b.accounts.empty());
    for (const auto& a : b.accounts) {
      EXPECT_EQ(a.account_no.size(), 10u);
      EXPECT_EQ(a.region_code, c.region_code);
    }
  }
  int shared = 0;
  for (const auto& [phone, owners] : phone_owners) shared += owners > 1;
  EXPECT_GT(shared, 100) << "family members share a mobile";
  EXPECT_NEAR(business / 20000.0, 0.05, 0.015);
  EXPECT_GT(landlines, 1000);
  EXPECT_GT(languages["nan"], 200);
  EXPECT_GT(languages["en"], 10);
  EXPECT_GT(languages["zh"], 17000);
  EXPECT_NEAR(vip / 20000.0, 0.025, 0.015);
  EXPECT_NEAR(vulnerable / 20000.0, 0.025, 0.02);
}

TEST(DemoGenerator, ArrearsEqualTheUnpaidPartOfOverdueBills) {
  Generator g(options(5, 20000));
  std::string today = local_date(kNow);
  int accounts = 0, in_arrears = 0;
  std::set<std::string> account_numbers;
  CustomerBundle b;
  while (g.next(b)) {
    for (const auto& a : b.accounts) {
      ++accounts;
      EXPECT_TRUE(account_numbers.insert(a.account_no).second) << "duplicate " << a.account_no;
      std::int64_t overdue = 0, paid_bills = 0, months = 0;
      for (const auto& bill : b.bills) {
        if (bill.account_id != a.id) continue;
        ++months;
        EXPECT_LE(bill.issued_at, kNow);
        EXPECT_EQ(bill.status, bill.paid_fen == bill.amount_fen ? "paid"
                               : bill.paid_fen == 0             ? "unpaid"
                                                                : "partial");
        if (bill.due_date < today) overdue += bill.amount_fen - bill.paid_fen;
        paid_bills += bill.paid_fen;
      }
      EXPECT_GE(months, 5);  // 6..12 months, one fewer before this month's bill is issued
      EXPECT_LE(months, 12);
      EXPECT_EQ(a.arrears_fen, overdue) << a.account_no;
      if (a.arrears_fen > 0) {
        ++in_arrears;
        EXPECT_EQ(a.balance_fen, 0);
      }
      std::int64_t paid = 0;
      for (const auto& p : b.payments) {
        if (p.account_id != a.id) continue;
        paid += p.amount_fen;
        EXPECT_LE(p.paid_at, kNow);
      }
      EXPECT_EQ(paid, paid_bills) << "payments settle exactly the paid part of the bills";
    }
  }
  double share = static_cast<double>(in_arrears) / accounts;
  EXPECT_GT(share, 0.03);
  EXPECT_LT(share, 0.12);
}

TEST(DemoGenerator, OutagesArePlannedAheadOrActiveNow) {
  Generator g(options(1, 0));
  std::set<std::string> codes;
  for (const auto& r : g.regions()) codes.insert(r.code);
  int planned = 0, active = 0, typhoon = 0;
  for (const auto& o : g.outages()) {
    ASSERT_FALSE(o.area_codes.empty());
    for (const auto& code : o.area_codes) EXPECT_TRUE(codes.count(code)) << code;
    ASSERT_TRUE(o.ends_at.has_value());
    EXPECT_LT(o.starts_at, *o.ends_at);
    if (o.status == "scheduled") {
      ++planned;
      EXPECT_EQ(o.kind, "planned");
      EXPECT_GT(o.starts_at, kNow);
    } else if (o.status == "active") {
      ++active;
      EXPECT_LE(o.starts_at, kNow);
      EXPECT_GT(*o.ends_at, kNow);
      typhoon += o.reason == "台风";
    }
  }
  EXPECT_GE(planned, 24);
  EXPECT_GE(active, 3);
  EXPECT_EQ(typhoon, 1);
}

TEST(DemoGenerator, PinsAreSetOnlyForAKnownSubsetAndVerify) {
  DemoOptions o = options(9, 30);
  o.hash_pins = true;
  o.pin_first = 2;
  o.pin_every = 1000;
  Generator g(o);
  CustomerBundle b;
  std::map<std::string, std::string> hashes;
  while (g.next(b))
    for (const auto& a : b.accounts) hashes[a.account_no] = a.pin_hash;
  ASSERT_EQ(g.pins().size(), 2u);
  int with_pin = 0;
  for (const auto& [no, hash] : hashes) with_pin += !hash.empty();
  EXPECT_EQ(with_pin, 2);
  for (const auto& pin : g.pins()) {
    EXPECT_EQ(pin.pin.size(), 6u);
    EXPECT_TRUE(auth::verify_password(hashes.at(pin.account_no), pin.pin));
    EXPECT_FALSE(auth::verify_password(hashes.at(pin.account_no), "000000x"));
  }
}

}  // namespace
}  // namespace sy::demo
