// Writing text as JSON string literals: the one escaper plugins share (plugin.hpp and
// json_scan.hpp re-export it, so existing includes keep working).
//
// '"' and '\\' are escaped, \n \r \t by name, other control characters as \u00XX (lower-case
// hex), everything else (bytes >= 0x80 included, so UTF-8 passes through) as it is. Callers pass
// valid UTF-8. (core/chat keeps its own RapidJSON-exact escaper for stored rows: \b \f by name,
// upper-case hex.)
//
// Runs of bytes that need no escaping are appended whole: most text has no escape at all and is
// one append, instead of a push_back (with its capacity check) per byte.
//
// Header-only, pure; any thread; no allocation beyond the output string's growth.
#pragma once

#include <string>
#include <string_view>

namespace pb::sdk {

// Appends `s` to `out` as the inside of a JSON string literal (quotes not included).
inline void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;  // s[run, i) needs no escaping and is not yet appended
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
}

// Appends `s` as a complete JSON string literal, quotes included.
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

}  // namespace pb::sdk
