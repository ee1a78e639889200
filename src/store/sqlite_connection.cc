// SQLite connections for the store: configuration per role, placeholder rewriting, cached
// prepared statements, and error codes mapped to the store's errors.
#include "store/sqlite_connection.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sy::store {
namespace {

// Resets a cached statement after use so it releases its read snapshot and bound strings.
struct StatementReset {
  sqlite3_stmt* stmt;
  ~StatementReset() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

constexpr std::size_t kMaxCachedStatements = 512;

bool only_separators(const char* tail) {
  for (; *tail; ++tail) {
    if (!std::isspace(static_cast<unsigned char>(*tail)) && *tail != ';') return false;
  }
  return true;
}

Value column_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value{static_cast<std::int64_t>(sqlite3_column_int64(stmt, i))};
    case SQLITE_FLOAT:
      return Value{sqlite3_column_double(stmt, i)};
    case SQLITE_NULL:
      return Value{};
    default: {  // TEXT or BLOB: bytes as they are
      const void* data = sqlite3_column_blob(stmt, i);
      int size = sqlite3_column_bytes(stmt, i);
      return Value{
          std::string(static_cast<const char*>(data ? data : ""), static_cast<std::size_t>(size))};
    }
  }
}

std::string short_sql(std::string_view sql) {
  constexpr std::size_t kMax = 160;
  return sql.size() <= kMax ? std::string(sql) : std::string(sql.substr(0, kMax)) + "...";
}

}  // namespace

std::string rewrite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  const std::size_t n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // literal or quoted identifier; doubled quote escapes
      std::size_t end = i + 1;
      while (end < n) {
        if (sql[end] == c) {
          if (end + 1 < n && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      end = std::min(end + 1, n);
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      std::size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? n : end;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? n : end + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '$' && i + 1 < n && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('?');
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                 const std::string& display,
                                                                 const SqliteOptions& options) {
  const bool creates = options.role != SqliteOptions::Role::kReader;
  if (creates) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return make_error(ErrorKind::kUnavailable, "database_unavailable",
                        "cannot open " + display + ": cannot create directory " + parent.string() +
                            ": " + ec.message());
    }
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (creates ? SQLITE_OPEN_CREATE : 0);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int sys = db ? sqlite3_system_errno(db) : 0;
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::absolute(path, ec).parent_path();
    if (creates && !std::filesystem::exists(path, ec) && ::access(parent.c_str(), W_OK) != 0) {
      why += " (no permission to create files in " + parent.string() + ")";
    } else if (sys != 0) {
      why += std::string(" (") + std::strerror(sys) + ")";
    }
    sqlite3_close_v2(db);
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      "cannot open " + display + ": " + why);
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db, display));
  SY_TRY(conn->configure(options));
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<std::string> SqliteConnection::pragma_text(const std::string& sql) {
  auto rows = query(sql);
  if (!rows) return rows.error();
  return rows->empty() || rows->front().size() == 0 ? std::string() : rows->front().text(0);
}

Status SqliteConnection::configure(const SqliteOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  using Role = SqliteOptions::Role;
  if (options.role == Role::kBulk) {
    // Offline loading: the rollback journal in memory (ROLLBACK still works, a crash mid-load
    // means loading again), no syncs, one big page cache so index pages stay in memory.
    SY_TRY(exec_script(
        "PRAGMA locking_mode=EXCLUSIVE; PRAGMA synchronous=OFF; PRAGMA cache_size=-2097152; "
        "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON"));
    auto mode = pragma_text("PRAGMA journal_mode=MEMORY");  // stays WAL if others have it open
    if (!mode) return mode.error();
    return ok_status();
  }
  // Reading the journal mode reads the file header: a file that is not a database fails here.
  auto mode = pragma_text(options.role == Role::kWriter ? "PRAGMA journal_mode=WAL"
                                                        : "PRAGMA journal_mode");
  if (!mode) return mode.error();
  if (options.role == Role::kWriter && *mode != "wal") {
    return make_error(
        ErrorKind::kUnavailable, "database_unavailable",
        "cannot open " + display_ + ": WAL mode refused (journal_mode=" + *mode + ")");
  }
  SY_TRY(
      exec_script("PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; "
                  "PRAGMA journal_size_limit=67108864"));
  if (options.role == Role::kWriter) {
    return exec_script(options.synchronous_full ? "PRAGMA synchronous=FULL"
                                                : "PRAGMA synchronous=NORMAL");
  }
  // Readers never write, even by mistake: writes belong to the writer thread.
  return exec_script("PRAGMA query_only=ON");
}

