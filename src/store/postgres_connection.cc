// PostgreSQL connections for the store through libpqxx 6.4. Every pqxx exception is caught here
// and becomes a store error; nothing throws past this file.
#include "store/postgres_connection.h"

#include <charconv>
#include <cstdlib>
#include <pqxx/pqxx>

namespace sy::store {
namespace {

// PostgreSQL type OIDs returned as numbers rather than text.
constexpr pqxx::oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
                    kFloat8 = 701, kNumeric = 1700;

constexpr std::size_t kMaxPreparedStatements = 512;

std::string first_line(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (line.substr(0, prefix.size()) == prefix) line.remove_prefix(prefix.size());
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(line);
}

std::string to_text(const Value& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, res.ptr);
  }
  return std::get<std::string>(v);
}

Value field_value(const pqxx::field& f, pqxx::oid type) {
  if (f.is_null()) return Value{};
  std::string_view text(f.c_str(), f.size());
  switch (type) {
    case kBool:
      return Value{static_cast<std::int64_t>(text == "t" ? 1 : 0)};
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
    case kNumeric: {
      std::int64_t n = 0;
      auto res = std::from_chars(text.data(), text.data() + text.size(), n);
      if (res.ec == std::errc() && res.ptr == text.data() + text.size()) return Value{n};
      if (type != kNumeric) return Value{std::string(text)};
      return Value{std::strtod(std::string(text).c_str(), nullptr)};
    }
    case kFloat4:
    case kFloat8:
      return Value{std::strtod(std::string(text).c_str(), nullptr)};
    default:
      return Value{std::string(text)};
  }
}

std::string short_sql(std::string_view sql) {
  constexpr std::size_t kMax = 160;
  return sql.size() <= kMax ? std::string(sql) : std::string(sql.substr(0, kMax)) + "...";
}

}  // namespace

std::string redact_postgres_url(const std::string& url) {
  std::string out = url;
  std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    std::size_t start = scheme + 3;
    std::size_t end = out.find_first_of("/?", start);
    if (end == std::string::npos) end = out.size();
    std::size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // password=... in the query string.
  std::size_t q = out.find('?');
  if (q != std::string::npos) {
    std::string query = out.substr(q + 1);
    out.erase(q);
    std::string kept;
    std::size_t pos = 0;
    while (pos <= query.size()) {
      std::size_t amp = query.find('&', pos);
      if (amp == std::string::npos) amp = query.size();
      std::string part = query.substr(pos, amp - pos);
      if (!part.empty() && part.rfind("password=", 0) != 0)
        kept += (kept.empty() ? "" : "&") + part;
      pos = amp + 1;
    }
    if (!kept.empty()) out += "?" + kept;
  }
  return out;
}

struct PostgresConnection::Handle {
  explicit Handle(const std::string& conninfo) : conn(conninfo) {}
  pqxx::connection conn;
};

PostgresConnection::PostgresConnection(std::string url)
    : url_(std::move(url)), display_(redact_postgres_url(url_)) {}

PostgresConnection::~PostgresConnection() = default;

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& url) {
  std::unique_ptr<PostgresConnection> conn(new PostgresConnection(url));
  SY_TRY(conn->connect());
  return conn;
}

Status PostgresConnection::connect() {
  std::string conninfo = url_;
  if (conninfo.find("connect_timeout=") == std::string::npos) {
    conninfo += conninfo.find('?') == std::string::npos ? "?" : "&";
    conninfo += "connect_timeout=15";  // long enough for a loaded machine, short for a dead host
  }
  try {
    conn_.reset();
    prepared_.clear();
    aborted_ = false;
    conn_ = std::make_unique<Handle>(conninfo);
    pqxx::nontransaction tx(conn_->conn);
    tx.exec("SET client_min_messages = warning");
    tx.commit();
    return ok_status();
  } catch (const std::exception& e) {
    conn_.reset();
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      "cannot connect to " + display_ + ": " + first_line(e.what()));
  }
}

