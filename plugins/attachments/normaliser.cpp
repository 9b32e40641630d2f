#include "plugins/attachments/normaliser.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "plugins/attachments/go_format.h"

namespace pb::attachments {
namespace {

using Kind = JsonValue::Kind;

// A name of up to 16 characters packed into two words, zero-padded, each word holding its eight
// bytes as a load from memory would (the machine's byte order): two names of the same length are
// equal exactly when their words are (three compares, no call).
struct PackedName {
  std::array<uint64_t, 2> words{};
  size_t size = 0;
  bool operator==(const PackedName&) const = default;
};

constexpr size_t kMaxPackedSize = 16;

// Compile time only: every name is packed where it is written, not on each key compared.
consteval PackedName packed(std::string_view name) {
  PackedName out;
  out.size = name.size();
  for (size_t i = 0; i < name.size(); ++i) {
    const size_t byte = std::endian::native == std::endian::little ? i % 8 : 7 - i % 8;
    out.words[i / 8] |= uint64_t{static_cast<unsigned char>(name[i])} << (8 * byte);
  }
  return out;
}

// Each byte of `word` with an ASCII capital letter in it lowercased, the others as they were
// (eight at a time: a key's bytes were a tenth of the plugin's work when lowered one by one).
// Seven-bit arithmetic keeps each byte's sum inside the byte; bytes >= 0x80 are excluded.
constexpr uint64_t lowered_ascii(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x80 * kOnes;
  const uint64_t low7 = word & ~kHigh;
  const uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;        // high bit: byte >= 'A'
  const uint64_t past_z = low7 + (0x80 - 'Z' - 1) * kOnes;        // high bit: byte > 'Z'
  const uint64_t capital = at_least_a & ~past_z & ~word & kHigh;  // high bit: 'A'..'Z'
  return word | (capital >> 2);                                   // 0x80 >> 2 is 'a' - 'A'
}
static_assert(lowered_ascii(0x5A41405B7A61C1DA) == 0x7A61405B7A61C1DA);

// A member key with its ASCII letters lowercased, matched against the struct's field names as
// Go's decoder matches them (ASCII letters in any case): lowered and packed once, then compared
// exactly with each name (comparing case-insensitively name by name was a tenth of the plugin's
// work). A key longer than every name matches none.
class LoweredKey {
 public:
  explicit LoweredKey(std::string_view key) : fits_(key.size() <= kMaxPackedSize) {
    if (!fits_) return;
    packed_.size = key.size();
    char bytes[kMaxPackedSize] = {};
    std::memcpy(bytes, key.data(), key.size());
    for (size_t w = 0; w < 2; ++w) {
      uint64_t word;
      std::memcpy(&word, bytes + 8 * w, sizeof word);
      packed_.words[w] = lowered_ascii(word);
    }
  }
  bool fits() const { return fits_; }
  size_t size() const { return packed_.size; }
  // `name` from packed() of a lowercase name.
  bool is(const PackedName& name) const { return fits_ && packed_ == name; }

