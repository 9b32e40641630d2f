// Result<T>: the return type of every fallible operation inside the core. Expected failures are
// values, not exceptions (exceptions never cross extern "C" or a libuv callback).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pb {

struct Error {
  int code = -1;        // a pb_status (negative) where one fits
  std::string message;  // for people: names the file, key or value and the cause
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() & { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(int code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace pb
