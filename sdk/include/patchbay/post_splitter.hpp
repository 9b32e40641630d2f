// Mattermost's SplitWebhookPost (wire spec §2.7): a webhook post too long for one post becomes
// several. Mattermost's CreateWebhookPost runs it for incoming-webhook posts and for the replies
// of outgoing webhooks alike; in patchbay the incoming_webhooks plugin (after
// attachments.process) and the outgoing_webhooks plugin (on a callback's answer) call it.
//
// Lengths are counted as Mattermost counts them: the message in runes (UTF-8 code points; an
// invalid byte is one rune, as Go's range loop), the props as the runes of Go's json.Marshal of
// them: HTML-safe escaping (<, >, & and U+2028/U+2029 take six), and every attachment with all
// of SlackAttachment's keys written (empty ones too), which is what makes §10 case 30 split where
// it does. Each attachment is measured as the larger of that and its own text, so what is stored
// (compact) never exceeds the measure. Numbers in other props count as written.
//
// Header-only (JSON through patchbay/json_scan.hpp). Pure functions, any thread, never throw
// (std::bad_alloc aside). The result owns its strings.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <patchbay/json_scan.hpp>

namespace pb::sdk {

struct SplitPost {
  std::string message;
  std::string props_json;
};

// Why a post could not be split (Mattermost answers it with HTTP 400).
struct SplitError {
  std::string id;
  std::string message;
};

struct SplitLimits {
  size_t max_message_runes = 16383;
  size_t max_props_runes = 7600;
};

// Input: the processed message, the processed props JSON object ("" counts as {}; may contain
// "attachments", an array of attachment objects as attachments.process writes them), the
// limits. Output, in order: the message cut into chunks of exactly max_message_runes (the last
// holds the rest; never inside a code point), each with the props but `attachments`; the
// attachments appended to the last post while its props fit, a new empty-text post started when
// the next one does not fit and the post already has some, an attachment that alone does not fit
// with its `text` truncated by runes. When nothing is over the limits: one post, the input as is.
// Errors (SplitError; Mattermost's HTTP 400 web.incoming_webhook.split_props_length.app_error):
// the props without attachments over the limit; an attachment that does not fit even with an
// empty text; props that are not a JSON object, or attachments that are not an array of objects.
inline std::variant<std::vector<SplitPost>, SplitError> split_webhook_post(
    std::string_view message, std::string_view props_json, SplitLimits limits = {});

// The same over a post the caller gives up: when nothing is over the limits (the usual webhook)
// it becomes the one part as is, its strings moved rather than copied.
inline std::variant<std::vector<SplitPost>, SplitError> split_webhook_post(SplitPost whole,
                                                                           SplitLimits limits = {});

// The same into `parts` (replaced; when the post fits whole, the one part's strings keep their
// capacity, so a caller that splits into the same vector post after post stops allocating for
// the usual webhook). nullopt on success. `message` and `props_json` must not point into `parts`.
inline std::optional<SplitError> split_webhook_post_into(std::vector<SplitPost>& parts,
                                                         std::string_view message,
                                                         std::string_view props_json,
                                                         SplitLimits limits = {});

// The runes Go's json.Marshal spends on the characters of `text` inside a string literal
// (quotes excluded).
inline size_t go_json_string_runes(std::string_view text);

// Runes of UTF-8 text, each invalid byte counting as one (Go's utf8.RuneCountInString).
inline size_t count_runes(std::string_view text);

// What the functions above are built from; not part of the interface.
namespace post_split_detail {

inline bool ascii_iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
  return std::ranges::equal(a, b, {}, lower, lower);
}

// Go's json.Marshal of an empty model.SlackAttachment and model.SlackAttachmentField: every key
// is written (only `actions` has omitempty). A real attachment is measured as this plus what
// its values add.
inline constexpr std::string_view kGoEmptyAttachment =
    R"({"id":0,"fallback":"","color":"","pretext":"","author_name":"","author_link":"",)"
    R"("author_icon":"","title":"","title_link":"","text":"","fields":null,"image_url":"",)"
    R"("thumb_url":"","footer":"","footer_icon":"","ts":null})";
inline constexpr std::string_view kGoEmptyField = R"({"title":"","value":null,"short":false})";
inline constexpr std::string_view kGoActionsKey = R"(,"actions":)";
inline constexpr std::string_view kAttachmentsKey = R"("attachments":)";

inline constexpr std::string_view kStringKeys[] = {
    "fallback", "color", "pretext", "author_name", "author_link", "author_icon", "title",
    "title_link", "text", "image_url", "thumb_url", "footer", "footer_icon"};

inline SplitError split_error(size_t max_props) {
  return {"web.incoming_webhook.split_props_length.app_error",
          "Unable to split webhook props into " + std::to_string(max_props) + " character parts."};
}

// Length of the valid UTF-8 sequence at s[i], 0 when invalid (lead byte and continuation bytes
// only: the counting here needs no more).
inline size_t sequence_length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
           : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

inline bool is_line_separator(std::string_view s, size_t i, size_t n) {
  return n == 3 && static_cast<unsigned char>(s[i]) == 0xE2 &&
         static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9);
}

