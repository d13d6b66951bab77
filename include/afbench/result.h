// Result<T> and Status: how every fallible afbench function reports failure.
//
// afbench code throws nothing. A function that can fail returns Result<T> (a value or an Error) or
// Status (Result<void>). The member names follow std::expected (has_value, value, error, operator
// bool) so the type can be swapped for std::expected once the toolchain has it. An Error carries a
// kind, which callers use to decide what to do (the runner retries kRateLimited and kTransient,
// nothing else), and a message of the form
// "<component>: <what>: <cause>" that names the file, line or field that matters.
//
// Value types; no shared state; safe to move between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace afbench {

/// What went wrong, coarse enough for a caller to act on.
enum class ErrorKind {
  kInvalidInput,    ///< A file, flag or field the user gave is wrong. Not retried.
  kNotFound,        ///< A named thing (run, file, scenario) does not exist.
  kIo,              ///< The filesystem or database failed.
  kRateLimited,     ///< The backend said 429/529: retry after a pause.
  kTransient,       ///< Connection failure, timeout or 5xx: retry.
  kAuth,            ///< Missing or rejected credentials. Not retried.
  kInvalidRequest,  ///< The backend rejected the request (4xx other than 429). Not retried.
  kBadResponse,     ///< The backend answered something we cannot decode. Retried.
  kCancelled,       ///< The user interrupted the run.
  kUnavailable,     ///< The model client stopped sending (its breaker is open); see model_client.h.
  kInternal,        ///< A bug in afbench.
};

/// Stable lower-case name of an ErrorKind, used in stored error outcomes.
const char* ErrorKindName(ErrorKind kind);

/// A failure: its kind, a human message, and for rate limits the server's requested pause.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  std::optional<int64_t> retry_after_ms;  ///< From a Retry-After header, when the server sent one.
  /// Every later request to the same endpoint would fail the same way (an unknown model, an
  /// exhausted quota, a prompt longer than the context): the model client stops sending.
  bool permanent = false;

  /// True for the kinds the runner retries with backoff.
  bool IsRetryable() const {
    return kind == ErrorKind::kRateLimited || kind == ErrorKind::kTransient ||
           kind == ErrorKind::kBadResponse;
  }
};

/// Wrapper that marks an Error as the failure branch when constructing a Result (like
/// std::unexpected).
struct Unexpected {
  Error error;
};

/// Shorthand: `return Fail(ErrorKind::kInvalidInput, "dataset: x.csv:3: ...");`
inline Unexpected Fail(ErrorKind kind, std::string message) {
  return Unexpected{Error{kind, std::move(message), std::nullopt}};
}
inline Unexpected Fail(Error error) { return Unexpected{std::move(error)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Unexpected failure) : data_(std::move(failure.error)) {}  // NOLINT

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(data_); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected failure) : error_(std::move(failure.error)) {}  // NOLINT

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

/// Returns a copy of `error` whose message is prefixed with `context + ": "`.
inline Error WithContext(const Error& error, const std::string& context) {
  Error out = error;
  out.message = context + ": " + error.message;
  return out;
}

}  // namespace afbench

/// Propagates a failed Status or Result from an expression.
#define AFBENCH_RETURN_IF_ERROR(expr)                                            \
  do {                                                                           \
    auto afbench_status_ = (expr);                                               \
    if (!afbench_status_) return ::afbench::Unexpected{afbench_status_.error()}; \
  } while (0)
