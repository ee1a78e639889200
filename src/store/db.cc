// Database::open and BulkLoader::open choose the dialect from the URL; Row and Connection
// helpers shared by both dialects.
#include "store/db.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "store/bulk_loader.h"
#include "store/pooled_database.h"
#include "store/postgres_connection.h"
#include "store/sqlite_connection.h"

namespace sy::store {

// ---- Row ----

bool Row::is_null(std::size_t i) const {
  return std::holds_alternative<std::monostate>(cols_.at(i));
}

std::int64_t Row::i64(std::size_t i) const {
  const Value& v = cols_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

double Row::f64(std::size_t i) const {
  const Value& v = cols_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string Row::text(std::size_t i) const {
  const Value& v = cols_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, res.ptr);
  }
  return {};
}

std::optional<std::int64_t> Row::opt_i64(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

// ---- Connection helpers ----

Result<std::optional<Row>> Connection::query_one(std::string_view sql,
                                                 std::span<const Value> params) {
  auto rows = query(sql, params);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows->front()));
}

Result<std::int64_t> Connection::insert_returning_id(std::string_view sql,
                                                     std::span<const Value> params) {
  auto row = query_one(sql, params);
  if (!row) return row.error();
  if (!*row || (*row)->size() == 0 || (*row)->is_null(0)) {
    return make_error(ErrorKind::kInternal, "database_error",
                      "INSERT ... RETURNING returned no id: " + std::string(sql.substr(0, 120)));
  }
  return (*row)->i64(0);
}

Status Connection::execute(std::string_view sql, std::span<const Value> params) {
  auto done = exec(sql, params);
  if (!done) return done.error();
  return ok_status();
}

// ---- Opening ----

namespace {

struct Target {
  Dialect dialect = Dialect::kSqlite;
  std::string location;  // file path, or the PostgreSQL URL
  bool memory = false;   // a throw-away SQLite database
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Result<Target> parse_url(const std::string& url) {
  std::string_view u = url;
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) {
    return Target{Dialect::kPostgres, url, false};
  }
  if (u == "sqlite::memory:" || u == ":memory:" || u == "sqlite://:memory:") {
    return Target{Dialect::kSqlite, "", true};
  }
  if (u.starts_with("sqlite:")) {
    std::string_view path = u.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);  // sqlite:///abs/path and sqlite://rel
    if (!path.empty()) return Target{Dialect::kSqlite, std::string(path), false};
  } else if (ends_with(u, ".db") || ends_with(u, ".sqlite") || ends_with(u, ".sqlite3")) {
    return Target{Dialect::kSqlite, url, false};
  }
  return make_error(ErrorKind::kInvalidInput, "invalid_database_url",
                    "unsupported database URL '" + redact_postgres_url(url) +
                        "': use sqlite:PATH or postgresql://user@host:port/dbname",
                    "db");
}

// A private directory for a throw-away database, in memory (/dev/shm) where there is one.
Result<std::string> make_memory_dir() {
  std::error_code ec;
  std::filesystem::path base = "/dev/shm";
  if (!std::filesystem::is_directory(base, ec)) base = std::filesystem::temp_directory_path(ec);
  std::string templ = (base / "sy-memdb-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      "cannot create a temporary database under " + base.string());
  }
  return templ;
}

Result<std::unique_ptr<Database>> open_sqlite(const Target& target,
                                              const DatabaseOptions& options) {
  std::string path = target.location;
  std::function<void()> cleanup;
  if (target.memory) {
    auto dir = make_memory_dir();
    if (!dir) return dir.error();
    path = *dir + "/memory.db";
    cleanup = [dir = *dir] {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    };
  }
  const std::string display = target.memory ? "sqlite::memory:" : "sqlite:" + path;
  auto fail = [&cleanup](Error e) -> Result<std::unique_ptr<Database>> {
    if (cleanup) cleanup();
    return e;
  };
  SqliteOptions writer_options;
  writer_options.synchronous_full = options.synchronous_full;
  auto writer = SqliteConnection::open(path, display, writer_options);
  if (!writer) return fail(writer.error());

  PooledDatabase::Parts parts;
  parts.dialect = Dialect::kSqlite;
  parts.display_url = display;
  parts.options = options;
  SqliteOptions reader_options;
  reader_options.role = SqliteOptions::Role::kReader;
  parts.open_reader = [path, display, reader_options]() -> Result<std::unique_ptr<Connection>> {
    auto reader = SqliteConnection::open(path, display, reader_options);
    if (!reader) return reader.error();
    return std::unique_ptr<Connection>(std::move(*reader));
  };
  // One reader up front proves reads work; the others open when concurrent reads need them.
  auto first_reader = parts.open_reader();
  if (!first_reader) return fail(first_reader.error());
  parts.readers.push_back(std::move(*first_reader));
  parts.writer = std::move(*writer);
  parts.on_close = std::move(cleanup);
  return std::unique_ptr<Database>(new PooledDatabase(std::move(parts)));
}

Result<std::unique_ptr<Database>> open_postgres(const Target& target,
                                                const DatabaseOptions& options) {
  auto writer = PostgresConnection::open(target.location);
  if (!writer) return writer.error();
  PooledDatabase::Parts parts;
  parts.dialect = Dialect::kPostgres;
  parts.display_url = redact_postgres_url(target.location);
  parts.options = options;
  const std::string url = target.location;
  parts.open_reader = [url]() -> Result<std::unique_ptr<Connection>> {
    auto reader = PostgresConnection::open(url);
    if (!reader) return reader.error();
    return std::unique_ptr<Connection>(std::move(*reader));
  };
  auto first_reader = parts.open_reader();
  if (!first_reader) return first_reader.error();
  parts.readers.push_back(std::move(*first_reader));
  parts.writer = std::move(*writer);
  return std::unique_ptr<Database>(new PooledDatabase(std::move(parts)));
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& url,
                                                 const DatabaseOptions& options) {
  auto target = parse_url(url);
  if (!target) return target.error();
  try {
    return target->dialect == Dialect::kSqlite ? open_sqlite(*target, options)
                                               : open_postgres(*target, options);
  } catch (const std::exception& e) {  // e.g. std::bad_alloc, std::system_error from threads
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      "cannot open " + redact_postgres_url(url) + ": " + e.what());
  }
}

Result<std::unique_ptr<BulkLoader>> BulkLoader::open(const std::string& url) {
  auto target = parse_url(url);
  if (!target) return target.error();
  try {
    std::unique_ptr<Connection> conn;
    if (target->dialect == Dialect::kSqlite) {
      if (target->memory) {
        return make_error(ErrorKind::kInvalidInput, "invalid_database_url",
                          "bulk loading needs a database file, not sqlite::memory:", "db");
      }
      SqliteOptions bulk;
      bulk.role = SqliteOptions::Role::kBulk;
      auto sqlite = SqliteConnection::open(target->location, "sqlite:" + target->location, bulk);
      if (!sqlite) return sqlite.error();
      conn = std::move(*sqlite);
    } else {
      auto pg = PostgresConnection::open(target->location);
      if (!pg) return pg.error();
      // Loads are redone from scratch on failure, so commits need not wait for the WAL flush.
      SY_TRY((*pg)->exec_script("SET synchronous_commit = off"));
      conn = std::move(*pg);
    }
    return start_bulk_loader(std::move(conn));
  } catch (const std::exception& e) {
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      "cannot open " + redact_postgres_url(url) + ": " + e.what());
  }
}

}  // namespace sy::store
