// Rows back into records (see row_codecs.h).
#include "store/row_codecs.h"

#include "store/sql_support.h"

namespace sy::store::codec {

using sql::opt_time_at;
using sql::time_at;

User user_from_row(const Row& row, std::size_t f) {
  User u;
  u.id = row.i64(f);
  u.username = row.text(f + 1);
  u.display_name = row.text(f + 2);
  u.role = auth::parse_role(row.text(f + 3)).value_or(auth::Role::kAgent);
  u.region_code = row.opt_text(f + 4);
  u.extension = row.opt_text(f + 5);
  u.password_hash = row.text(f + 6);
  u.failed_logins = static_cast<int>(row.i64(f + 7));
  u.locked_until = opt_time_at(row, f + 8);
  u.disabled = row.i64(f + 9) != 0;
  u.created_at = time_at(row, f + 10);
  u.updated_at = time_at(row, f + 11);
  u.mobile = row.opt_text(f + 12);
  return u;
}

Region region_from_row(const Row& row, std::size_t f) {
  Region r;
  r.code = row.text(f);
  r.parent_code = row.opt_text(f + 1);
  r.name = row.text(f + 2);
  r.level = parse_region_level(row.text(f + 3)).value_or(RegionLevel::kArea);
  r.area_class = row.text(f + 4);
  r.centre = row.text(f + 5);
  return r;
}

Customer customer_from_row(const Row& row, std::size_t f) {
  Customer c;
  c.id = row.i64(f);
  c.customer_no = row.text(f + 1);
  c.name = row.text(f + 2);
  c.kind = row.text(f + 3);
  c.id_number_masked = mask_id_number(row.text(f + 4));
  c.address = row.text(f + 5);
  c.region_code = row.text(f + 6);
  c.vip_level = static_cast<int>(row.i64(f + 7));
  c.language = row.text(f + 8);
  c.vulnerable = row.i64(f + 9) != 0;
  c.note = row.text(f + 10);
  c.created_at = time_at(row, f + 11);
  c.updated_at = time_at(row, f + 12);
  return c;
}

Account account_from_row(const Row& row, std::size_t f) {
  Account a;
  a.id = row.i64(f);
  a.account_no = row.text(f + 1);
  a.customer_id = row.i64(f + 2);
  a.kind = row.text(f + 3);
  a.meter_no = row.text(f + 4);
  a.tariff = row.text(f + 5);
  a.address = row.text(f + 6);
  a.region_code = row.text(f + 7);
  a.balance_fen = row.i64(f + 8);
  a.arrears_fen = row.i64(f + 9);
  a.status = row.text(f + 10);
  a.has_pin = row.i64(f + 11) != 0;
  a.created_at = time_at(row, f + 12);
  a.updated_at = time_at(row, f + 13);
  return a;
}

Bill bill_from_row(const Row& row, std::size_t f) {
  Bill b;
  b.id = row.i64(f);
  b.account_id = row.i64(f + 1);
  b.period = row.text(f + 2);
  b.kwh = row.i64(f + 3);
  b.amount_fen = row.i64(f + 4);
  b.paid_fen = row.i64(f + 5);
  b.due_date = row.text(f + 6);
  b.status = row.text(f + 7);
  b.issued_at = time_at(row, f + 8);
  return b;
}

Payment payment_from_row(const Row& row, std::size_t f) {
  Payment p;
  p.id = row.i64(f);
  p.account_id = row.i64(f + 1);
  p.amount_fen = row.i64(f + 2);
  p.channel = row.text(f + 3);
  p.reference = row.text(f + 4);
  p.paid_at = time_at(row, f + 5);
  return p;
}

Outage outage_from_row(const Row& row, std::size_t f) {
  Outage o;
  o.id = row.i64(f);
  o.kind = parse_outage_kind(row.text(f + 1)).value_or(OutageKind::kUnplanned);
  o.reason = row.text(f + 2);
  o.description = row.text(f + 3);
  o.starts_at = time_at(row, f + 4);
  o.ends_at = opt_time_at(row, f + 5);
  o.restored_at = opt_time_at(row, f + 6);
  o.status = parse_outage_status(row.text(f + 7)).value_or(OutageStatus::kScheduled);
  o.created_by = row.opt_i64(f + 8);
  o.created_at = time_at(row, f + 9);
  o.updated_at = time_at(row, f + 10);
  return o;
}

Contact contact_from_row(const Row& row, std::size_t f) {
  Contact k;
  k.id = row.i64(f);
  k.customer_id = row.opt_i64(f + 1);
  k.channel = row.text(f + 2);
  k.direction = row.text(f + 3);
  k.phone = row.text(f + 4);
  k.call_id = row.opt_text(f + 5);
  k.agent_user_id = row.opt_i64(f + 6);
  k.category = row.text(f + 7);
  k.disposition = row.text(f + 8);
  k.summary = row.text(f + 9);
  k.region_code = row.opt_text(f + 10);
  k.started_at = time_at(row, f + 11);
  k.ended_at = opt_time_at(row, f + 12);
  return k;
}

}  // namespace sy::store::codec
