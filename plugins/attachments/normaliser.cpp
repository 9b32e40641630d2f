#include "plugins/attachments/normaliser.h"

#include <algorithm>
#include <array>
#include <optional>

#include "plugins/attachments/go_format.h"

namespace pb::attachments {
namespace {

using Kind = JsonValue::Kind;

bool iequals_same_size(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Each member key is compared with up to 17 names: the size test, inlined, rejects most of them
// without a call (that call was ~150 per webhook, 2.5% of the loop thread's instructions).
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && iequals_same_size(a.data(), b.data(), a.size());
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The string-typed keys of Mattermost's SlackAttachment, in its struct order. `id` comes before
// them and fields/ts/actions are placed between, see kOrder.
enum StringKey {
  kFallback, kColor, kPretext, kAuthorName, kAuthorLink, kAuthorIcon, kTitle, kTitleLink, kText,
  kImageUrl, kThumbUrl, kFooter, kFooterIcon, kStringKeyCount
};
constexpr std::array<std::string_view, kStringKeyCount> kStringKeyNames{
    "fallback", "color", "pretext", "author_name", "author_link", "author_icon", "title",
    "title_link", "text", "image_url", "thumb_url", "footer", "footer_icon"};

// The string keys by length (no name is longer than 11, no length has more than 4 names), so
// that a member key is compared with the names of its own length only.
constexpr size_t kMaxKeyLength = 11, kMaxKeysPerLength = 4;
struct StringKeysByLength {
  std::array<std::array<unsigned char, kMaxKeysPerLength>, kMaxKeyLength + 1> keys{};
  std::array<unsigned char, kMaxKeyLength + 1> count{};
};
constexpr StringKeysByLength kStringKeysByLength = [] {
  StringKeysByLength table;
  for (size_t k = 0; k < kStringKeyCount; ++k) {
    size_t n = kStringKeyNames[k].size();
    table.keys[n][table.count[n]++] = static_cast<unsigned char>(k);
  }
  return table;
}();
static_assert(std::ranges::all_of(kStringKeyNames,
                                  [](auto name) { return name.size() <= kMaxKeyLength; }));

// Which string key `key` names, matched as Go's decoder matches struct fields (ASCII letters in
// any case), or kStringKeyCount.
size_t string_key_of(std::string_view key) {
  if (key.size() > kMaxKeyLength) return kStringKeyCount;
  const size_t n = key.size();
  for (size_t i = 0; i < kStringKeysByLength.count[n]; ++i) {
    size_t k = kStringKeysByLength.keys[n][i];
    if (iequals_same_size(key.data(), kStringKeyNames[k].data(), n)) return k;
  }
  return kStringKeyCount;
}

// Text is borrowed from the parsed tree and copied only when it changes (markup converted, a
// non-string value formatted): most of an attachment is written out as it came in.
struct Field {
  std::string_view title;
  std::string_view title_raw;  // the title's source literal (see append_string_value)
  bool has_value = false;     // false: JSON null
  std::string_view borrowed;  // the value, when it is a JSON string left as it is
  std::string_view borrowed_raw;  // its source literal
  std::string owned;          // the value otherwise (%v of it, or its converted text)
  bool is_owned = false;
  bool is_short = false;

  std::string_view value() const { return is_owned ? std::string_view(owned) : borrowed; }
};

// One attachment as Go's struct holds it (absent and null string keys are "").
struct Attachment {
  std::string_view id;  // raw integer text, "" when absent
  std::array<std::string_view, kStringKeyCount> strings;  // borrowed, or views of `converted`
  std::array<std::string_view, kStringKeyCount> raw;      // the source literals of `strings`
  std::array<std::string, kStringKeyCount> converted;     // the texts markup conversion changed
  bool has_fields = false;
  std::vector<Field> fields;
  const JsonValue* ts = nullptr;       // any non-null JSON value, passed through
  std::string_view actions;            // raw array text, "" when absent/null
};

struct Failure {
  std::string why;
};

// Go's SlackCompatibleBool: true/false or "true"/"false" in any letter case, nothing else.
std::optional<bool> slack_bool(const JsonValue& v) {
  std::string l = lower(v.raw);
  if (l == "true" || l == "\"true\"") return true;
  if (l == "false" || l == "\"false\"") return false;
  return std::nullopt;
}

// An int64 literal as Go's decoder accepts it for an int64 field: no fraction, no exponent.
bool is_int64_literal(std::string_view raw) {
  if (raw.find_first_of(".eE") != std::string_view::npos) return false;
  std::string_view digits = raw;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  constexpr std::string_view kMax = "9223372036854775807";
  constexpr std::string_view kMin = "9223372036854775808";
  std::string_view limit = negative ? kMin : kMax;
  return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
}

std::optional<Failure> decode_field(const JsonValue& v, Field& out) {
  if (v.kind != Kind::Object) return Failure{"an attachment field is not an object"};
  const JsonValue* title = nullptr;
  const JsonValue* value = nullptr;
  bool has_value = false;
  for (const auto& m : v.members) {
    if (iequals(m.key, "title")) {
      if (m.value.kind != Kind::String && m.value.kind != Kind::Null)
        return Failure{"a field title is not a string"};
      if (m.value.kind == Kind::String) title = &m.value;
    } else if (iequals(m.key, "value")) {
      value = &m.value;  // any type; a later null overwrites (Go sets interface{} to nil)
      has_value = true;
    } else if (iequals(m.key, "short")) {
      auto b = slack_bool(m.value);
      if (!b) return Failure{"field short is not true/false or \"true\"/\"false\""};
      out.is_short = *b;
    }
  }
  if (title != nullptr) {
    out.title = title->text;
    out.title_raw = title->raw;
  }
  if (has_value && value->kind != Kind::Null) {
    out.has_value = true;
    if (value->kind == Kind::String) {
      out.borrowed = value->text;  // %v of a string is the string
      out.borrowed_raw = value->raw;
    } else {
      if (!append_go_value(out.owned, *value))
        return Failure{"a field value has a number out of range"};
      out.is_owned = true;
    }
  }
  return std::nullopt;
}

std::optional<Failure> decode_attachment(const JsonValue& v, Attachment& out) {
  if (v.kind != Kind::Object) return Failure{"an attachment is not an object"};
  for (const auto& m : v.members) {
    const JsonValue& value = m.value;
    if (size_t k = string_key_of(m.key); k != kStringKeyCount) {
      if (value.kind == Kind::String) {
        out.strings[k] = value.text;
        out.raw[k] = value.raw;
      } else if (value.kind != Kind::Null) {  // null leaves a Go string as it was
        return Failure{"attachment " + std::string(kStringKeyNames[k]) + " is not a string"};
      }
      continue;
    }
    if (iequals(m.key, "id")) {
      if (value.kind == Kind::Number) {
        if (!is_int64_literal(value.raw)) return Failure{"attachment id is not an int64"};
        out.id = value.raw;
      } else if (value.kind != Kind::Null) {
        return Failure{"attachment id is not a number"};
      }
    } else if (iequals(m.key, "fields")) {
      if (value.kind == Kind::Null) {
        out.has_fields = false;
        out.fields.clear();
        continue;
      }
      if (value.kind != Kind::Array) return Failure{"attachment fields is not an array"};
      out.has_fields = true;
      out.fields.clear();
      out.fields.reserve(value.items.size());
      for (const auto& f : value.items) {
        if (f.kind == Kind::Null) continue;  // null fields are dropped
        Field field;
        if (auto fail = decode_field(f, field)) return fail;
        out.fields.push_back(std::move(field));
      }
    } else if (iequals(m.key, "ts")) {
      out.ts = value.kind == Kind::Null ? nullptr : &value;
    } else if (iequals(m.key, "actions")) {
      if (value.kind == Kind::Array) {
        out.actions = value.items.empty() ? std::string_view{} : value.raw;
      } else if (value.kind == Kind::Null) {
        out.actions = {};
      } else {
        return Failure{"attachment actions is not an array"};
      }
    }
    // Unknown keys (mrkdwn_in, callback_id, ...) are dropped, as Go's struct drops them.
  }
  return std::nullopt;
}

// Announcements, mentions and links all start with '<': text without one stays as it is.
bool has_markup(std::string_view text) { return text.find('<') != std::string_view::npos; }

void convert_text(Attachment& a, const UsernameLookup& lookup) {
  for (StringKey k : {kPretext, kText}) {
    if (!has_markup(a.strings[k])) continue;
    a.converted[k] = convert_slack_text(a.strings[k], lookup, LinkPattern::kLoose);
    a.strings[k] = a.converted[k];
  }
  if (has_markup(a.strings[kTitle])) {
    a.converted[kTitle] = process_slack_text(a.strings[kTitle], lookup);
    a.strings[kTitle] = a.converted[kTitle];
  }
  for (Field& f : a.fields) {
    if (!f.has_value || !has_markup(f.value())) continue;
    f.owned = convert_slack_text(f.value(), lookup, LinkPattern::kLoose);
    f.is_owned = true;
  }
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool is_http_url(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (starts_with_icase(url, scheme)) {
      std::string_view rest = url.substr(scheme.size());
      return !rest.empty() && rest.front() != '/' && std::ranges::none_of(rest, [](char c) {
               return c == ' ' || c == '\t' || c == '\r' || c == '\n';
             });
    }
  }
  return false;
}

void collect_warnings(const Attachment& a, size_t index, std::vector<std::string>& out) {
  auto warn = [&](std::string what) {
    out.push_back("attachment " + std::to_string(index) + ": " + what +
                  " (Mattermost logs this; a future version may refuse it)");
  };
  const auto& s = a.strings;
  if (!s[kColor].empty() && !is_valid_attachment_color(s[kColor]))
    warn("color '" + std::string(s[kColor]) + "' is not good, warning, danger or #RRGGBB");
  if (!s[kAuthorLink].empty()) {
    if (s[kAuthorName].empty()) warn("author_link is set without author_name");
    if (!is_http_url(s[kAuthorLink])) warn("author_link is not an http(s) URL");
  }
  if (!s[kTitleLink].empty()) {
    if (s[kTitle].empty()) warn("title_link is set without title");
    if (!is_http_url(s[kTitleLink])) warn("title_link is not an http(s) URL");
  }
  for (StringKey k : {kAuthorIcon, kImageUrl, kThumbUrl, kFooterIcon}) {
    if (!s[k].empty() && !is_http_url(s[k]))
      warn(std::string(kStringKeyNames[k]) + " is not an http(s) URL");
  }
  if (a.ts != nullptr && a.ts->kind != Kind::String &&
      !(a.ts->kind == Kind::Number && is_int64_literal(a.ts->raw)))
    warn("ts is neither a string nor an integer");
}

// Appends `text` as a JSON string literal. `raw` is the literal it was read from, if any: when
// `text` is that literal's content as it stands (read without an escape: the parser borrowed it),
// the literal is what the escaper would write, and it is copied instead of scanned again.
void append_string_value(std::string& out, std::string_view text, std::string_view raw) {
  if (raw.size() == text.size() + 2 && raw.data() + 1 == text.data()) {
    out += raw;
  } else {
    append_json_string(out, text);
  }
}

// Writes `a` in Go's struct order. Empty strings are left out (Go writes "" for them; the
// readers treat absent and "" alike and props are size-limited).
void write_attachment(std::string& out, const Attachment& a) {
  bool first = true;
  auto key = [&](std::string_view name) {  // names are plain ASCII: nothing to escape
    out += first ? "{\"" : ",\"";
    first = false;
    out += name;
    out += "\":";
  };
  if (!a.id.empty()) {
    key("id");
    out += a.id;
  }
  auto strings = [&](StringKey from, StringKey to) {
    for (int k = from; k <= to; ++k) {
      if (a.strings[k].empty()) continue;
      key(kStringKeyNames[k]);
      append_string_value(out, a.strings[k], a.raw[k]);
    }
  };
  strings(kFallback, kText);
  if (a.has_fields) {
    key("fields");
    out += '[';
    for (size_t i = 0; i < a.fields.size(); ++i) {
      const Field& f = a.fields[i];
      if (i > 0) out += ',';
      out += "{\"title\":";
      append_string_value(out, f.title, f.title_raw);
      out += ",\"value\":";
      if (f.has_value) {
        append_string_value(out, f.value(), f.is_owned ? std::string_view{} : f.borrowed_raw);
      } else {
        out += "null";
      }
      out += f.is_short ? ",\"short\":true}" : ",\"short\":false}";
    }
    out += ']';
  }
  strings(kImageUrl, kFooterIcon);
  if (a.ts != nullptr) {
    key("ts");
    out += a.ts->raw;
  }
  if (!a.actions.empty()) {
    key("actions");
    out += a.actions;
  }
  out += first ? "{}" : "}";
}

}  // namespace

bool is_valid_attachment_color(std::string_view color) {
  if (color == "good" || color == "warning" || color == "danger") return true;
  if (color.size() != 7 || color[0] != '#') return false;
  for (char c : color.substr(1)) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

namespace {

// Appends the normalised form of `list` (an array) to `out`: the work of normalise_attachments,
// written where the caller wants it (process_parsed_props writes it inside the props it builds).
// Fills the outcome's ok, error, count and warnings; on failure `out` holds a partial array.
void normalise_into(std::string& out, const JsonValue& list, const UsernameLookup& lookup,
                    AttachmentsOutcome& result) {
  out += '[';
  for (const auto& item : list.items) {
    if (item.kind == Kind::Null) continue;  // null attachments are dropped
    Attachment a;
    if (auto fail = decode_attachment(item, a)) {
      result.ok = false;
      result.error = std::move(fail->why);
      return;
    }
    convert_text(a, lookup);
    collect_warnings(a, result.count, result.warnings);
    if (result.count > 0) out += ',';
    write_attachment(out, a);
    ++result.count;
  }
  out += ']';
}

constexpr std::string_view kNotAnArray = "attachments is not an array";

}  // namespace

AttachmentsOutcome normalise_attachments(const JsonValue& list, const UsernameLookup& lookup) {
  AttachmentsOutcome result;
  if (list.kind != Kind::Array) {
    result.ok = false;
    result.error = kNotAnArray;
    return result;
  }
  std::string out;
  out.reserve(list.raw.size() + 64);  // normalising rarely grows an attachment by much
  normalise_into(out, list, lookup, result);
  if (result.ok) result.json = std::move(out);
  return result;
}

namespace {

// `verbatim` is what props become when they hold no attachments: the text as the caller had it.
WebhookPostOutcome process_parsed_props(std::string_view message, const JsonValue& props,
                                        std::string_view verbatim, const UsernameLookup& lookup) {
  WebhookPostOutcome result;
  result.message = convert_message(message, lookup);
  if (props.kind != Kind::Object) {
    result.ok = false;
    result.error = "props is not a JSON object";
    return result;
  }
  // Go decodes props into a map: of duplicate "attachments" keys the last one counts.
  const JsonMember* attachments = nullptr;
  for (const auto& m : props.members) {
    if (m.key == "attachments") attachments = &m;
  }
  if (attachments == nullptr) {
    result.props_json = std::string(verbatim);  // nothing to change
    return result;
  }
  // The other members are copied as they came; the attachments are normalised in their place,
  // straight into the props (null, or nothing left after normalising, drops the key).
  std::string out;
  out.reserve(props.raw.size() + 64);
  out += '{';
  bool first = true;
  for (const auto& m : props.members) {
    if (m.key == "attachments") {
      if (&m != attachments || m.value.kind == Kind::Null) continue;
      if (m.value.kind != Kind::Array) {
        result.ok = false;
        result.error = kNotAnArray;
        return result;
      }
      const size_t before = out.size();
      if (!first) out += ',';
      out += "\"attachments\":";
      AttachmentsOutcome outcome;
      normalise_into(out, m.value, lookup, outcome);
      if (!outcome.ok) {
        result.ok = false;
        result.error = std::move(outcome.error);
        return result;
      }
      result.warnings = std::move(outcome.warnings);
      if (outcome.count == 0) {
        out.resize(before);
        continue;
      }
      result.has_attachments = true;
      first = false;
      continue;
    }
    if (!first) out += ',';
    first = false;
    out += m.raw_key;
    out += ':';
    out += m.value.raw;
  }
  out += '}';
  result.props_json = std::move(out);
  return result;
}

}  // namespace

WebhookPostOutcome process_webhook_post(std::string_view message, std::string_view props_json,
                                        const UsernameLookup& lookup) {
  if (props_json.empty()) props_json = "{}";
  std::string parse_error;
  auto props = parse_json(props_json, &parse_error);
  if (!props || props->kind != Kind::Object) {
    WebhookPostOutcome result;
    result.message = convert_message(message, lookup);
    result.ok = false;
    result.error = props ? "props is not a JSON object" : "props: " + parse_error;
    return result;
  }
  return process_parsed_props(message, *props, props_json, lookup);
}

WebhookPostOutcome process_webhook_post(std::string_view message, const JsonValue& props,
                                        const UsernameLookup& lookup) {
  return process_parsed_props(message, props, props.raw, lookup);
}

std::string convert_message(std::string_view message, const UsernameLookup& lookup) {
  if (!has_markup(message)) return std::string(message);
  return convert_slack_text(message, lookup, LinkPattern::kStrict);
}

}  // namespace pb::attachments
