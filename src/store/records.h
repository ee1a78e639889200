// The plain records the repositories read and write (users, regions, customers, accounts, bills,
// outages, contacts, audit), paging, and the few pure rules that belong to the data itself:
// phone-number normalisation (same on store and lookup) and ID-number masking.
// Times are sy::TimePoint (stored as UTC ms); money is integer fen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/result.h"

namespace sy::store {

// ---- paging -------------------------------------------------------------------------------

inline constexpr int kMaxPageSize = 200;
inline constexpr int kDefaultPageSize = 50;

struct PageRequest {
  int page = 1;  // 1-based
  int page_size = kDefaultPageSize;
};

// invalid_input "invalid_page" (field "page") when page < 1,
// "invalid_page_size" (field "page_size") when page_size is outside 1..kMaxPageSize.
Status check_page(const PageRequest& page);

template <class T>
struct PageResult {
  std::vector<T> items;
  std::int64_t total = 0;  // rows matching the filter, over all pages
  // False when counting stopped at the repository's count limit: `total` is then a lower bound
  // ("more than 10,000"), as exact counts over millions of rows would cost seconds.
  bool total_exact = true;
  int page = 1;
  int page_size = kDefaultPageSize;
};

// An optional field that can also be cleared: outer nullopt = leave as is, inner nullopt = NULL.
template <class T>
using Nullable = std::optional<std::optional<T>>;

// ---- users and sessions -------------------------------------------------------------------

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  auth::Role role = auth::Role::kAgent;
  std::optional<std::string> region_code;  // nullopt: whole province
  std::optional<std::string> extension;
  std::optional<std::string> mobile;  // normalised; work-order SMS go here
  std::string password_hash;  // argon2id encoded; never put in API output
  int failed_logins = 0;
  std::optional<TimePoint> locked_until;
  bool disabled = false;
  TimePoint created_at;
  TimePoint updated_at;
};

struct NewUser {
  std::string username;
  std::string display_name;
  auth::Role role = auth::Role::kAgent;
  std::optional<std::string> region_code;
  std::optional<std::string> extension;
  std::optional<std::string> mobile;  // normalised by the store
  std::string password_hash;  // already hashed (sy::auth::hash_password)
};

struct UserUpdate {
  std::optional<std::string> display_name;
  std::optional<auth::Role> role;
  Nullable<std::string> region_code;
  Nullable<std::string> extension;
  Nullable<std::string> mobile;  // normalised by the store
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;  // also resets the lockout counters
};

struct UserFilter {
  std::optional<auth::Role> role;
  std::string scope;  // region code of the caller: only users inside its subtree; "" = all
  std::string q;      // substring of username or display name, case-insensitive for ASCII
  std::optional<bool> disabled;
};

struct Session {
  std::string token_hash;  // sha256_hex of the cookie token
  std::int64_t user_id = 0;
  std::string csrf_token;
  TimePoint created_at;
  TimePoint expires_at;
};

struct SessionWithUser {
  Session session;
  User user;
};

// ---- regions ------------------------------------------------------------------------------

enum class RegionLevel { kProvince, kCity, kCounty, kArea };
std::string_view to_string(RegionLevel level);
std::optional<RegionLevel> parse_region_level(std::string_view text);

struct Region {
  std::string code;  // 350000 province, 350100 city, 350102 county, 350102-01 service area
  std::optional<std::string> parent_code;
  std::string name;
  RegionLevel level = RegionLevel::kArea;
  std::string area_class = "urban";  // urban | rural | remote
  std::string centre;                // e.g. fuzhou | xiamen
};

struct RegionUpdate {
  std::optional<std::string> name;
  std::optional<std::string> area_class;
  std::optional<std::string> centre;
};

// ---- customers, accounts, bills, payments -------------------------------------------------

struct Phone {
  std::string phone;            // normalised (see normalize_phone)
  std::string kind = "mobile";  // mobile | landline
};

struct Customer {
  std::int64_t id = 0;
  std::string customer_no;
  std::string name;
  std::string kind = "residential";  // residential | business
  std::string id_number_masked;      // the stored ID number is never read back unmasked
  std::string address;
  std::string region_code;
  int vip_level = 0;            // 0 none .. 3 top
  std::string language = "zh";  // zh | nan | yue | en
  bool vulnerable = false;
  std::string note;
  TimePoint created_at;
  TimePoint updated_at;
};

