#pragma once
// One result type for every medkiosk library (scanner, storage, kiosk core, CLI): a value, or an Error
// whose message a technician can act on — what failed, on which file, device or host, and what to do.
// Errors are values: no exception crosses a library boundary. Header-only and dependency-free, so any
// target can link medkiosk::base without pulling in another library.

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace medkiosk {

enum class ErrorCode {
    Io,           // a file, device or connection failed
    Corrupt,      // the data is damaged
    TooNew,       // written by a newer medkiosk
    DiskFull,     //
    Busy,         // another program holds the resource; retry
    NotFound,     // the thing asked for does not exist
    Invalid,      // the input breaks a rule; the message names it
    Unavailable,  // refused in the current state (nobody signed in, read-only, not configured)
    Internal,     // a medkiosk bug or an unexpected library failure
};

inline std::string_view to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::Io:
            return "io";
        case ErrorCode::Corrupt:
            return "corrupt";
        case ErrorCode::TooNew:
            return "too-new";
        case ErrorCode::DiskFull:
            return "disk-full";
        case ErrorCode::Busy:
            return "busy";
        case ErrorCode::NotFound:
            return "not-found";
        case ErrorCode::Invalid:
            return "invalid";
        case ErrorCode::Unavailable:
            return "unavailable";
        case ErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // says what failed, where, and what a technician can do about it
};

// A value of T, or an Error. Construct from either; test with ok() or in a condition.
template <typename T>
class [[nodiscard]] Result {
  public:
    Result(const T& value) : state_(std::in_place_index<0>, value) {}
    Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
    // Anything T can be made from (a string literal for Result<std::string>, a derived pointer …).
    template <typename U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, Error> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result>) Result(U&& value)
        : state_(std::in_place_index<0>, std::forward<U>(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(state_); }
    T& value() & { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }
    template <typename U>
    T value_or(U&& fallback) const& {
        return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

    const Error& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, Error> state_;
};

// Success with nothing to return, or an Error. `return {};` is success.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return error_; }

  private:
    Error error_;
    bool failed_ = false;
};

}  // namespace medkiosk
