// For writers that measure their output first and then fill it in one go (a post row, a response
// head): one resize instead of an append, with its capacity check and length update, per piece.
//
// place() copies a piece of text to a position in the sized buffer and returns the position
// after it; precondition: [at, at + piece.size()) lies inside the buffer. Digits prints an
// integer once, to be measured (size) and then placed (view()). Pure; any thread.
#pragma once

#include <charconv>
#include <concepts>
#include <cstring>
#include <string_view>

namespace pb {

struct Digits {
  template <std::integral T>
  explicit Digits(T value)
      : size(static_cast<std::size_t>(std::to_chars(text, text + sizeof text, value).ptr - text)) {}
  std::string_view view() const { return {text, size}; }

  char text[24];  // the longest 64-bit integer, sign included, is 20
  std::size_t size;
};

inline char* place(char* at, std::string_view piece) {
  // An empty piece may be a default view (data() null), which memcpy must not be given.
  if (!piece.empty()) std::memcpy(at, piece.data(), piece.size());
  return at + piece.size();
}

}  // namespace pb
