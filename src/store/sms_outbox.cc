// The SMS outbox (see sms_outbox.h).
#include "store/sms_outbox.h"

#include "store/sms_outbox_list.h"

#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kColumns =
    "SELECT id, recipient, message, state, attempts, next_attempt_at, last_error, kind, "
    "order_id, created_at, sent_at FROM sms_outbox";

SmsMessage decode(const Row& r) {
  SmsMessage m;
  m.id = r.i64(0);
  m.recipient = r.text(1);
  m.message = r.text(2);
  m.state = r.text(3);
  m.attempts = static_cast<int>(r.i64(4));
  m.next_attempt_at = sql::time_at(r, 5);
  m.last_error = r.text(6);
  m.kind = r.text(7);
  m.order_id = r.opt_i64(8);
  m.created_at = sql::time_at(r, 9);
  m.sent_at = sql::opt_time_at(r, 10);
  return m;
}

Result<std::vector<SmsMessage>> fetch(Database& db, const std::string& sql,
                                      std::vector<Value> params) {
  std::vector<SmsMessage> out;
  Status st = db.read([&](Connection& conn) -> Status {
    auto rows = conn.query(sql, params);
    if (!rows.ok()) return rows.error();
    for (const Row& r : *rows) out.push_back(decode(r));
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

Status write_one(Database& db, const char* sql, std::vector<Value> params) {
  return db.write([&](Connection& conn) -> Status {
    auto r = conn.exec(sql, params);
    if (!r.ok()) return r.error();
    return ok_status();
  });
}

// At most `max` characters of UTF-8 text, cut on a character boundary, "…" when cut.
std::string clip(const std::string& text, std::size_t max) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max)
      return text.substr(0, i) + "…";
  }
  return text;
}

}  // namespace

namespace sms_sql {

std::string work_order_text(std::string_view kind, const std::string& number,
                            const std::string& type_name, const std::string& detail) {
  std::string head = "工单" + number + "（" + type_name + "）";
  if (kind == "work_order.assigned")
    return head + "已派给您，请及时处理" + (detail.empty() ? "。" : "：" + clip(detail, 40));
  if (kind == "work_order.urged")
    return head + "被催办，请尽快处理" + (detail.empty() ? "。" : "：" + clip(detail, 40));
  if (kind == "work_order.warning") return head + "时限将到，请于" + detail + "前完成。";
  return head + "已超时，已升级至" + detail + "督办，请尽快处理。";
}

Status enqueue(Connection& conn, const std::string& recipient, const std::string& message,
               std::string_view kind, std::optional<std::int64_t> order_id, TimePoint now) {
  Value p[] = {Value{recipient}, Value{message}, sql::ms(now), Value{std::string(kind)},
               int_or_null(order_id)};
  auto r = conn.exec(
      "INSERT INTO sms_outbox (recipient, message, state, attempts, next_attempt_at, kind, "
      "order_id, created_at) VALUES ($1, $2, 'queued', 0, $3, $4, $5, $3)",
      p);
  if (!r.ok()) return r.error();
  return ok_status();
}

Result<std::optional<std::string>> user_mobile(Connection& conn, std::int64_t user_id) {
  Value p[] = {Value{user_id}};
  auto row = conn.query_one("SELECT mobile FROM users WHERE id = $1 AND disabled = 0", p);
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<std::string>();
  return (*row)->opt_text(0);
}

}  // namespace sms_sql

Result<std::vector<SmsMessage>> SmsOutboxRepository::due(TimePoint now, int limit) {
  return fetch(db_,
               std::string(kColumns) +
                   " WHERE state = 'queued' AND next_attempt_at <= $1 ORDER BY next_attempt_at, "
                   "id LIMIT $2",
               {sql::ms(now), Value{std::int64_t{limit}}});
}

Status SmsOutboxRepository::mark_sent(std::int64_t id, TimePoint now) {
  return write_one(db_,
                   "UPDATE sms_outbox SET state = 'sent', attempts = attempts + 1, sent_at = $1, "
                   "last_error = '' WHERE id = $2",
                   {sql::ms(now), Value{id}});
}

Status SmsOutboxRepository::mark_retry(std::int64_t id, int attempts, TimePoint next_at,
                                       const std::string& error) {
  return write_one(db_,
                   "UPDATE sms_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 "
                   "WHERE id = $4",
                   {Value{std::int64_t{attempts}}, sql::ms(next_at), Value{error}, Value{id}});
}