// Runes of JSON text as written, plus what Go's HTML-safe escaping adds (<, >, & and
// U+2028/U+2029 become six-rune escapes). Never less than the text's own rune count.
inline size_t json_text_weight(std::string_view json) {
  size_t runes = 0;
  for (size_t i = 0; i < json.size();) {
    char c = json[i];
    if (static_cast<unsigned char>(c) < 0x80) {  // the common case, kept branch-light
      runes += (c == '<' || c == '>' || c == '&') ? 6 : 1;
      ++i;
      continue;
    }
    size_t n = sequence_length(json, i);
    if (n == 0) n = 1;
    runes += (c == '<' || c == '>' || c == '&' || is_line_separator(json, i, n)) ? 6 : 1;
    i += n;
  }
  return runes;
}

// The byte offset after `runes` code points of `s` (Go's range loop: an invalid byte is one).
inline size_t offset_after_runes(std::string_view s, size_t runes) {
  size_t i = 0;
  for (size_t r = 0; r < runes && i < s.size(); ++r) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = sequence_length(s, i);
    i += n == 0 ? 1 : n;
  }
  return i;
}

inline bool is_string_key(std::string_view key) {
  return std::any_of(std::begin(kStringKeys), std::end(kStringKeys),
                     [&](std::string_view k) { return k == key; });
}

// Go's length of one SlackAttachmentField value (an element of `fields`).
inline bool go_field_runes(std::string_view raw, size_t& runes) {
  if (raw == "null") {
    runes += 4;
    return true;
  }
  std::vector<JsonMemberView> members;
  if (!split_json_object(raw, members)) return false;
  size_t go = kGoEmptyField.size();
  std::string text;
  for (const auto& m : members) {
    if (ascii_iequals(m.key, "title") && m.raw_value.front() == '"') {
      if (!decode_json_string(m.raw_value, text)) return false;
      go += go_json_string_runes(text);
    } else if (ascii_iequals(m.key, "value") && m.raw_value != "null") {
      if (m.raw_value.front() == '"') {
        if (!decode_json_string(m.raw_value, text)) return false;
        go = go + go_json_string_runes(text) + 2 - 4;
      } else {
        go = go + json_text_weight(m.raw_value) - 4;
      }
    } else if (ascii_iequals(m.key, "short") && m.raw_value == "true") {
      go -= 1;
    }
  }
  runes += go;
  return true;
}

struct Attachment {
  std::string json;  // as it will be stored
  size_t measure = 0;
  std::string text;  // the decoded `text`, for truncation
};

