#include "plugins/incoming_webhooks/content_type.h"

#include <array>

namespace pb::incoming_webhooks {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 2045 token characters, as Go's mime.isTokenChar.
bool is_token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  switch (c) {  // the tspecials (a find() here was a memchr call per byte of every token)
    case '(': case ')': case '<': case '>': case '@': case ',': case ';': case ':': case '\\':
    case '"': case '/': case '[': case ']': case '?': case '=':
      return false;
    default:
      return true;
  }
}

// Go's unicode.IsSpace restricted to what can appear in an ASCII header.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  s = trim_left(s);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view consume_token(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && is_token_char(s[n])) ++n;
  std::string_view token = s.substr(0, n);
  s.remove_prefix(n);
  return token;
}

// A quoted-string or a token; `value` gets the unquoted text when `value` is non-null. Returns
// false when there is none (Go's consumeValue returning "").
bool consume_value(std::string_view& s, std::string* value) {
  if (s.empty()) return false;
  if (s.front() != '"') {
    std::string_view token = consume_token(s);
    if (token.empty()) return false;
    if (value) value->assign(token);
    return true;
  }
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      s.remove_prefix(i + 1);
      return true;
    }
    // Go: a backslash escapes only a tspecial (MSIE sends "C:\dev\x" unescaped); a bare CR
    // or LF makes the value malformed.
    if (c == '\\' && i + 1 < s.size() && !is_token_char(s[i + 1]) &&
        static_cast<unsigned char>(s[i + 1]) > 0x20 && static_cast<unsigned char>(s[i + 1]) < 0x7f) {
      c = s[++i];
    } else if (c == '\r' || c == '\n') {
      return false;
    }
    if (value) value->push_back(c);
  }
  return false;
}

struct Param {
  std::string_view key;  // as written (compare case-insensitively)
  bool ok = false;
};

// One "; key=value" (Go's consumeMediaParam); `s` advances past it.
Param consume_param(std::string_view& s, std::string* value) {
  std::string_view rest = trim_left(s);
  if (rest.empty() || rest.front() != ';') return {};
  rest = trim_left(rest.substr(1));
  std::string_view key = consume_token(rest);
  if (key.empty()) return {};
  rest = trim_left(rest);
  if (rest.empty() || rest.front() != '=') return {};
  rest = trim_left(rest.substr(1));
  if (!consume_value(rest, value)) return {};
  s = rest;
  return {key, true};
}

}  // namespace

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<MediaType> parse_media_type(std::string_view header) {
  size_t semicolon = header.find(';');
  std::string_view base = header.substr(0, semicolon);
  MediaType media;
  media.type = trim(base);
  // Go's checkMediaTypeDisposition: token, optionally "/" token, nothing else.
  std::string_view rest = media.type;
  if (consume_token(rest).empty()) return std::nullopt;
  if (!rest.empty()) {
    if (rest.front() != '/') return std::nullopt;
    rest.remove_prefix(1);
    if (consume_token(rest).empty() || !rest.empty()) return std::nullopt;
  }
  if (semicolon == std::string_view::npos) return media;

  std::string_view params = header.substr(semicolon);
  media.params = params;
  // Keys seen so far, for Go's duplicate check. More parameters than this in one header is no
  // real client: treat it as a malformed parameter list (tolerated, parameters unreadable).
  std::array<std::string_view, 16> seen{};
  size_t seen_count = 0;
  while (true) {
    params = trim_left(params);
    if (params.empty()) break;
    std::string_view before = params;
    Param p = consume_param(params, nullptr);
    if (!p.ok) {
      if (trim(before) == ";") break;  // a trailing semicolon is no error (Go)
      media.params_valid = false;
      media.params = {};
      return media;
    }
    for (size_t i = 0; i < seen_count; ++i) {
      if (iequals_ascii(seen[i], p.key)) return std::nullopt;  // "mime: duplicate parameter name"
    }
    if (seen_count == seen.size()) {
      media.params_valid = false;
      media.params = {};
      return media;
    }
    seen[seen_count++] = p.key;
  }
  return media;
}

std::optional<std::string> media_type_param(const MediaType& media, std::string_view name) {
  if (!media.params_valid) return std::nullopt;
  std::string_view params = media.params;
  while (true) {
    params = trim_left(params);
    if (params.empty()) return std::nullopt;
    std::string value;
    Param p = consume_param(params, &value);
    if (!p.ok) return std::nullopt;
    if (iequals_ascii(p.key, name)) return value;
  }
}

}  // namespace pb::incoming_webhooks
