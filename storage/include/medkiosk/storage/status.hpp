#pragma once
// Errors as values: storage never lets an exception or a raw SQLite code escape.

#include <string>
#include <utility>
#include <variant>

namespace medkiosk::storage {

enum class ErrorCode { Io, Corrupt, TooNew, DiskFull, Busy, NotFound, Invalid, Internal };

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // says what failed, on which file, and what a technician can do
};

template <typename T>
class StatusOr {
  public:
    StatusOr(T value) : value_(std::move(value)) {}
    StatusOr(Error error) : value_(std::move(error)) {}
    bool ok() const { return std::holds_alternative<T>(value_); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<T>(value_); }
    T& value() & { return std::get<T>(value_); }
    T&& value() && { return std::get<T>(std::move(value_)); }
    const Error& error() const { return std::get<Error>(value_); }

  private:
    std::variant<T, Error> value_;
};

struct Ok {};
using Status = StatusOr<Ok>;

}  // namespace medkiosk::storage
