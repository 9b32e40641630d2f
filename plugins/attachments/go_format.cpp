#include "plugins/attachments/go_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>

namespace pb::attachments {

std::string go_format_float(double value) {
  // Shortest round-trip digits, as strconv.FormatFloat(v, 'g', -1, 64) chooses them.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "-1.234567e+06"
  std::string out;
  if (!sci.empty() && sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  if (value == 0) {
    digits = "0";
    exp = 0;
  }
  // strconv: %e when exp < -4 || exp >= eprec, and eprec is 6 for the shortest form.
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += exp < 0 ? '-' : '+';
    int a = exp < 0 ? -exp : exp;
    if (a < 10) out += '0';
    out += std::to_string(a);
    return out;
  }
  int dp = exp + 1;  // digits before the decimal point
  int nd = static_cast<int>(digits.size());
  if (dp > 0) {
    for (int i = 0; i < dp; ++i) out += i < nd ? digits[static_cast<size_t>(i)] : '0';
  } else {
    out += '0';
  }
  int frac = std::max(nd - dp, 0);
  if (frac > 0) {
    out += '.';
    for (int i = 0; i < frac; ++i) {
      int k = dp + i;
      out += (k >= 0 && k < nd) ? digits[static_cast<size_t>(k)] : '0';
    }
  }
  return out;
}

bool append_go_value(std::string& out, const JsonValue& value) {
  switch (value.kind) {
    case JsonValue::Kind::Null:
      out += "<nil>";
      return true;
    case JsonValue::Kind::Bool:
      out += value.boolean ? "true" : "false";
      return true;
    case JsonValue::Kind::String:
      out += value.text;
      return true;
    case JsonValue::Kind::Number: {
      std::string text(value.raw);  // NUL-terminated for strtod; JSON numbers need no locale
      double d = std::strtod(text.c_str(), nullptr);
      if (std::isinf(d)) return false;  // Go: "cannot unmarshal number ... into float64"
      out += go_format_float(d);
      return true;
    }
    case JsonValue::Kind::Array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.items) {
        if (!first) out += ' ';
        first = false;
        if (!append_go_value(out, item)) return false;
      }
      out += ']';
      return true;
    }
    case JsonValue::Kind::Object: {
      // A Go map: duplicate keys keep the last value; fmt prints keys in sorted order.
      std::map<std::string_view, const JsonValue*> sorted;
      for (const auto& m : value.members) sorted[m.key] = &m.value;
      out += "map[";
      bool first = true;
      for (const auto& [key, v] : sorted) {
        if (!first) out += ' ';
        first = false;
        out += key;
        out += ':';
        if (!append_go_value(out, *v)) return false;
      }
      out += ']';
      return true;
    }
  }
  return true;
}

}  // namespace pb::attachments
