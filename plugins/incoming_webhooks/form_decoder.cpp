#include "plugins/incoming_webhooks/form_decoder.h"

#include "plugins/incoming_webhooks/content_type.h"

namespace pb::incoming_webhooks {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when the pair's key, once unescaped, is `want` and validly escaped: compares while
// unescaping, so keys that do not match cost no allocation.
bool key_matches(std::string_view escaped, std::string_view want) {
  size_t w = 0;
  for (size_t i = 0; i < escaped.size(); ++i, ++w) {
    char c = escaped[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= escaped.size()) return false;
      int hi = hex_value(escaped[i + 1]), lo = hex_value(escaped[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (w >= want.size() || want[w] != c) return false;
  }
  return w == want.size();
}

std::optional<std::string> first_value(std::string_view encoded, std::string_view key) {
  while (!encoded.empty()) {
    size_t amp = encoded.find('&');
    std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view{} : encoded.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (!key_matches(k, key)) continue;
    if (auto value = query_unescape(v)) return value;
  }
  return std::nullopt;
}

// Part headers: "Name: value" lines up to an empty line. Returns the Content-Disposition value
// ("" when absent); `s` advances past the empty line. nullopt when the headers never end or a
// line is not a header (Go's textproto refuses it).
std::optional<std::string_view> read_part_headers(std::string_view& s) {
  std::string_view disposition;
  while (true) {
    size_t nl = s.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = s.substr(0, nl);
    s.remove_prefix(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return disposition;
    if (line.front() == ' ' || line.front() == '\t') continue;  // folded continuation line
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string_view name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    if (iequals_ascii(name, "Content-Disposition")) disposition = line.substr(colon + 1);
  }
}

// True when `line` (after a delimiter) is only linear white space: Go's isBoundaryDelimiterLine.
bool only_lwsp(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> query_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> form_value(std::string_view body, std::string_view query,
                                      std::string_view key) {
  if (auto v = first_value(body, key)) return v;
  return first_value(query, key);
}

std::optional<std::vector<MultipartField>> parse_multipart(std::string_view body,
                                                           std::string_view boundary) {
  if (boundary.empty()) return std::nullopt;
  // The opening delimiter: the first line that is "--boundary" plus optional white space.
  std::string_view rest = body;
  bool lf_only = false;
  while (true) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (line.size() >= boundary.size() + 2 && line.substr(0, 2) == "--" &&
        line.substr(2, boundary.size()) == boundary) {
      std::string_view tail = line.substr(boundary.size() + 2);
      if (tail.substr(0, 2) == "--") return std::vector<MultipartField>{};  // no parts at all
      if (only_lwsp(tail)) {
        lf_only = tail.empty() || tail.back() != '\r';
        break;
      }
    }
  }
  std::string delimiter = lf_only ? "\n--" : "\r\n--";
  delimiter.append(boundary);

  std::vector<MultipartField> fields;
  while (true) {
    auto disposition = read_part_headers(rest);
    if (!disposition) return std::nullopt;
    size_t end = rest.find(delimiter);
    if (end == std::string_view::npos) return std::nullopt;  // truncated part
    std::string_view content = rest.substr(0, end);
    rest.remove_prefix(end + delimiter.size());

    if (auto media = parse_media_type(*disposition);
        media && iequals_ascii(media->type, "form-data")) {
      auto name = media_type_param(*media, "name");
      auto filename = media_type_param(*media, "filename");
      if (name && !name->empty() && (!filename || filename->empty())) {
        fields.push_back({std::move(*name), std::string(content)});
      }
    }

    // After the delimiter: "--" closes the body, else white space to the end of the line.
    if (rest.substr(0, 2) == "--") return fields;
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos || !only_lwsp(rest.substr(0, nl))) return std::nullopt;
    rest.remove_prefix(nl + 1);
  }
}

}  // namespace pb::incoming_webhooks
