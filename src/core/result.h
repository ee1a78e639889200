// Errors as values: every fallible operation returns Result<T> with a stable error code,
// so the HTTP layer can map failures to the JSON error shape in one place.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sy {

// What kind of failure this is; decides the HTTP status (and SIP response) at the edge.
enum class ErrorKind {
  kInvalidInput,     // 400: malformed or semantically invalid input
  kUnauthenticated,  // 401
  kForbidden,        // 403
  kNotFound,         // 404
  kConflict,         // 409: state or precondition conflict (e.g. arrears_outstanding)
  kTooLarge,         // 413
  kRateLimited,      // 429
  kUnavailable,      // 503: overload or dependency down
  kInternal,         // 500
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;     // stable snake_case, e.g. "customer_not_found"
  std::string message;  // human text
  std::string field;    // optional JSON path of the offending field, e.g. "customer.phone"
};

inline Error make_error(ErrorKind kind, std::string code, std::string message,
                        std::string field = {}) {
  return Error{kind, std::move(code), std::move(message), std::move(field)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& take_error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  Error&& take_error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace sy

// Propagates an error from an expression returning Result/Status: SY_TRY(db.exec(...));
#define SY_TRY(expr)                                     \
  do {                                                   \
    auto sy_try_result_ = (expr);                        \
    if (!sy_try_result_.ok()) return sy_try_result_.error(); \
  } while (0)