struct Account {
  std::int64_t id = 0;
  std::string account_no;
  std::int64_t customer_id = 0;
  std::string kind = "residential";  // residential | business
  std::string meter_no;
  std::string tariff;
  std::string address;
  std::string region_code;
  std::int64_t balance_fen = 0;
  std::int64_t arrears_fen = 0;
  std::string status = "active";  // active | suspended | closed
  bool has_pin = false;           // the PIN hash itself is never read back
  TimePoint created_at;
  TimePoint updated_at;
};

struct CustomerFile {
  Customer customer;
  std::vector<Phone> phones;
  std::vector<Account> accounts;
};

struct NewAccount {
  std::string account_no;
  std::string kind = "residential";
  std::string meter_no;
  std::string tariff;
  std::string address;      // "" = the customer's address
  std::string region_code;  // "" = the customer's region
  std::int64_t balance_fen = 0;
  std::int64_t arrears_fen = 0;
  std::string status = "active";
  std::optional<std::string> pin;  // plain IVR PIN (4..8 digits); stored argon2id-hashed
};

struct NewCustomer {
  std::string customer_no;  // "" = assigned (C + 10-digit id)
  std::string name;
  std::string kind = "residential";
  std::string id_number;  // plain; stored as given, returned masked
  std::string address;
  std::string region_code;
  int vip_level = 0;
  std::string language = "zh";
  bool vulnerable = false;
  std::string note;
  std::vector<Phone> phones;  // normalised on store
  std::vector<NewAccount> accounts;
};

struct CustomerUpdate {
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::string> id_number;
  std::optional<std::string> address;
  std::optional<std::string> region_code;
  std::optional<int> vip_level;
  std::optional<std::string> language;
  std::optional<bool> vulnerable;
  std::optional<std::string> note;
  std::optional<std::vector<Phone>> phones;  // replaces all phones when given
};

struct AccountUpdate {
  std::optional<std::string> kind;
  std::optional<std::string> meter_no;
  std::optional<std::string> tariff;
  std::optional<std::string> address;
  std::optional<std::int64_t> balance_fen;
  std::optional<std::int64_t> arrears_fen;
  std::optional<std::string> status;
  std::optional<std::string> pin;  // plain; stored hashed
};

struct CustomerFilter {
  std::string scope;        // caller's region: only customers in its subtree; "" = all
  std::string region_code;  // optional filter: a region subtree; "" = any
  std::string name_prefix;
  std::string phone;  // normalised before matching
  std::string account_no;
  std::optional<bool> has_arrears;  // any account with arrears_fen > 0
  std::optional<int> vip_min;       // vip_level >= vip_min
  std::string kind;                 // "" = any
  std::optional<bool> vulnerable;
};

struct Bill {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string period;  // YYYY-MM
  std::int64_t kwh = 0;
  std::int64_t amount_fen = 0;
  std::int64_t paid_fen = 0;
  std::string due_date;           // YYYY-MM-DD
  std::string status = "unpaid";  // unpaid | partial | paid
  TimePoint issued_at;
};

struct NewBill {
  std::string period;
  std::int64_t kwh = 0;
  std::int64_t amount_fen = 0;
  std::string due_date;
  TimePoint issued_at;
  bool add_to_arrears = true;  // an unpaid bill raises the account's arrears
};

struct Payment {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::int64_t amount_fen = 0;
  std::string channel;  // counter | wechat | alipay | bank | phone
  std::string reference;
  TimePoint paid_at;
};

struct NewPayment {
  std::int64_t amount_fen = 0;  // > 0
  std::string channel = "counter";
  std::string reference;
};

// What recording a payment did: the payment row, the account after it, and the bills it paid
// (oldest first). Money beyond the arrears goes to the prepaid balance.
struct PaymentApplied {
  Payment payment;
  Account account;
  std::vector<Bill> bills_touched;
};

// ---- outages ------------------------------------------------------------------------------

enum class OutageKind { kPlanned, kUnplanned };
enum class OutageStatus { kScheduled, kActive, kRestored, kCancelled };
std::string_view to_string(OutageKind kind);
std::string_view to_string(OutageStatus status);
std::optional<OutageKind> parse_outage_kind(std::string_view text);
std::optional<OutageStatus> parse_outage_status(std::string_view text);
// scheduled → active | cancelled; active → restored | cancelled; same → same is allowed.
bool outage_transition_allowed(OutageStatus from, OutageStatus to);

