// Private helpers shared by the repositories (see sql_support.h).
#include "store/sql_support.h"

namespace sy::store::sql {

std::string Filter::param(Value v) {
  params_.push_back(std::move(v));
  // Appended rather than "$" + to_string(): g++ 12 at -O3 warns falsely (-Wrestrict) on that.
  std::string out("$");
  out += std::to_string(params_.size());
  return out;
}

void Filter::scope(std::string_view column, const RegionScope& scope) {
  if (scope.unrestricted()) return;
  std::string lo = param(Value{scope.lo()});
  std::string hi = param(Value{scope.hi()});
  where(std::string(column) + " >= " + lo + " AND " + std::string(column) + " < " + hi);
}

std::string Filter::where_sql() const {
  std::string out;
  for (std::size_t i = 0; i < clauses_.size(); ++i) {
    out += (i == 0 ? " WHERE " : " AND ");
    out += "(" + clauses_[i] + ")";
  }
  return out;
}

std::string Filter::limit_offset(const PageRequest& page) {
  std::string limit = param(Value{std::int64_t{page.page_size}});
  std::string offset =
      param(Value{static_cast<std::int64_t>(page.page - 1) * std::int64_t{page.page_size}});
  return " LIMIT " + limit + " OFFSET " + offset;
}

namespace {
std::string escape_like(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}
}  // namespace

std::string like_contains(std::string_view text) {
  std::string out("%");
  out += escape_like(text);
  out += '%';
  return out;
}
std::string like_prefix(std::string_view text) { return escape_like(text) + "%"; }

Error not_found(std::string code, std::string what, std::string field) {
  return make_error(ErrorKind::kNotFound, std::move(code), std::move(what), std::move(field));
}
Error invalid(std::string code, std::string message, std::string field) {
  return make_error(ErrorKind::kInvalidInput, std::move(code), std::move(message),
                    std::move(field));
}
Error conflict(std::string code, std::string message, std::string field) {
  return make_error(ErrorKind::kConflict, std::move(code), std::move(message), std::move(field));
}

Result<std::int64_t> count(Connection& conn, std::string_view sql, std::span<const Value> params) {
  auto row = conn.query_one(sql, params);
  if (!row.ok()) return row.error();
  return *row ? (*row)->i64(0) : std::int64_t{0};
}

Result<bool> exists(Connection& conn, std::string_view sql, std::span<const Value> params) {
  auto row = conn.query_one(sql, params);
  if (!row.ok()) return row.error();
  return row->has_value();
}

bool is_unique_violation(const Error& e, std::string_view needle) {
  return e.code == "unique_violation" && e.message.find(needle) != std::string::npos;
}

}  // namespace sy::store::sql
