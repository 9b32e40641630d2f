#include "plugins/incoming_webhooks/payload_decoder.h"

#include <array>
#include <cstdint>
#include <optional>

#include <patchbay/json_scan.hpp>
#include <patchbay/utf8.hpp>

#include "plugins/incoming_webhooks/content_type.h"
#include "plugins/incoming_webhooks/form_decoder.h"

namespace pb::incoming_webhooks {
namespace {

WebhookError parse_data_error() {
  return {400, "model.incoming_hook.parse_data.app_error", "Unable to parse incoming data."};
}

WebhookError incoming_error(std::string message) {
  return {400, "api.webhook.incoming.error", std::move(message)};
}

// ---- UTF-8 -------------------------------------------------------------------------------------

using sdk::first_invalid_utf8;

// Every invalid byte from `from` on becomes U+FFFD, as Go's decoder turns each into one when
// unquoting.
std::string replace_invalid_utf8(std::string_view s, size_t from) {
  std::string out(s.substr(0, from));
  out.reserve(s.size() + 16);
  sdk::append_valid_utf8(out, s.substr(from));
  return out;
}

// ---- JSON scanning -----------------------------------------------------------------------------

// The scanner and its sinks are the SDK's (patchbay/json_scan.hpp), shared with the splitter.
using Scanner = sdk::JsonScanner;
using DiscardSink = sdk::JsonDiscardSink;
using StringSink = sdk::JsonStringSink;

// Keys: only short ASCII ones can be known keys, so others are marked and not kept. Kept ones
// are lowercased as they are read (Go matches struct fields with ASCII letters in any case), so
// that each is then compared exactly with the lowercase names.
struct KeySink {
  std::array<char, 32> buf;
  size_t size = 0;
  bool overflow = false;
  void add(std::string_view s) {
    if (size + s.size() > buf.size()) {
      overflow = true;
      return;
    }
    for (char c : s) buf[size++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  void add_code_point(uint32_t cp) {
    // Escaped keys are rare; no known key has a non-ASCII character, so only the length matters
    // for those beyond ASCII.
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      add(std::string_view(&c, 1));
    } else {
      overflow = true;
    }
  }
  std::string_view view() const { return overflow ? std::string_view{} : std::string_view(buf.data(), size); }
};

// ---- the request object ------------------------------------------------------------------------

enum class Key { kUnknown, kText, kUsername, kIconUrl, kIconEmoji, kChannel, kType, kProps,
                 kAttachments, kPriority };

Key classify_key(std::string_view k) {
  struct Known {
    std::string_view name;
    Key key;
  };
  static constexpr std::array<Known, 9> kKnown{{{"text", Key::kText},
                                                {"username", Key::kUsername},
                                                {"icon_url", Key::kIconUrl},
                                                {"icon_emoji", Key::kIconEmoji},
                                                {"channel", Key::kChannel},
                                                {"type", Key::kType},
                                                {"props", Key::kProps},
                                                {"attachments", Key::kAttachments},
                                                {"priority", Key::kPriority}}};
  for (const auto& known : kKnown) {
    if (k == known.name) return known.key;  // k is lowercase (KeySink)
  }
  return Key::kUnknown;
}

std::string* string_field(IncomingPayload& p, Key k) {
  switch (k) {
    case Key::kText: return &p.text;
    case Key::kUsername: return &p.username;
    case Key::kIconUrl: return &p.icon_url;
    case Key::kIconEmoji: return &p.icon_emoji;
    case Key::kChannel: return &p.channel;
    case Key::kType: return &p.type;
    default: return nullptr;
  }
}

// Go's PostPriority {priority *string, requested_ack *bool, persistent_notifications *bool}.
struct Priority {
  std::optional<std::string> priority;
  std::optional<bool> requested_ack, persistent_notifications;
};

bool read_priority(Scanner& in, Priority& out) {
  if (!in.consume('{')) return false;
  in.skip_ws();
  if (in.consume('}')) return true;
  while (true) {
    in.skip_ws();
    KeySink key;
    if (!in.key(key)) return false;
    in.skip_ws();
    std::string_view k = key.view();
    bool is_null = in.peek() == 'n';
    if (k == "priority") {  // k is lowercase (KeySink)
      if (is_null) {
        if (!in.literal("null")) return false;
        out.priority.reset();
      } else {
        std::string value;
        StringSink sink{value};
        if (in.peek() != '"' || !in.string(sink)) return false;
        out.priority = std::move(value);
      }
    } else if (k == "requested_ack" || k == "persistent_notifications") {
      auto& field = k == "requested_ack" ? out.requested_ack : out.persistent_notifications;
      if (in.literal("true")) {
        field = true;
      } else if (in.literal("false")) {
        field = false;
      } else if (in.literal("null")) {
        field.reset();
      } else {
        return false;
      }
    } else if (!in.skip_value(2, false)) {
      return false;
    }
    in.skip_ws();
    if (in.consume('}')) return true;
    if (!in.consume(',')) return false;
  }
}

std::string priority_json(const Priority& p) {
  std::string out = "{";
  if (p.priority) {
    out += "\"priority\":";
    append_json_string(out, *p.priority);
  }
  auto flag = [&](std::string_view name, const std::optional<bool>& v) {
    if (!v) return;
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
    out += *v ? "true" : "false";
  };
  flag("requested_ack", p.requested_ack);
  flag("persistent_notifications", p.persistent_notifications);
  out += '}';
  return out;
}

// The attachments array: its raw text, and whether any element is not null. Elements must be
// objects or null (Go decodes each into *SlackAttachment).
bool read_attachments(Scanner& in, IncomingPayload& p) {
  size_t start = in.pos();
  if (!in.consume('[')) return false;
  bool any = false;
  in.skip_ws();
  if (!in.consume(']')) {
    while (true) {
      in.skip_ws();
      if (in.literal("null")) {
      } else if (in.peek() == '{') {
        if (!in.skip_value(2, true)) return false;
        any = true;
      } else {
        return false;
      }
      in.skip_ws();
      if (in.consume(']')) break;
      if (!in.consume(',')) return false;
    }
  }
  p.attachments_json.assign(in.since(start));
  p.has_attachments = any;
  return true;
}

// One decode attempt over valid UTF-8 text. False on any syntax or type error.
bool decode_object(std::string_view text, IncomingPayload& p, Priority& priority, bool& has_priority) {
  Scanner in(text);
  in.skip_ws();
  if (in.literal("null")) return true;  // Go: null into a struct changes nothing
  if (!in.consume('{')) return false;
  in.skip_ws();
  if (in.consume('}')) return true;
  while (true) {
    in.skip_ws();
    KeySink key;
    if (!in.key(key)) return false;
    in.skip_ws();
    Key k = key.overflow ? Key::kUnknown : classify_key(key.view());
    bool is_null = in.peek() == 'n';
    if (is_null && k != Key::kUnknown) {
      if (!in.literal("null")) return false;
      // null leaves a Go string unchanged and sets a map, slice or pointer to nil.
      if (k == Key::kProps) p.props_json.clear();
      if (k == Key::kAttachments) {
        p.attachments_json.clear();
        p.has_attachments = false;
      }
      if (k == Key::kPriority) has_priority = false;
    } else if (std::string* field = string_field(p, k)) {
      if (in.peek() != '"') return false;
      field->clear();
      StringSink sink{*field};
      if (!in.string(sink)) return false;
    } else if (k == Key::kProps) {
      size_t start = in.pos();
      if (in.peek() != '{' || !in.skip_value(1, true)) return false;
      p.props_json.assign(in.since(start));
    } else if (k == Key::kAttachments) {
      if (!read_attachments(in, p)) return false;
    } else if (k == Key::kPriority) {
      priority = Priority{};
      if (!read_priority(in, priority)) return false;
      has_priority = true;
    } else if (!in.skip_value(1, false)) {
      return false;
    }
    in.skip_ws();
    if (in.consume('}')) return true;  // Go's Decoder reads one value: what follows is ignored
    if (!in.consume(',')) return false;
  }
}

bool skip_regex_space(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r')) ++i;
  return i < s.size();
}

// At s[i] == '"': the end of a `"key"\s*:\s*"` prefix for one of the lenient keys, or npos.
size_t lenient_value_start(std::string_view s, size_t i) {
  static constexpr std::array<std::string_view, 6> kKeys{"text", "fallback", "pretext",
                                                         "author_name", "title", "value"};
  for (std::string_view k : kKeys) {
    if (s.substr(i + 1, k.size()) != k || s.substr(i + 1 + k.size(), 1) != "\"") continue;
    size_t j = i + k.size() + 2;
    if (!skip_regex_space(s, j) || s[j] != ':') return std::string_view::npos;
    ++j;
    if (!skip_regex_space(s, j) || s[j] != '"') return std::string_view::npos;
    return j + 1;
  }
  return std::string_view::npos;
}

// From the content start of a string: the offset of its closing quote, or npos (the pattern's
// (?:[^"\\]|\\.)*" — '.' does not match a newline).
size_t lenient_value_end(std::string_view s, size_t j) {
  while (j < s.size()) {
    char c = s[j];
    if (c == '"') return j;
    if (c == '\\') {
      if (j + 1 >= s.size() || s[j + 1] == '\n') return std::string_view::npos;
      j += 2;
    } else {
      ++j;
    }
  }
  return std::string_view::npos;
}

std::variant<IncomingPayload, WebhookError> decode_multipart(const MediaType& media,
                                                             std::string_view body) {
  static constexpr std::string_view kMessage =
      "Could not decode the multipart payload of incoming webhook.";
  auto boundary = media_type_param(media, "boundary");
  if (!boundary || boundary->empty()) return incoming_error(std::string(kMessage));
  auto fields = parse_multipart(body, *boundary);
  if (!fields) return incoming_error(std::string(kMessage));
  IncomingPayload p;
  for (auto& f : *fields) {
    std::string* target = nullptr;
    const std::string& n = f.name;
    if (iequals_ascii(n, "text")) target = &p.text;
    else if (iequals_ascii(n, "username")) target = &p.username;
    else if (iequals_ascii(n, "iconurl") || iequals_ascii(n, "icon_url")) target = &p.icon_url;
    else if (iequals_ascii(n, "channelname") || iequals_ascii(n, "channel")) target = &p.channel;
    else if (iequals_ascii(n, "type")) target = &p.type;
    else if (iequals_ascii(n, "iconemoji") || iequals_ascii(n, "icon_emoji")) target = &p.icon_emoji;
    // gorilla/schema fails on any other name (props, attachments and priority included: it has
    // no conversion from a form string to them).
    if (target == nullptr) return incoming_error(std::string(kMessage));
    size_t bad = first_invalid_utf8(f.value);
    *target = bad == std::string_view::npos ? std::move(f.value) : replace_invalid_utf8(f.value, bad);
  }
  return p;
}

}  // namespace

std::string escape_control_chars(std::string_view json) {
  std::string out;
  size_t copied = 0;
  for (size_t i = json.find('"'); i != std::string_view::npos && i < json.size();) {
    size_t start = lenient_value_start(json, i);
    size_t end = start == std::string_view::npos ? start : lenient_value_end(json, start);
    if (end == std::string_view::npos) {
      i = json.find('"', i + 1);
      continue;
    }
    if (out.empty()) out.reserve(json.size() + 64);
    out.append(json.substr(copied, start - copied));
    for (size_t k = start; k < end; ++k) {
      if (json[k] == '\n') out += "\\n";
      else if (json[k] == '\t') out += "\\t";
      else out += json[k];
    }
    copied = end;
    i = json.find('"', end + 1);
  }
  if (copied == 0) return std::string(json);
  out.append(json.substr(copied));
  return out;
}

void IncomingPayload::clear() {
  for (std::string* s : {&text, &username, &icon_url, &icon_emoji, &channel, &type, &props_json,
                         &attachments_json, &priority_json}) {
    s->clear();
  }
  has_attachments = false;
}

std::optional<WebhookError> decode_json_payload_into(IncomingPayload& p, std::string_view json) {
  std::string sanitized;
  if (size_t bad = first_invalid_utf8(json); bad != std::string_view::npos) {
    sanitized = replace_invalid_utf8(json, bad);
    json = sanitized;
  }
  p.clear();
  Priority priority;
  bool has_priority = false;
  if (!decode_object(json, p, priority, has_priority)) {
    std::string escaped = escape_control_chars(json);
    p.clear();
    priority = Priority{};
    has_priority = false;
    if (!decode_object(escaped, p, priority, has_priority)) return parse_data_error();
  }
  if (has_priority) {
    if (!priority.priority) {
      return WebhookError{400, "api.context.invalid_param.app_error",
                          "Invalid webhook.priority.priority parameter."};
    }
    p.priority_json = priority_json(priority);
  }
  return std::nullopt;
}

std::optional<WebhookError> decode_payload_into(IncomingPayload& out, std::string_view content_type,
                                                std::string_view query, std::string_view body) {
  if (content_type.empty()) return decode_json_payload_into(out, body);
  auto media = parse_media_type(content_type);
  if (!media) return incoming_error("Could not parse the Content-Type of the incoming webhook.");
  if (iequals_ascii(media->type, "application/x-www-form-urlencoded")) {
    auto payload = form_value(body, query, "payload");
    return decode_json_payload_into(out, payload ? std::string_view(*payload) : std::string_view{});
  }
  if (iequals_ascii(media->type, "multipart/form-data")) {
    auto decoded = decode_multipart(*media, body);
    if (auto* e = std::get_if<WebhookError>(&decoded)) return std::move(*e);
    out = std::move(std::get<IncomingPayload>(decoded));
    return std::nullopt;
  }
  return decode_json_payload_into(out, body);
}

namespace {

std::variant<IncomingPayload, WebhookError> as_variant(IncomingPayload&& p,
                                                       std::optional<WebhookError>&& error) {
  if (error) return std::move(*error);
  return std::move(p);
}

}  // namespace

std::variant<IncomingPayload, WebhookError> decode_json_payload(std::string_view json) {
  IncomingPayload p;
  auto error = decode_json_payload_into(p, json);
  return as_variant(std::move(p), std::move(error));
}

std::variant<IncomingPayload, WebhookError> decode_payload(std::string_view content_type,
                                                           std::string_view query,
                                                           std::string_view body) {
  IncomingPayload p;
  auto error = decode_payload_into(p, content_type, query, body);
  return as_variant(std::move(p), std::move(error));
}

}  // namespace pb::incoming_webhooks