struct Outage {
  std::int64_t id = 0;
  OutageKind kind = OutageKind::kPlanned;
  std::string reason;
  std::string description;
  TimePoint starts_at;
  std::optional<TimePoint> ends_at;
  std::optional<TimePoint> restored_at;
  OutageStatus status = OutageStatus::kScheduled;
  std::optional<std::int64_t> created_by;
  TimePoint created_at;
  TimePoint updated_at;
  std::vector<std::string> region_codes;  // affected areas, sorted
};

struct NewOutage {
  OutageKind kind = OutageKind::kPlanned;
  std::string reason;
  std::string description;
  TimePoint starts_at;
  std::optional<TimePoint> ends_at;
  OutageStatus status = OutageStatus::kScheduled;
  std::optional<std::int64_t> created_by;
  std::vector<std::string> region_codes;  // at least one; each must exist
};

struct OutageUpdate {
  std::optional<OutageStatus> status;  // restored sets restored_at = now unless given
  std::optional<std::string> reason;
  std::optional<std::string> description;
  std::optional<TimePoint> starts_at;
  Nullable<TimePoint> ends_at;
  Nullable<TimePoint> restored_at;
  std::optional<std::vector<std::string>> region_codes;  // replaces the affected areas
};

struct OutageFilter {
  std::optional<OutageStatus> status;
  std::optional<OutageKind> kind;
  std::string scope;  // caller's region: outages touching its subtree or an ancestor; "" = all
  std::optional<TimePoint> from;  // outages not ended before `from`
  std::optional<TimePoint> to;    // outages starting before `to`
};

// ---- contacts and audit -------------------------------------------------------------------

struct Contact {
  std::int64_t id = 0;
  std::optional<std::int64_t> customer_id;
  std::string channel = "voice";      // voice | chat | email | sms | callback | visit
  std::string direction = "inbound";  // inbound | outbound
  std::string phone;
  std::optional<std::string> call_id;
  std::optional<std::int64_t> agent_user_id;
  std::string category;
  std::string disposition;
  std::string summary;
  std::optional<std::string> region_code;
  TimePoint started_at;
  std::optional<TimePoint> ended_at;
};
using NewContact = Contact;  // id is ignored on create

struct AuditEntry {
  std::int64_t id = 0;
  TimePoint at;
  std::optional<std::int64_t> user_id;
  std::string action;  // e.g. user.create, customer.update
  std::string target;  // e.g. user:42
  std::string detail;  // JSON text
};

struct AuditFilter {
  std::optional<std::int64_t> user_id;
  std::string action;  // exact, or a prefix ending in '.' ("user.")
  std::string target;
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
};

// ---- screen pop ---------------------------------------------------------------------------

struct AccountWithBills {
  Account account;
  std::vector<Bill> recent_bills;  // at most 6, newest period first
};

// An open work order about the customer, as the screen pop lists it.
struct WorkOrderSummary {
  std::int64_t id = 0;
  std::string number;
  std::string type;
  std::string status;
  TimePoint created_at;
};

struct ScreenPop {
  Customer customer;
  std::vector<Phone> phones;
  std::vector<AccountWithBills> accounts;
  std::vector<Outage> outages;  // active and scheduled, for the customer's area or an ancestor
  std::vector<WorkOrderSummary> open_work_orders;
  std::vector<Contact> recent_contacts;  // at most 10, newest first
};

// ---- pure rules on the data ---------------------------------------------------------------

// Canonical phone number: spaces, dashes, dots and parentheses removed; +86 / 0086 / 86 (before
// an 11-digit mobile) country prefixes removed; a landline given after +86 gets its trunk 0
// back ("+86 591 8765 4321" → "059187654321"). invalid_input "invalid_phone" when the rest is
// not 3..20 digits.
Result<std::string> normalize_phone(std::string_view input);

// 身份证 masked for output: first 3 and last 4 kept ("350***********1234"); shorter numbers
// (≤ 7 characters) are fully masked; "" stays "".
std::string mask_id_number(std::string_view id_number);

}  // namespace sy::store