template <class Fn>
auto PostgresConnection::guarded(std::string_view sql, Fn&& fn) -> decltype(fn()) {
  if (!conn_ || !conn_->conn.is_open()) SY_TRY(connect());
  try {
    return fn();
  } catch (const pqxx::broken_connection& e) {
    conn_.reset();
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      "lost connection to " + display_ + ": " + first_line(e.what()));
  } catch (const pqxx::unique_violation& e) {
    return make_error(ErrorKind::kConflict, "unique_violation", first_line(e.what()));
  } catch (const pqxx::foreign_key_violation& e) {
    return make_error(ErrorKind::kConflict, "foreign_key_violation", first_line(e.what()));
  } catch (const pqxx::not_null_violation& e) {
    return make_error(ErrorKind::kInternal, "not_null_violation", first_line(e.what()));
  } catch (const pqxx::check_violation& e) {
    return make_error(ErrorKind::kInternal, "check_violation", first_line(e.what()));
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    if (!conn_->conn.is_open()) conn_.reset();  // e.g. terminated by the server: reconnect next
    // Serialization failures, deadlocks, lack of resources, shutdown: worth retrying later.
    if (state.rfind("40", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57", 0) == 0) {
      return make_error(ErrorKind::kUnavailable, "database_busy",
                        display_ + ": " + first_line(e.what()));
    }
    return make_error(ErrorKind::kInternal, "database_error",
                      first_line(e.what()) + " [" + state + "] in: " + short_sql(sql));
  } catch (const pqxx::in_doubt_error& e) {
    conn_.reset();
    return make_error(ErrorKind::kUnavailable, "database_unavailable",
                      display_ + ": " + first_line(e.what()));
  } catch (const std::exception& e) {
    return make_error(ErrorKind::kInternal, "database_error",
                      first_line(e.what()) + " in: " + short_sql(sql));
  }
}

Result<std::int64_t> PostgresConnection::run(std::string_view sql, std::span<const Value> params,
                                             std::vector<Row>* rows) {
  if (aborted_ && conn_ && sql == "COMMIT") {
    auto rolled_back = run("ROLLBACK", {}, nullptr);
    if (!rolled_back) return rolled_back.error();
    return make_error(ErrorKind::kInternal, "transaction_aborted",
                      "not committed: a statement failed earlier in this transaction");
  }
  auto result = run_guarded(sql, params, rows);
  if (!result) {
    aborted_ = conn_ != nullptr;  // a lost connection starts afresh
  } else if (sql.starts_with("BEGIN") || sql.starts_with("ROLLBACK")) {
    aborted_ = false;
  }
  return result;
}

Result<std::int64_t> PostgresConnection::run_guarded(std::string_view sql,
                                                     std::span<const Value> params,
                                                     std::vector<Row>* rows) {
  return guarded(sql, [&]() -> Result<std::int64_t> {
    pqxx::nontransaction tx(conn_->conn);
    pqxx::result result;
    if (params.empty()) {
      result = tx.exec(std::string(sql));
    } else {
      auto it = prepared_.find(sql);
      if (it == prepared_.end() && prepared_.size() >= kMaxPreparedStatements) {
        // Statements built from many filter combinations: start the cache afresh.
        for (const auto& entry : prepared_) conn_->conn.unprepare(entry.second);
        prepared_.clear();
      }
      if (it == prepared_.end()) {
        std::string name = "sy" + std::to_string(++next_statement_);
        conn_->conn.prepare(name, std::string(sql));
        it = prepared_.emplace(std::string(sql), std::move(name)).first;
      }
      std::vector<std::string> storage;
      storage.reserve(params.size());  // keeps the c_str() pointers below stable
      std::vector<const char*> values;
      values.reserve(params.size());
      for (const Value& v : params) {
        if (std::holds_alternative<std::monostate>(v)) {
          values.push_back(nullptr);  // pqxx sends a null pointer as SQL NULL
        } else {
          storage.push_back(to_text(v));
          values.push_back(storage.back().c_str());
        }
      }
      result = tx.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
    }
    tx.commit();
    if (rows) {
      const auto columns = result.columns();
      std::vector<pqxx::oid> types(columns);
      for (pqxx::row::size_type c = 0; c < columns; ++c) types[c] = result.column_type(c);
      rows->reserve(result.size());
      for (const auto& row : result) {
        std::vector<Value> cols;
        cols.reserve(columns);
        for (pqxx::row::size_type c = 0; c < columns; ++c) {
          cols.push_back(field_value(row[c], types[c]));
        }
        rows->emplace_back(std::move(cols));
      }
    }
    return static_cast<std::int64_t>(result.affected_rows());
  });
}

Result<std::vector<Row>> PostgresConnection::query(std::string_view sql,
                                                   std::span<const Value> params) {
  std::vector<Row> rows;
  auto ran = run(sql, params, &rows);
  if (!ran) return ran.error();
  return rows;
}

Result<std::int64_t> PostgresConnection::exec(std::string_view sql, std::span<const Value> params) {
  return run(sql, params, nullptr);
}

Status PostgresConnection::exec_script(std::string_view sql) {
  auto ran = run(sql, {}, nullptr);
  if (!ran) return ran.error();
  return ok_status();
}

}  // namespace sy::store