 private:
  PackedName packed_;
  bool fits_;
};

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
consteval std::array<PackedName, kStringKeyCount> packed_string_key_names() {
  std::array<PackedName, kStringKeyCount> out;
  for (size_t k = 0; k < kStringKeyCount; ++k) out[k] = packed(kStringKeyNames[k]);
  return out;
}
constexpr auto kPackedStringKeyNames = packed_string_key_names();

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
static_assert(kMaxKeyLength <= kMaxPackedSize);
static_assert(std::ranges::all_of(kStringKeyNames,
                                  [](auto name) { return name.size() <= kMaxKeyLength; }));

// Which string key `key` names, or kStringKeyCount.
size_t string_key_of(const LoweredKey& key) {
  if (!key.fits() || key.size() > kMaxKeyLength) return kStringKeyCount;
  const size_t n = key.size();
  for (size_t i = 0; i < kStringKeysByLength.count[n]; ++i) {
    const size_t name = kStringKeysByLength.keys[n][i];
    if (key.is(kPackedStringKeyNames[name])) return name;
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
  std::string_view ts;  // any non-null JSON value's text, passed through
  Kind ts_kind = Kind::Null;
  std::string_view actions;            // raw array text, "" when absent/null
};

// Go's SlackCompatibleBool: true/false or "true"/"false" in any letter case, nothing else.
std::optional<bool> slack_bool(std::string_view raw) {
  std::string l = lower(raw);
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

// Reads attachments off a JsonReader, as Go's decoder fills its structs: the reader checks the
// JSON as it goes (its error() is a syntax error), these check the types Go's structs expect (a
// wrong one sets `why` and stops the read with the reader's error() empty).
struct Decoder {
  JsonReader& in;
  std::string why;

  bool fail(std::string reason) {
    why = std::move(reason);
    return false;
  }
  bool skip(int depth) {
    std::string_view ignored;
    return in.skip(ignored, depth);
  }
};

bool is_empty_array(std::string_view raw) {  // "[", white space, "]"
  return raw.find_first_not_of(" \t\n\r", 1) == raw.size() - 1;
}

bool read_field(Decoder& d, int depth, Field& out) {
  JsonReader& in = d.in;
  if (in.peek_kind() != Kind::Object) return d.fail("an attachment field is not an object");
  // `value` is any type and a later one replaces an earlier one (a null included: Go sets the
  // interface{} to nil), so a non-string one is formatted once the object is read.
  bool has_value = false;
  Kind value_kind = Kind::Null;
  std::string_view value_text, value_raw;
  JsonValue value_tree;
  bool ok = in.object(depth, [&](std::string_view name, std::string_view, int value_depth) {
    const LoweredKey key(name);
    if (key.is(packed("title"))) {
      Kind kind = in.peek_kind();
      if (kind == Kind::String) return in.string(out.title, out.title_raw);
      if (kind == Kind::Null) return in.null();  // null leaves a Go string as it was
      return d.fail("a field title is not a string");
    }
    if (key.is(packed("value"))) {
      has_value = true;
      value_kind = in.peek_kind();
      if (value_kind == Kind::String) return in.string(value_text, value_raw);
      if (value_kind == Kind::Null) return in.null();
      return in.value(value_tree, value_depth);
    }
    if (key.is(packed("short"))) {
      std::string_view raw;
      if (!in.skip(raw, value_depth)) return false;
      auto b = slack_bool(raw);
      if (!b) return d.fail("field short is not true/false or \"true\"/\"false\"");
      out.is_short = *b;
      return true;
    }
    return d.skip(value_depth);
  });
  if (!ok) return false;
  if (has_value && value_kind != Kind::Null) {
    out.has_value = true;
    if (value_kind == Kind::String) {
      out.borrowed = value_text;  // %v of a string is the string
      out.borrowed_raw = value_raw;
    } else {
      if (!append_go_value(out.owned, value_tree))
        return d.fail("a field value has a number out of range");
      out.is_owned = true;
    }
  }
  return true;
}

bool read_attachment(Decoder& d, int depth, Attachment& out) {
  JsonReader& in = d.in;
  if (in.peek_kind() != Kind::Object) return d.fail("an attachment is not an object");
  return in.object(depth, [&](std::string_view name, std::string_view, int value_depth) {
    const LoweredKey key(name);
    const Kind kind = in.peek_kind();
    if (size_t k = string_key_of(key); k != kStringKeyCount) {
      if (kind == Kind::String) return in.string(out.strings[k], out.raw[k]);
      if (kind == Kind::Null) return in.null();  // null leaves a Go string as it was
      return d.fail("attachment " + std::string(kStringKeyNames[k]) + " is not a string");
    }
    if (key.is(packed("id"))) {
      if (kind == Kind::Null) return in.null();
      if (kind != Kind::Number) return d.fail("attachment id is not a number");
      std::string_view raw;
      if (!in.skip(raw, value_depth)) return false;
      if (!is_int64_literal(raw)) return d.fail("attachment id is not an int64");
      out.id = raw;
      return true;
    }
    if (key.is(packed("fields"))) {
      out.fields.clear();
      if (kind == Kind::Null) {
        out.has_fields = false;
        return in.null();
      }
      if (kind != Kind::Array) return d.fail("attachment fields is not an array");
      out.has_fields = true;
      return in.array(value_depth, [&](int field_depth) {
        if (in.peek_kind() == Kind::Null) return in.null();  // null fields are dropped
        Field field;
        if (!read_field(d, field_depth, field)) return false;
        if (out.fields.capacity() == 0) out.fields.reserve(4);
        out.fields.push_back(std::move(field));
        return true;
      });
    }
    if (key.is(packed("ts"))) {
      std::string_view raw;
      if (!in.skip(raw, value_depth)) return false;
      out.ts_kind = kind;
      out.ts = kind == Kind::Null ? std::string_view{} : raw;
      return true;
    }
    if (key.is(packed("actions"))) {
      if (kind == Kind::Null) {
        out.actions = {};
        return in.null();
      }
      if (kind != Kind::Array) return d.fail("attachment actions is not an array");
      std::string_view raw;
      if (!in.skip(raw, value_depth)) return false;
      out.actions = is_empty_array(raw) ? std::string_view{} : raw;
      return true;
    }
    // Unknown keys (mrkdwn_in, callback_id, ...) are dropped, as Go's struct drops them.
    return d.skip(value_depth);
  });
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

// "http://" or "https://" (the scheme in any letter case), then a host that does not start with
// '/', and no white space anywhere (what Mattermost's attachment check calls a valid URL).
bool is_http_url(std::string_view url) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (url.size() < 7 || lower(url[0]) != 'h' || lower(url[1]) != 't' || lower(url[2]) != 't' ||
      lower(url[3]) != 'p')
    return false;
  size_t at = lower(url[4]) == 's' ? 5 : 4;
  if (url.substr(at, 3) != "://") return false;
  std::string_view rest = url.substr(at + 3);
  if (rest.empty() || rest.front() == '/') return false;
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
      return false;
  }
  return true;
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
  if (!a.ts.empty() && a.ts_kind != Kind::String &&
      !(a.ts_kind == Kind::Number && is_int64_literal(a.ts)))
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

// `,"name":`, the text that puts a member named `name` (plain ASCII) after another: one append
// per member instead of three.
struct MemberPrefix {
  std::array<char, kMaxKeyLength + 4> text{};
  size_t size = 0;
  std::string_view view() const { return {text.data(), size}; }
};

consteval MemberPrefix member_prefix(std::string_view name) {
  MemberPrefix out;
  out.text[out.size++] = ',';
  out.text[out.size++] = '"';
  for (char c : name) out.text[out.size++] = c;
  out.text[out.size++] = '"';
  out.text[out.size++] = ':';
  return out;
}

consteval std::array<MemberPrefix, kStringKeyCount> string_key_prefixes() {
  std::array<MemberPrefix, kStringKeyCount> out;
  for (size_t k = 0; k < kStringKeyCount; ++k) out[k] = member_prefix(kStringKeyNames[k]);
  return out;
}
constexpr auto kStringKeyPrefixes = string_key_prefixes();
constexpr MemberPrefix kIdPrefix = member_prefix("id"), kFieldsPrefix = member_prefix("fields"),
                       kTsPrefix = member_prefix("ts"), kActionsPrefix = member_prefix("actions");

// Writes `a` in Go's struct order. Empty strings are left out (Go writes "" for them; the
// readers treat absent and "" alike and props are size-limited). Every member is written after a
// comma, and the first comma becomes the object's opening brace at the end.
void write_attachment(std::string& out, const Attachment& a) {
  const size_t start = out.size();
  if (!a.id.empty()) {
    out += kIdPrefix.view();
    out += a.id;
  }
  auto strings = [&](StringKey from, StringKey to) {
    for (int k = from; k <= to; ++k) {
      if (a.strings[k].empty()) continue;
      out += kStringKeyPrefixes[k].view();
      append_string_value(out, a.strings[k], a.raw[k]);
    }
  };
  strings(kFallback, kText);
  if (a.has_fields) {
    out += kFieldsPrefix.view();
    out += '[';
    for (size_t i = 0; i < a.fields.size(); ++i) {
      const Field& f = a.fields[i];
      out += std::string_view(",{\"title\":").substr(i == 0 ? 1 : 0);
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
  if (!a.ts.empty()) {
    out += kTsPrefix.view();
    out += a.ts;
  }
  if (!a.actions.empty()) {
    out += kActionsPrefix.view();
    out += a.actions;
  }
  if (out.size() == start) {
    out += "{}";
  } else {
    out[start] = '{';
    out += '}';
  }
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

constexpr std::string_view kNotAnArray = "attachments is not an array";

// Appends the normalised form of the array at `in` to `out`: the work of normalise_attachments,
// written where the caller wants it (process_props writes it inside the props it builds). Counts
// and warns into `result`; on failure `out` holds a partial array.
bool normalise_into(std::string& out, Decoder& d, int depth, const UsernameLookup& lookup,
                    AttachmentsOutcome& result) {
  JsonReader& in = d.in;
  out += '[';
  bool ok = in.array(depth, [&](int item_depth) {
    if (in.peek_kind() == Kind::Null) return in.null();  // null attachments are dropped
    Attachment a;
    if (!read_attachment(d, item_depth, a)) return false;
    convert_text(a, lookup);
    collect_warnings(a, result.count, result.warnings);
    if (result.count > 0) out += ',';
    write_attachment(out, a);
    ++result.count;
    return true;
  });
  out += ']';
  return ok;
}

// Where the normalised attachments stand in the props being written: Go decodes props into a
// map, so of duplicate "attachments" keys the last one counts, written where it stands.
struct AttachmentsSlot {
  bool seen = false;
  size_t begin = 0, end = 0;  // in the output, its leading comma included; begin == end: none
  std::optional<std::string> failure;  // why the last one cannot be normalised
  AttachmentsOutcome outcome;
};

// Removes the slot's text from `out` (a later "attachments" key replaces it), and the comma after
// it when it was the first member.
void erase_slot(std::string& out, AttachmentsSlot& slot) {
  if (slot.begin == slot.end) return;
  size_t end = slot.end;
  if (slot.begin == 1 && end < out.size() && out[end] == ',') ++end;
  out.erase(slot.begin, end - slot.begin);
  slot.end = slot.begin;
}

// `props_json` (the caller checked it is not empty) read once: members other than attachments
// are copied as they came, the attachments normalised in their place, straight into the props
// (null, or nothing left after normalising, drops the key). `verbatim` is what props become when
// they hold no attachments: the text as the caller had it.
void process_props(WebhookPostOutcome& result, std::string_view message,
                   std::string_view props_json, std::string_view verbatim,
                   const UsernameLookup& lookup) {
  result.ok = true;
  result.error.clear();
  result.has_attachments = false;
  result.warnings.clear();
  convert_message_into(result.message, message, lookup);
  JsonArena arena;
  JsonReader in(props_json, arena);
  auto fail = [&result](std::string why) {
    result.ok = false;
    result.error = std::move(why);
  };
  if (in.peek_kind() != Kind::Object) {
    std::string_view ignored;
    if (in.skip(ignored, 0) && in.finish()) return fail("props is not a JSON object");
    return fail("props: " + in.error());
  }
  // Written straight into the outcome's props (their capacity kept from an earlier call).
  std::string& out = result.props_json;
  out.clear();
  out.reserve(props_json.size() + 64);
  out += '{';
  AttachmentsSlot slot;
  bool read = in.object(0, [&](std::string_view key, std::string_view raw_key, int depth) {
    if (key == "attachments") {
      erase_slot(out, slot);
      slot = AttachmentsSlot{};
      slot.seen = true;
      slot.begin = slot.end = out.size();
      const size_t value_at = in.pos();
      const Kind kind = in.peek_kind();
      if (kind == Kind::Null) return in.null();
      Decoder d{in, {}};
      if (kind != Kind::Array) {
        slot.failure = kNotAnArray;
        return d.skip(depth);
      }
      if (out.size() > 1) out += ',';
      out += "\"attachments\":";
      if (normalise_into(out, d, depth, lookup, slot.outcome)) {
        if (slot.outcome.count == 0) out.resize(slot.begin);
        slot.end = out.size();
        return true;
      }
      out.resize(slot.begin);
      if (!in.error().empty()) return false;
      // Not what Go's structs take; it stands unless a later "attachments" key replaces it, and
      // the rest of the props must still be valid JSON.
      slot.failure = std::move(d.why);
      in.seek(value_at);
      return d.skip(depth);
    }
    std::string_view raw;
    if (!in.skip(raw, depth)) return false;
    if (out.size() > 1) out += ',';
    out += raw_key;
    out += ':';
    out += raw;
    return true;
  });
  if (!read || !in.finish()) return fail("props: " + in.error());
  if (!slot.seen) {
    out.assign(verbatim);  // nothing to change
    return;
  }
  if (slot.failure) return fail(std::move(*slot.failure));
  result.warnings = std::move(slot.outcome.warnings);
  result.has_attachments = slot.begin != slot.end;
  out += '}';
}

}  // namespace

AttachmentsOutcome normalise_attachments(const JsonValue& list, const UsernameLookup& lookup) {
  AttachmentsOutcome result;
  if (list.kind != Kind::Array) {
    result.ok = false;
    result.error = kNotAnArray;
    return result;
  }
  JsonArena arena;
  JsonReader in(list.raw, arena);
  Decoder d{in, {}};
  std::string out;
  out.reserve(list.raw.size() + 64);  // normalising rarely grows an attachment by much
  if (!normalise_into(out, d, 0, lookup, result)) {
    result.ok = false;
    result.error = in.error().empty() ? std::move(d.why) : in.error();
    return result;
  }
  result.json = std::move(out);
  return result;
}

void process_webhook_post_into(WebhookPostOutcome& out, std::string_view message,
                               std::string_view props_json, const UsernameLookup& lookup) {
  if (props_json.empty()) props_json = "{}";
  process_props(out, message, props_json, props_json, lookup);
}

WebhookPostOutcome process_webhook_post(std::string_view message, std::string_view props_json,
                                        const UsernameLookup& lookup) {
  WebhookPostOutcome result;
  process_webhook_post_into(result, message, props_json, lookup);
  return result;
}

WebhookPostOutcome process_webhook_post(std::string_view message, const JsonValue& props,
                                        const UsernameLookup& lookup) {
  WebhookPostOutcome result;
  if (props.kind != Kind::Object) {
    result.message = convert_message(message, lookup);
    result.ok = false;
    result.error = "props is not a JSON object";
    return result;
  }
  process_props(result, message, props.raw, props.raw, lookup);
  return result;
}

void convert_message_into(std::string& out, std::string_view message,
                          const UsernameLookup& lookup) {
  if (!has_markup(message)) {
    out.assign(message);
  } else {
    convert_slack_text_into(out, message, lookup, LinkPattern::kStrict);
  }
}

std::string convert_message(std::string_view message, const UsernameLookup& lookup) {
  std::string out;
  convert_message_into(out, message, lookup);
  return out;
}

}  // namespace pb::attachments