Status SmsOutboxRepository::mark_failed(std::int64_t id, int attempts, const std::string& error) {
  return write_one(db_,
                   "UPDATE sms_outbox SET state = 'failed', attempts = $1, last_error = $2 "
                   "WHERE id = $3",
                   {Value{std::int64_t{attempts}}, Value{error}, Value{id}});
}

Result<std::vector<SmsMessage>> SmsOutboxRepository::recent(int limit) {
  return fetch(db_, std::string(kColumns) + " ORDER BY id DESC LIMIT $1",
               {Value{std::int64_t{limit}}});
}

namespace {

constexpr const char* kListColumns =
    "SELECT s.id, s.recipient, s.message, s.state, s.attempts, s.next_attempt_at, s.last_error, "
    "s.kind, s.order_id, s.created_at, s.sent_at, COALESCE(w.number, ''), "
    "COALESCE(w.region_code, '') FROM sms_outbox s LEFT JOIN work_orders w ON w.id = s.order_id";

SmsListed decode_listed(const Row& r) {
  SmsListed l;
  l.message = decode(r);
  l.order_number = r.text(11);
  l.region_code = r.text(12);
  return l;
}

// " WHERE ..." for the filter; appends its parameters.
std::string where_of(const SmsOutboxFilter& f, const RegionScope& scope,
                     std::vector<Value>& params) {
  std::vector<std::string> terms;
  if (f.state) {
    params.push_back(Value{*f.state});
    terms.push_back(std::string("s.state = $").append(std::to_string(params.size())));
  }
  if (!scope.unrestricted()) {
    params.push_back(Value{scope.lo()});
    terms.push_back(std::string("w.region_code >= $").append(std::to_string(params.size())));
    params.push_back(Value{scope.hi()});
    terms.push_back(std::string("w.region_code < $").append(std::to_string(params.size())));
  }
  std::string sql;
  for (const std::string& t : terms) sql.append(sql.empty() ? " WHERE " : " AND ").append(t);
  return sql;
}

}  // namespace

Result<SmsOutboxPage> list_sms_outbox(Database& db, const SmsOutboxFilter& filter,
                                      const PageRequest& page) {
  if (Status st = check_page(page); !st) return st.error();
  SmsOutboxPage out;
  out.page = page.page;
  out.page_size = page.page_size;
  Status st = db.read([&](Connection& conn) -> Status {
    std::vector<Value> params;
    std::string where = where_of(filter, filter.scope, params);
    auto count = conn.query(
        std::string("SELECT COUNT(*) FROM sms_outbox s LEFT JOIN work_orders w ON w.id = s.order_id")
            .append(where),
        params);
    if (!count) return count.error();
    out.total = count->empty() ? 0 : (*count)[0].i64(0);
    params.push_back(Value{std::int64_t{page.page_size}});
    std::string limit = std::string(" LIMIT $").append(std::to_string(params.size()));
    params.push_back(Value{std::int64_t{page.page_size} * (page.page - 1)});
    limit.append(" OFFSET $").append(std::to_string(params.size()));
    auto rows = conn.query(std::string(kListColumns) + where + " ORDER BY s.id DESC" + limit,
                           params);
    if (!rows) return rows.error();
    for (const Row& r : *rows) out.items.push_back(decode_listed(r));
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<SmsListed> retry_sms(Database& db, std::int64_t id, const RegionScope& scope,
                            TimePoint now) {
  std::optional<SmsListed> found;
  Status st = db.write([&](Connection& conn) -> Status {
    std::vector<Value> params;
    std::string where = where_of({}, scope, params);
    params.push_back(Value{id});
    where.append(where.empty() ? " WHERE s.id = $" : " AND s.id = $").append(std::to_string(params.size()));
    auto rows = conn.query(std::string(kListColumns) + where, params);
    if (!rows) return rows.error();
    if (rows->empty())
      return make_error(ErrorKind::kNotFound, "sms_not_found",
                        std::string("no SMS ").append(std::to_string(id)).append(" in the outbox"));
    SmsListed l = decode_listed((*rows)[0]);
    if (l.message.state != "failed")
      return make_error(ErrorKind::kConflict, "sms_not_failed",
                        std::string("SMS ").append(std::to_string(id)).append(" is ")
                            .append(l.message.state)
                            .append("; only a failed message is sent again"));
    auto r = conn.exec(
        "UPDATE sms_outbox SET state = 'queued', next_attempt_at = $1 WHERE id = $2 AND "
        "state = 'failed'",
        std::vector<Value>{sql::ms(now), Value{id}});
    if (!r) return r.error();
    l.message.state = "queued";
    l.message.next_attempt_at = now;
    found = std::move(l);
    return ok_status();
  });
  if (!st) return st.error();
  return *found;
}

}  // namespace sy::store
