// The demo province generator: a pure, deterministic function of (seed, customer count, now).
// Customers come one at a time with their phones, accounts, bills, payments and past contacts, so
// ten million of them stream through a fixed amount of memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "demo/province.h"
#include "demo/random.h"

namespace sy::demo {

struct DemoOptions {
  std::int64_t customers = 100000;
  std::uint64_t seed = 1;
  std::int64_t now_ms = 0;  // UTC ms; bills, outages and contacts are placed relative to it
  // IVR PINs (argon2id, deliberately slow): set for the first `pin_first` accounts and every
  // `pin_every`-th after, leaving the rest without a PIN (pin_hash "").
  int pin_first = 5;
  std::int64_t pin_every = 100000;
  bool hash_pins = true;  // false: pin_hash holds "demo-pin" markers (generator tests only)
};

struct CustomerRow {
  std::int64_t id = 0;
  std::string customer_no;
  std::string name;
  std::string kind;  // residential | business
  std::string id_number;
  std::string address;
  std::string region_code;
  int vip_level = 0;
  std::string language;
  bool vulnerable = false;
  std::string note;
  std::int64_t created_at = 0;
};

struct PhoneRow {
  std::string phone;
  std::string kind;  // mobile | landline
};

struct AccountRow {
  std::int64_t id = 0;
  std::string account_no;
  std::string kind;
  std::string meter_no;
  std::string tariff;
  std::string address;
  std::string region_code;
  std::int64_t balance_fen = 0;
  std::int64_t arrears_fen = 0;
  std::string pin_hash;
  std::string status;  // active | suspended
  std::int64_t created_at = 0;
};

struct BillRow {
  std::int64_t account_id = 0;
  std::string period;  // YYYY-MM
  std::int64_t kwh = 0;
  std::int64_t amount_fen = 0;
  std::int64_t paid_fen = 0;
  std::string due_date;  // YYYY-MM-DD
  std::string status;    // unpaid | partial | paid
  std::int64_t issued_at = 0;
};

struct PaymentRow {
  std::int64_t account_id = 0;
  std::int64_t amount_fen = 0;
  std::string channel;  // wechat | alipay | bank | counter
  std::string reference;
  std::int64_t paid_at = 0;
};

struct ContactRow {
  std::string channel;
  std::string direction;
  std::string phone;
  std::string category;
  std::string disposition;
  std::string summary;
  std::string region_code;
  std::int64_t started_at = 0;
  std::int64_t ended_at = 0;
};

// One customer and everything that hangs off it; reused between calls to avoid allocations.
struct CustomerBundle {
  CustomerRow customer;
  std::vector<PhoneRow> phones;
  std::vector<AccountRow> accounts;
  std::vector<BillRow> bills;
  std::vector<PaymentRow> payments;
  std::vector<ContactRow> contacts;
};

struct OutageRow {
  std::string kind;  // planned | unplanned
  std::string reason;
  std::string description;
  std::int64_t starts_at = 0;
  std::optional<std::int64_t> ends_at;
  std::optional<std::int64_t> restored_at;
  std::string status;  // scheduled | active | restored
  std::vector<std::string> area_codes;
};

// A demo account whose IVR PIN is known, printed for testers.
struct DemoPin {
  std::string account_no;
  std::string pin;
  std::string customer_name;
};

class Generator {
 public:
  explicit Generator(DemoOptions options);

  const DemoOptions& options() const { return options_; }
  const Province& province() const { return province_; }
  // Province, cities, counties and service areas.
  const std::vector<RegionRow>& regions() const { return province_.regions(); }
  // Planned outages in the coming two weeks, active unplanned ones and a few just restored.
  std::vector<OutageRow> outages() const;
  // Fills `out` with the next customer; false once `customers` have been produced.
  bool next(CustomerBundle& out);
  std::int64_t produced() const { return produced_; }
  // The accounts given a PIN so far, in order.
  const std::vector<DemoPin>& pins() const { return pins_; }

 private:
  void make_customer(CustomerBundle& out);
  void set_preferences(CustomerRow& c, const AreaInfo& area, bool business, int birth_year);
  void make_phones(CustomerBundle& out, const AreaInfo& area, bool family, bool business);
  void make_account(CustomerBundle& out, const AreaInfo& area, bool business);
  void make_contacts(CustomerBundle& out);
  void assign_pin(AccountRow& account, const std::string& customer_name);

  DemoOptions options_;
  Province province_;
  Rng rng_;
  std::int64_t produced_ = 0;
  std::int64_t next_account_id_ = 1;
  std::int64_t next_account_no_ = 1000000000;  // 10 digits, rising with gaps
  std::vector<DemoPin> pins_;
  // The previous customer, so a family member can share a phone and address with them.
  std::string last_mobile_;
  std::string last_address_;
  const AreaInfo* last_area_ = nullptr;
};

}  // namespace sy::demo