// Measures `a.json` (see the header) and extracts its text. False when it is not an object.
inline bool measure_attachment(Attachment& a) {
  std::vector<JsonMemberView> members;
  if (!split_json_object(a.json, members)) return false;
  size_t go = kGoEmptyAttachment.size();
  std::string decoded;
  a.text.clear();
  for (const auto& m : members) {
    std::string_view v = m.raw_value;
    if (m.key == "id" && v != "null") {
      go = go + v.size() - 1;
    } else if (is_string_key(m.key) && v.front() == '"') {
      if (!decode_json_string(v, decoded)) return false;
      go += go_json_string_runes(decoded);
      if (m.key == "text") a.text = decoded;
    } else if (m.key == "fields" && v != "null") {
      std::vector<std::string_view> fields;
      if (!split_json_array(v, fields)) return false;
      go = go - 4 + 2 + (fields.empty() ? 0 : fields.size() - 1);
      for (std::string_view f : fields) {
        if (!go_field_runes(f, go)) return false;
      }
    } else if (m.key == "ts" && v != "null") {
      go = go - 4 + json_text_weight(v);
    } else if (m.key == "actions" && v != "null") {
      go += kGoActionsKey.size() + json_text_weight(v);
    }
  }
  a.measure = std::max(go, json_text_weight(a.json));
  return true;
}

// Rewrites the attachment with `text` cut to its first `keep` runes.
inline bool truncate_text(Attachment& a, size_t keep) {
  std::vector<JsonMemberView> members;
  if (!split_json_object(a.json, members)) return false;
  std::string text = a.text.substr(0, offset_after_runes(a.text, keep));
  std::string out = "{";
  bool wrote_text = false;
  for (const auto& m : members) {
    if (m.key == "text") {
      if (wrote_text) continue;  // Go keeps one value per key
      wrote_text = true;
      if (out.size() > 1) out += ',';
      out += "\"text\":";
      append_json_string(out, text);
      continue;
    }
    if (out.size() > 1) out += ',';
    out += m.raw_key;
    out += ':';
    out += m.raw_value;
  }
  out += '}';
  a.json = std::move(out);
  return measure_attachment(a);
}

struct Part {
  std::string_view message;
  std::vector<size_t> attachments;  // indexes into the attachment list
};

class Splitter {
 public:
  Splitter(std::string base_inner, SplitLimits limits)
      : base_inner_(std::move(base_inner)), limits_(limits) {
    base_measure_ = json_text_weight(base_inner_) + 2;
  }

  size_t base_measure() const { return base_measure_; }

  size_t measure(const Part& p) const {
    if (p.attachments.empty()) return base_measure_;
    size_t m = base_measure_ + (base_inner_.empty() ? 0 : 1) + kAttachmentsKey.size() + 2 +
               (p.attachments.size() - 1);
    for (size_t i : p.attachments) m += attachments_[i].measure;
    return m;
  }

  std::string props_of(const Part& p) const {
    std::string out = "{";
    out += base_inner_;
    if (!p.attachments.empty()) {
      if (!base_inner_.empty()) out += ',';
      out += kAttachmentsKey;
      out += '[';
      for (size_t k = 0; k < p.attachments.size(); ++k) {
        if (k > 0) out += ',';
        out += attachments_[p.attachments[k]].json;
      }
      out += ']';
    }
    out += '}';
    return out;
  }

  std::vector<Attachment>& attachments() { return attachments_; }

 private:
  std::string base_inner_;  // the props but attachments, without the braces
  SplitLimits limits_;
  size_t base_measure_ = 0;
  std::vector<Attachment> attachments_;
};

// Per byte, what props_upper_bound counts, packed in 21-bit fields (bodies are far below 2^21
// bytes, so the fields cannot carry into each other): '<' '>' '&' in the low field, the lead
// byte E2 of U+2028/9 in the middle one, '{' in the high one.
inline constexpr int kFieldBits = 21;
inline constexpr auto kCountTable = [] {
  std::array<uint64_t, 256> t{};
  t['<'] = t['>'] = t['&'] = 1;
  t[0xE2] = uint64_t{1} << kFieldBits;
  t['{'] = uint64_t{1} << (2 * kFieldBits);
  return t;
}();

