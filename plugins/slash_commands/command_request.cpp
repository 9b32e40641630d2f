#include "plugins/slash_commands/command_request.h"

#include <array>
#include <utility>

namespace pb::slash {

namespace {

// Go's url.QueryEscape leaves these bytes as they are.
constexpr std::array<bool, 256> kUnreserved = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.' || c == '~';
  }
  return table;
}();

}  // namespace

void append_query_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // Written through a pointer into room for the worst case (every byte %XX), then trimmed to
  // what was written: one size check per value instead of one per byte (the ~0.5 KB form of
  // every execute). The callers reuse `out`, so the room is not a fresh allocation.
  const size_t at = out.size();
  out.resize(at + 3 * s.size());
  char* const begin = out.data();
  char* dst = begin + at;
  for (unsigned char c : s) {
    if (kUnreserved[c]) {
      *dst++ = static_cast<char>(c);
    } else if (c == ' ') {
      *dst++ = '+';
    } else {
      *dst++ = '%';
      *dst++ = kHex[c >> 4];
      *dst++ = kHex[c & 0xF];
    }
  }
  out.resize(static_cast<size_t>(dst - begin));
}

std::string encode_params(const InvocationParams& p) {
  std::string out;
  append_params(out, p);
  return out;
}

void append_params(std::string& out, const InvocationParams& p) {
  // Already in sorted key order, as url.Values.Encode writes them.
  const std::array<std::pair<std::string_view, std::string_view>, 12> fields{{
      {"channel_id", p.channel_id},
      {"channel_name", p.channel_name},
      {"command", p.command},
      {"response_url", p.response_url},
      {"root_id", p.root_id},
      {"team_domain", p.team_domain},
      {"team_id", p.team_id},
      {"text", p.text},
      {"token", p.token},
      {"trigger_id", p.trigger_id},
      {"user_id", p.user_id},
      {"user_name", p.user_name},
  }};
  const size_t start = out.size();
  size_t size = 0;
  for (const auto& [k, v] : fields) size += k.size() + 2 + v.size() * 3;
  out.reserve(start + size);
  auto append = [&out, start](std::string_view key, std::string_view value) {
    if (out.size() > start) out += '&';
    out += key;
    out += '=';
    append_query_escaped(out, value);
  };
  // Repeated values of one key stay in their order (url.Values.Encode sorts keys only);
  // "<x>_mentions" and "<x>_mentions_ids" sort right after "<x>_id".
  auto append_mentions = [&append](std::string_view key, std::string_view ids_key,
                                   const std::vector<std::pair<std::string, std::string>>* list) {
    if (list == nullptr) return;
    for (const auto& m : *list) append(key, m.first);
    for (const auto& m : *list) append(ids_key, m.second);
  };
  for (const auto& [k, v] : fields) {
    append(k, v);
    if (k == "channel_id") append_mentions("channel_mentions", "channel_mentions_ids", p.channel_mentions);
    if (k == "user_id") append_mentions("user_mentions", "user_mentions_ids", p.user_mentions);
  }
}

OutboundRequest build_request(std::string_view method, std::string_view url,
                              const InvocationParams& params) {
  OutboundRequest out;
  build_request(method, url, params, out);
  return out;
}

void build_request(std::string_view method, std::string_view url, const InvocationParams& params,
                   OutboundRequest& out) {
  out.authorization.assign("Token ");
  out.authorization += params.token;
  out.body.clear();
  if (method == "G") {
    out.method.assign("GET");
    std::string_view base = url.substr(0, url.find('#'));
    out.url.assign(base);
    if (base.find('?') == std::string_view::npos) {
      out.url += '?';
    } else if (!base.ends_with('?') && !base.ends_with('&')) {
      out.url += '&';
    }
    append_params(out.url, params);
    out.form_body = false;
  } else {
    out.method.assign("POST");
    out.url.assign(url);
    append_params(out.body, params);
    out.form_body = true;
  }
}

}  // namespace pb::slash