Error SqliteConnection::error_from(int rc, std::string_view sql) const {
  int code = rc;
  std::string msg = sqlite3_errmsg(db_);
  if (code == SQLITE_CONSTRAINT || (code & 0xff) == SQLITE_CONSTRAINT) {
    code = sqlite3_extended_errcode(db_);
  }
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return make_error(ErrorKind::kConflict, "unique_violation", msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return make_error(ErrorKind::kConflict, "foreign_key_violation", msg);
    case SQLITE_CONSTRAINT_NOTNULL:
      return make_error(ErrorKind::kInternal, "not_null_violation", msg);
    case SQLITE_CONSTRAINT_CHECK:
      return make_error(ErrorKind::kInternal, "check_violation", msg);
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error(ErrorKind::kUnavailable, "database_busy", display_ + ": " + msg);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return make_error(ErrorKind::kUnavailable, "database_unavailable",
                        "cannot use " + display_ + ": " + msg);
    default:
      return make_error(ErrorKind::kInternal, "database_error", msg + " in: " + short_sql(sql));
  }
}

Result<sqlite3_stmt*> SqliteConnection::prepare_bound(std::string_view sql,
                                                      std::span<const Value> params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = cache_.find(sql); it != cache_.end()) {
    stmt = it->second;
  } else {
    std::string rewritten = rewrite_placeholders(sql);
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size() + 1),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return error_from(rc, sql);
    if (stmt == nullptr || !only_separators(tail)) {
      sqlite3_finalize(stmt);
      return make_error(ErrorKind::kInternal, "database_error",
                        "expected exactly one statement in: " + short_sql(sql));
    }
    if (cache_.size() >= kMaxCachedStatements) {
      for (auto& [text, cached] : cache_) sqlite3_finalize(cached);
      cache_.clear();
    }
    cache_.emplace(std::string(sql), stmt);
  }
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    return make_error(ErrorKind::kInternal, "database_error",
                      "statement takes " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                          " parameters, given " + std::to_string(params.size()) + ": " +
                          short_sql(sql));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // Static: the caller's parameters outlive the statement's use (reset right after).
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) {
      sqlite3_clear_bindings(stmt);
      return error_from(rc, sql);
    }
  }
  return stmt;
}

Result<std::vector<Row>> SqliteConnection::query(std::string_view sql,
                                                 std::span<const Value> params) {
  auto prepared = prepare_bound(sql, params);
  if (!prepared) return prepared.error();
  sqlite3_stmt* stmt = *prepared;
  StatementReset reset{stmt};
  std::vector<Row> rows;
  const int columns = sqlite3_column_count(stmt);
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error_from(rc, sql);
    std::vector<Value> cols;
    cols.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) cols.push_back(column_value(stmt, i));
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

Result<std::int64_t> SqliteConnection::exec(std::string_view sql, std::span<const Value> params) {
  auto prepared = prepare_bound(sql, params);
  if (!prepared) return prepared.error();
  sqlite3_stmt* stmt = *prepared;
  StatementReset reset{stmt};
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error_from(rc, sql);
  }
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

Status SqliteConnection::exec_script(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // sqlite3_errmsg still holds the same text
  if (rc != SQLITE_OK) return error_from(rc, sql);
  return ok_status();
}

}  // namespace sy::store
