// Recording metadata: SQL (see recording_repository.h).
#include "store/recording_repository.h"

#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr const char* kSelect =
    "SELECT r.id, r.call_id, r.path, r.format, r.duration_ms, r.size_bytes, r.created_at "
    "FROM recordings r";

Recording recording_from_row(const Row& r) {
  Recording out;
  out.id = r.text(0);
  out.call_id = r.text(1);
  out.path = r.text(2);
  out.format = parse_recording_format(r.text(3)).value_or(RecordingFormat::kWav);
  out.duration_ms = r.i64(4);
  out.size_bytes = r.i64(5);
  out.created_at = sql::time_at(r, 6);
  return out;
}

Status check(const Recording& r) {
  if (!valid_external_id(r.id))
    return sql::invalid("invalid_recording_id", "a recording id is 1 to 64 of [A-Za-z0-9._@-]",
                        "id");
  if (r.path.empty()) return sql::invalid("invalid_path", "the recording path is empty", "path");
  return ok_status();
}

WriteFn create_fn(Recording rec) {
  return [rec = std::move(rec)](Connection& conn) -> Status {
    Value c[] = {Value{rec.call_id}};
    auto call = sql::exists(conn, "SELECT 1 FROM calls WHERE id = $1", c);
    if (!call.ok()) return call.error();
    if (!*call) return sql::not_found("call_not_found", "no such call", "call_id");
    Value k[] = {Value{rec.id}};
    auto taken = sql::exists(conn, "SELECT 1 FROM recordings WHERE id = $1", k);
    if (!taken.ok()) return taken.error();
    if (*taken) return sql::conflict("recording_exists", "recording " + rec.id + " exists", "id");
    Value p[] = {Value{rec.id},          Value{rec.call_id},     Value{rec.path},
                 Value{std::string(to_string(rec.format))},      Value{rec.duration_ms},
                 Value{rec.size_bytes},  sql::ms(rec.created_at)};
    auto r = conn.exec(
        "INSERT INTO recordings (id, call_id, path, format, duration_ms, size_bytes, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        p);
    if (!r.ok()) return r.error();
    return ok_status();
  };
}

WriteFn update_fn(std::string id, std::string path, RecordingFormat format,
                  std::int64_t duration_ms, std::int64_t size_bytes) {
  return [=](Connection& conn) -> Status {
    Value p[] = {Value{path}, Value{std::string(to_string(format))}, Value{duration_ms},
                 Value{size_bytes}, Value{id}};
    auto r = conn.exec(
        "UPDATE recordings SET path = $1, format = $2, duration_ms = $3, size_bytes = $4 "
        "WHERE id = $5",
        p);
    if (!r.ok()) return r.error();
    if (*r == 0) return sql::not_found("recording_not_found", "no such recording");
    return ok_status();
  };
}

}  // namespace

Status RecordingRepository::create(const Recording& recording) {
  SY_TRY(check(recording));
  return db_.write(create_fn(recording));
}

void RecordingRepository::create(const Recording& recording, std::function<void(Status)> done) {
  if (Status st = check(recording); !st.ok()) {
    done(st);
    return;
  }
  db_.submit(create_fn(recording), std::move(done));
}

Status RecordingRepository::update_file(const std::string& id, const std::string& path,
                                        RecordingFormat format, std::int64_t duration_ms,
                                        std::int64_t size_bytes) {
  return db_.write(update_fn(id, path, format, duration_ms, size_bytes));
}

void RecordingRepository::update_file(const std::string& id, const std::string& path,
                                      RecordingFormat format, std::int64_t duration_ms,
                                      std::int64_t size_bytes, std::function<void(Status)> done) {
  db_.submit(update_fn(id, path, format, duration_ms, size_bytes), std::move(done));
}

Result<Recording> RecordingRepository::get(const std::string& id) {
  if (!valid_external_id(id)) return sql::not_found("recording_not_found", "no such recording");
  return sql::read_result<Recording>(db_, [&](Connection& conn) -> Result<Recording> {
    Value p[] = {Value{id}};
    auto row = conn.query_one(std::string(kSelect) + " WHERE r.id = $1", p);
    if (!row.ok()) return row.error();
    if (!*row) return sql::not_found("recording_not_found", "no such recording");
    return recording_from_row(**row);
  });
}

Result<std::vector<Recording>> RecordingRepository::list_by_call(const std::string& call_id) {
  return sql::read_result<std::vector<Recording>>(
      db_, [&](Connection& conn) -> Result<std::vector<Recording>> {
        Value p[] = {Value{call_id}};
        auto rows = conn.query(std::string(kSelect) + " WHERE r.call_id = $1 ORDER BY r.created_at, r.id", p);
        if (!rows.ok()) return rows.error();
        std::vector<Recording> out;
        for (const Row& r : *rows) out.push_back(recording_from_row(r));
        return out;
      });
}

}  // namespace sy::store