// Cheap over-estimate of the props' measure, one table lookup per byte: bytes bound runes,
// '<' '>' '&' may take six, a U+2028/9 (three bytes) six, and each '{' may open an attachment
// whose Go form writes every key.
// Sixteen bytes at a time with SSE2 (every webhook's props pass here once, ~3 instructions a
// byte with the table alone), the table for the rest.
inline size_t props_upper_bound(std::string_view props) {
  constexpr uint64_t kMask = (uint64_t{1} << kFieldBits) - 1;
  if (props.size() > kMask) return SIZE_MAX;  // never the fast path
  size_t html = 0, e2 = 0, braces = 0, i = 0;
#if defined(__SSE2__)
  // Per-byte-lane counters (a match compares to -1, subtracted), summed every 255 blocks before
  // a lane could wrap: no popcount, which baseline x86-64 only has as a library call.
  const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'), amp = _mm_set1_epi8('&');
  const __m128i lead_e2 = _mm_set1_epi8(static_cast<char>(0xE2)), brace = _mm_set1_epi8('{');
  const __m128i zero = _mm_setzero_si128();
  auto lanes_sum = [&](__m128i counts) {
    const __m128i sums = _mm_sad_epu8(counts, zero);  // two 64-bit sums of eight lanes each
    return static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
           static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  };
  while (i + 16 <= props.size()) {
    __m128i h_count = zero, e2_count = zero, brace_count = zero;
    for (int block = 0; block < 255 && i + 16 <= props.size(); ++block, i += 16) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(props.data() + i));
      const __m128i h = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, lt), _mm_cmpeq_epi8(b, gt)),
                                     _mm_cmpeq_epi8(b, amp));
      h_count = _mm_sub_epi8(h_count, h);
      e2_count = _mm_sub_epi8(e2_count, _mm_cmpeq_epi8(b, lead_e2));
      brace_count = _mm_sub_epi8(brace_count, _mm_cmpeq_epi8(b, brace));
    }
    html += lanes_sum(h_count);
    e2 += lanes_sum(e2_count);
    braces += lanes_sum(brace_count);
  }
#endif
  uint64_t packed = 0;
  for (; i < props.size(); ++i) packed += kCountTable[static_cast<unsigned char>(props[i])];
  html += packed & kMask;
  e2 += (packed >> kFieldBits) & kMask;
  braces += packed >> (2 * kFieldBits);
  return props.size() + 5 * html + 3 * e2 +
         braces * (kGoEmptyAttachment.size() + kGoActionsKey.size());
}

}  // namespace post_split_detail

inline size_t count_runes(std::string_view text) {
  size_t runes = 0;
  for (size_t i = 0; i < text.size(); ++runes) {
    size_t n = post_split_detail::sequence_length(text, i);
    i += n == 0 ? 1 : n;
  }
  return runes;
}

inline size_t go_json_string_runes(std::string_view text) {
  size_t runes = 0;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t n = post_split_detail::sequence_length(text, i);
    if (n == 0) {
      runes += 6;  // Go writes \ufffd
      ++i;
      continue;
    }
    if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
      runes += 2;
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || post_split_detail::is_line_separator(text, i, n)) {
      runes += 6;
    } else {
      runes += 1;
    }
    i += n;
  }
  return runes;
}

namespace post_split_detail {

// The fast path's test: nothing near the limits, so the post is its own one part (nothing
// parsed). `props_json` is not empty ("" was made "{}").
inline bool fits_one_post(std::string_view message, std::string_view props_json,
                          const SplitLimits& limits) {
  const size_t max_runes = std::max<size_t>(limits.max_message_runes, 1);
  // No more bytes than the limit: no more runes either, without counting them.
  return (message.size() <= max_runes || offset_after_runes(message, max_runes) == message.size()) &&
         props_upper_bound(props_json) <= limits.max_props_runes;
}

inline std::variant<std::vector<SplitPost>, SplitError> split_across_posts(
    std::string_view message, std::string_view props_json, const SplitLimits& limits);

}  // namespace post_split_detail

inline std::variant<std::vector<SplitPost>, SplitError> split_webhook_post(SplitPost whole,
                                                                           SplitLimits limits) {
  limits.max_message_runes = std::max<size_t>(limits.max_message_runes, 1);
  if (whole.props_json.empty()) whole.props_json = "{}";
  if (!post_split_detail::fits_one_post(whole.message, whole.props_json, limits)) {
    return post_split_detail::split_across_posts(whole.message, whole.props_json, limits);
  }
  std::vector<SplitPost> one;
  one.push_back(std::move(whole));
  return one;
}

