// Private: the column lists the repositories SELECT for each record and the functions that
// turn such a row back into the record, so every query about a customer (search, file, screen
// pop) reads the same columns the same way. Not for use outside src/store.
#pragma once

#include <cstddef>

#include "store/db.h"
#include "store/records.h"

namespace sy::store::codec {

// Each *_COLUMNS list is qualified by the alias given in its name; decoders take the index of
// the first column so a row may hold several records side by side.
inline constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.region_code, u.extension, u.password_hash, "
    "u.failed_logins, u.locked_until, u.disabled, u.created_at, u.updated_at, u.mobile";
inline constexpr std::size_t kUserColumnCount = 13;
User user_from_row(const Row& row, std::size_t first = 0);

inline constexpr const char* kRegionColumns =
    "r.code, r.parent_code, r.name, r.level, r.area_class, r.centre";
Region region_from_row(const Row& row, std::size_t first = 0);

inline constexpr const char* kCustomerColumns =
    "c.id, c.customer_no, c.name, c.kind, c.id_number, c.address, c.region_code, c.vip_level, "
    "c.language, c.vulnerable, c.note, c.created_at, c.updated_at";
inline constexpr std::size_t kCustomerColumnCount = 13;
Customer customer_from_row(const Row& row, std::size_t first = 0);

inline constexpr const char* kAccountColumns =
    "a.id, a.account_no, a.customer_id, a.kind, a.meter_no, a.tariff, a.address, a.region_code, "
    "a.balance_fen, a.arrears_fen, a.status, CASE WHEN a.pin_hash <> '' THEN 1 ELSE 0 END, "
    "a.created_at, a.updated_at";
Account account_from_row(const Row& row, std::size_t first = 0);

inline constexpr const char* kBillColumns =
    "b.id, b.account_id, b.period, b.kwh, b.amount_fen, b.paid_fen, b.due_date, b.status, "
    "b.issued_at";
Bill bill_from_row(const Row& row, std::size_t first = 0);

inline constexpr const char* kPaymentColumns =
    "p.id, p.account_id, p.amount_fen, p.channel, p.reference, p.paid_at";
Payment payment_from_row(const Row& row, std::size_t first = 0);

// Without region_codes, which live in outage_areas.
inline constexpr const char* kOutageColumns =
    "o.id, o.kind, o.reason, o.description, o.starts_at, o.ends_at, o.restored_at, o.status, "
    "o.created_by, o.created_at, o.updated_at";
Outage outage_from_row(const Row& row, std::size_t first = 0);

inline constexpr const char* kContactColumns =
    "k.id, k.customer_id, k.channel, k.direction, k.phone, k.call_id, k.agent_user_id, "
    "k.category, k.disposition, k.summary, k.region_code, k.started_at, k.ended_at";
Contact contact_from_row(const Row& row, std::size_t first = 0);

}  // namespace sy::store::codec
