// Wallboard thresholds per queue: SQL (see queue_threshold_repository.h).
#include "store/queue_threshold_repository.h"

#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kColumns =
    "queue_id, waiting, longest_wait_s, service_level_pct, updated_by, updated_at";

QueueThresholds from_row(const Row& r) {
  QueueThresholds t;
  t.queue_id = r.i64(0);
  t.waiting = static_cast<int>(r.i64(1));
  t.longest_wait_s = static_cast<int>(r.i64(2));
  t.service_level_pct = static_cast<int>(r.i64(3));
  t.updated_by = r.opt_i64(4);
  t.updated_at = sql::time_at(r, 5);
  t.stored = true;
  return t;
}

Result<QueueThresholds> load(Connection& conn, std::int64_t queue_id) {
  Value p[] = {Value{queue_id}};
  auto queue = sql::exists(conn, "SELECT 1 FROM queues WHERE id = $1", p);
  if (!queue.ok()) return queue.error();
  if (!*queue) return sql::not_found("queue_not_found", "no such queue");
  auto row = conn.query_one(std::string("SELECT ") + kColumns +
                                " FROM queue_thresholds WHERE queue_id = $1",
                            p);
  if (!row.ok()) return row.error();
  if (!*row) {
    QueueThresholds defaults;
    defaults.queue_id = queue_id;
    return defaults;
  }
  return from_row(**row);
}

Status check(const QueueThresholds& t) {
  if (t.waiting < 0 || t.waiting > 1000)
    return sql::invalid("invalid_threshold", "waiting must be 0..1000", "waiting");
  if (t.longest_wait_s < 0 || t.longest_wait_s > 3600)
    return sql::invalid("invalid_threshold", "longest_wait_s must be 0..3600", "longest_wait_s");
  if (t.service_level_pct < 0 || t.service_level_pct > 100)
    return sql::invalid("invalid_threshold", "service_level_pct must be 0..100",
                        "service_level_pct");
  return ok_status();
}

}  // namespace

Result<QueueThresholds> QueueThresholdRepository::get(std::int64_t queue_id) {
  return sql::read_result<QueueThresholds>(db_,
                                           [&](Connection& c) { return load(c, queue_id); });
}

Result<std::vector<QueueThresholds>> QueueThresholdRepository::all() {
  return sql::read_result<std::vector<QueueThresholds>>(
      db_, [&](Connection& conn) -> Result<std::vector<QueueThresholds>> {
        auto rows = conn.query(std::string("SELECT ") + kColumns +
                               " FROM queue_thresholds ORDER BY queue_id");
        if (!rows.ok()) return rows.error();
        std::vector<QueueThresholds> out;
        for (const Row& r : *rows) out.push_back(from_row(r));
        return out;
      });
}

Result<QueueThresholds> QueueThresholdRepository::put(const QueueThresholds& t,
                                                      std::optional<std::int64_t> by) {
  SY_TRY(check(t));
  std::int64_t now = to_unix_ms(clock_.now());
  Status st = db_.write([&](Connection& conn) -> Status {
    Value q[] = {Value{t.queue_id}};
    auto queue = sql::exists(conn, "SELECT 1 FROM queues WHERE id = $1", q);
    if (!queue.ok()) return queue.error();
    if (!*queue) return sql::not_found("queue_not_found", "no such queue");
    Value p[] = {Value{t.queue_id},
                 Value{std::int64_t{t.waiting}},
                 Value{std::int64_t{t.longest_wait_s}},
                 Value{std::int64_t{t.service_level_pct}},
                 int_or_null(by),
                 Value{now}};
    return conn.execute(
        "INSERT INTO queue_thresholds (queue_id, waiting, longest_wait_s, service_level_pct, "
        "updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (queue_id) DO UPDATE "
        "SET waiting = excluded.waiting, longest_wait_s = excluded.longest_wait_s, "
        "service_level_pct = excluded.service_level_pct, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at",
        p);
  });
  if (!st.ok()) return st.error();
  return get(t.queue_id);
}

}  // namespace sy::store