inline std::optional<SplitError> split_webhook_post_into(std::vector<SplitPost>& parts,
                                                         std::string_view message,
                                                         std::string_view props_json,
                                                         SplitLimits limits) {
  limits.max_message_runes = std::max<size_t>(limits.max_message_runes, 1);
  if (props_json.empty()) props_json = "{}";
  if (post_split_detail::fits_one_post(message, props_json, limits)) {
    parts.resize(1);
    parts[0].message.assign(message);
    parts[0].props_json.assign(props_json);
    return std::nullopt;
  }
  auto split = post_split_detail::split_across_posts(message, props_json, limits);
  if (auto* error = std::get_if<SplitError>(&split)) return std::move(*error);
  parts = std::move(std::get<std::vector<SplitPost>>(split));
  return std::nullopt;
}

inline std::variant<std::vector<SplitPost>, SplitError> split_webhook_post(
    std::string_view message, std::string_view props_json, SplitLimits limits) {
  std::vector<SplitPost> parts;
  if (auto error = split_webhook_post_into(parts, message, props_json, limits)) {
    return std::move(*error);
  }
  return parts;
}

namespace post_split_detail {

// The split itself, for a post that does not fit whole (`limits.max_message_runes` >= 1,
// `props_json` not empty: the entry points see to both).
inline std::variant<std::vector<SplitPost>, SplitError> split_across_posts(
    std::string_view message, std::string_view props_json, const SplitLimits& limits) {
  std::vector<JsonMemberView> members;
  if (!split_json_object(props_json, members)) return post_split_detail::split_error(limits.max_props_runes);
  std::string base_inner;
  std::string_view attachments_raw;
  for (const auto& m : members) {
    if (m.key == "attachments") {
      attachments_raw = m.raw_value;  // Go's map: the last one counts
      continue;
    }
    if (!base_inner.empty()) base_inner += ',';
    base_inner += m.raw_key;
    base_inner += ':';
    base_inner += m.raw_value;
  }
  post_split_detail::Splitter splitter(std::move(base_inner), limits);
  if (splitter.base_measure() > limits.max_props_runes) return post_split_detail::split_error(limits.max_props_runes);

  if (!attachments_raw.empty() && attachments_raw != "null") {
    std::vector<std::string_view> elements;
    if (!split_json_array(attachments_raw, elements)) return post_split_detail::split_error(limits.max_props_runes);
    for (std::string_view e : elements) {
      if (e == "null") continue;
      post_split_detail::Attachment a;
      a.json.assign(e);
      if (!post_split_detail::measure_attachment(a)) return post_split_detail::split_error(limits.max_props_runes);
      splitter.attachments().push_back(std::move(a));
    }
  }

  std::vector<post_split_detail::Part> parts;
  std::string_view rest = message;
  while (true) {
    size_t cut = post_split_detail::offset_after_runes(rest, limits.max_message_runes);
    if (cut == rest.size()) break;
    parts.push_back({rest.substr(0, cut), {}});
    rest.remove_prefix(cut);
  }
  parts.push_back({rest, {}});

  auto& attachments = splitter.attachments();
  for (size_t i = 0; i < attachments.size(); ++i) {
    parts.back().attachments.push_back(i);
    if (splitter.measure(parts.back()) <= limits.max_props_runes) continue;
    if (parts.back().attachments.size() > 1) {
      parts.back().attachments.pop_back();
      parts.push_back({std::string_view{}, {i}});
      if (splitter.measure(parts.back()) <= limits.max_props_runes) continue;
    }
    size_t needed = splitter.measure(parts.back()) - limits.max_props_runes;
    size_t text_runes = count_runes(attachments[i].text);
    if (text_runes < needed) return post_split_detail::split_error(limits.max_props_runes);
    if (!post_split_detail::truncate_text(attachments[i], text_runes - needed)) return post_split_detail::split_error(limits.max_props_runes);
    parts.back().attachments = {i};
    if (splitter.measure(parts.back()) > limits.max_props_runes) return post_split_detail::split_error(limits.max_props_runes);
  }

  std::vector<SplitPost> posts;
  posts.reserve(parts.size());
  for (const post_split_detail::Part& p : parts) posts.push_back({std::string(p.message), splitter.props_of(p)});
  return posts;
}

}  // namespace post_split_detail

}  // namespace pb::sdk
