#include "bench/outgoing/delivery_sequence.h"

namespace pb::bench {
namespace {

// Digits only, 1..18 of them (no overflow of uint64_t).
std::optional<uint64_t> parse_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  uint64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// "<word><space><digits>" where `space` is one of the given encodings of ' '.
std::optional<uint64_t> parse_text(std::string_view text, std::string_view word, bool form) {
  if (!text.starts_with(word)) return std::nullopt;
  text.remove_prefix(word.size());
  if (form && text.starts_with("%20")) {
    text.remove_prefix(3);
  } else if (text.starts_with(form ? '+' : ' ')) {
    text.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  return parse_number(text);
}

std::optional<uint64_t> from_form(std::string_view body, std::string_view word) {
  for (size_t at = 0; at <= body.size();) {
    size_t end = body.find('&', at);
    if (end == std::string_view::npos) end = body.size();
    std::string_view pair = body.substr(at, end - at);
    if (pair.starts_with("text=")) return parse_text(pair.substr(5), word, true);
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<uint64_t> from_json(std::string_view body, std::string_view word) {
  constexpr std::string_view kKey = "\"text\":\"";
  size_t at = body.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = body.substr(at + kKey.size());
  size_t quote = rest.find('"');
  if (quote == std::string_view::npos) return std::nullopt;
  return parse_text(rest.substr(0, quote), word, false);
}

}  // namespace

std::optional<uint64_t> delivery_sequence(std::string_view body, std::string_view word) {
  if (body.starts_with('{')) return from_json(body, word);
  return from_form(body, word);
}

}  // namespace pb::bench
