#include "plugins/slash_commands/command_response.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <patchbay/json_document.hpp>
#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

#include "plugins/slash_commands/json_text.h"

namespace pb::slash {
namespace {

using rapidjson::Value;

ParsedResponse failure(std::string why) {
  ParsedResponse out;
  out.error = std::move(why);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Serialises a value; false when it holds what JSON cannot (RapidJSON reads 2e308 as infinity
// and its Writer then stops, leaving broken output).
bool write_value(const Value& v, std::string& out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  if (!v.Accept(w)) return false;
  out.assign(buffer.GetString(), buffer.GetSize());
  return true;
}

// Copies the members of one CommandResponse object; an error string when a member has the
// wrong type (Go's decoder fails the whole body then). null counts as absent.
std::string read_object(const Value& obj, CommandResponse& r, bool allow_extra) {
  auto str = [&](const char* key, std::string& dst) -> bool {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsString()) return false;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  if (!str("response_type", r.response_type) || !str("text", r.text) ||
      !str("username", r.username) || !str("icon_url", r.icon_url) ||
      !str("channel_id", r.channel_id) || !str("type", r.type) ||
      !str("goto_location", r.goto_location)) {
    return "a member that should be a string is not";
  }
  if (auto it = obj.FindMember("skip_slack_parsing"); it != obj.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsBool()) return "skip_slack_parsing is not a boolean";
    r.skip_slack_parsing = it->value.GetBool();
  }
  if (auto it = obj.FindMember("props"); it != obj.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) return "props is not an object";
    if (!write_value(it->value, r.props_json)) return "props hold a number out of range";
  }
  if (auto it = obj.FindMember("attachments"); it != obj.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray()) return "attachments is not an array";
    if (!write_value(it->value, r.attachments_json)) {
      return "attachments hold a number out of range";
    }
    r.has_attachments = !it->value.Empty();
  }
  if (auto it = obj.FindMember("extra_responses"); it != obj.MemberEnd() && !it->value.IsNull()) {
    if (!allow_extra) return {};  // nested extra responses are not posted (as Mattermost)
    if (!it->value.IsArray()) return "extra_responses is not an array";
    for (const Value& extra : it->value.GetArray()) {
      if (extra.IsNull()) continue;
      if (!extra.IsObject()) return "an extra response is not an object";
      CommandResponse e;
      if (std::string why = read_object(extra, e, false); !why.empty()) {
        return "extra response: " + why;
      }
      r.extra_responses.push_back(std::move(e));
    }
  }
  return {};
}

void key(std::string& out, std::string_view k) {
  out += '"';
  out += k;
  out += "\":";
}
void str_member(std::string& out, std::string_view k, std::string_view v) {
  key(out, k);
  out += sdk::json_string(v);
  out += ',';
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  return iequals(media, "application/json");
}

ParsedResponse parse_command_response(std::string_view content_type, std::string_view body) {
  if (!is_json_media_type(content_type)) {
    ParsedResponse out;
    out.ok = true;
    out.response.text.reserve(body.size());
    append_valid_utf8(out.response.text, body);
    return out;
  }
  if (sdk::json_too_deep_at(body, kMaxResponseNesting) != std::string_view::npos) {
    return failure("response nests deeper than " + std::to_string(kMaxResponseNesting) +
                   " levels");
  }
  if (body.find('\0') != std::string_view::npos) return failure("response holds a NUL byte");
  std::string text(body);
  // RapidJSON's UTF-8 validation may read up to three bytes past a truncated sequence at the
  // end: NUL padding keeps those reads inside the buffer.
  text.append(4, '\0');
  // Numbers RapidJSON's full-precision parse would misread, rewritten first (json_guard.hpp).
  if (!sdk::json_rewrite_misread_numbers(text.data(), text.size()))
    return failure("response is not JSON (or not UTF-8)");
  sdk::SmallDocument<> doc;
  // Full precision: the props' numbers are written back into the post, and RapidJSON's default
  // parse may put a long mantissa or an extreme exponent on a neighbouring double.
  sdk::parse_insitu_checking_utf8<rapidjson::kParseFullPrecisionFlag>(doc, text);
  if (doc.HasParseError()) return failure("response is not JSON (or not UTF-8)");
  if (!doc.IsObject()) return failure("response is not a JSON object");
  sdk::json_replace_surrogates(text.data(), text.size());
  ParsedResponse out;
  if (std::string why = read_object(doc, out.response, true); !why.empty()) {
    return failure(std::move(why));
  }
  out.ok = true;
  return out;
}

std::string response_to_json(const CommandResponse& r, std::string_view trigger_id) {
  std::string out;
  out.reserve(256 + r.text.size() + r.props_json.size() + r.attachments_json.size());
  out += '{';
  str_member(out, "response_type", r.response_type);
  str_member(out, "text", r.text);
  str_member(out, "username", r.username);
  str_member(out, "channel_id", r.channel_id);
  str_member(out, "icon_url", r.icon_url);
  str_member(out, "type", r.type);
  if (!r.props_json.empty()) {
    key(out, "props");
    out += r.props_json;
    out += ',';
  }
  str_member(out, "goto_location", r.goto_location);
  str_member(out, "trigger_id", trigger_id);
  key(out, "skip_slack_parsing");
  out += r.skip_slack_parsing ? "true," : "false,";
  if (!r.attachments_json.empty()) {
    key(out, "attachments");
    out += r.attachments_json;
    out += ',';
  }
  key(out, "extra_responses");
  if (r.extra_responses.empty()) {
    out += "null";
  } else {
    out += '[';
    for (size_t i = 0; i < r.extra_responses.size(); ++i) {
      if (i) out += ',';
      out += response_to_json(r.extra_responses[i], "");
    }
    out += ']';
  }
  out += '}';
  return out;
}

std::string post_props_json(const CommandResponse& r, const PostPropsContext& context) {
  std::string out = "{";
  bool first = true;
  auto comma = [&] {
    if (!first) out += ',';
    first = false;
  };
  if (!r.props_json.empty()) {
    // props_json was written by RapidJSON's Writer from a validated document: re-reading it
    // cannot fail, and its members are copied as written.
    rapidjson::Document props;
    // At full precision, or the numbers the Writer wrote would drift on the way back.
    props.Parse<rapidjson::kParseFullPrecisionFlag>(r.props_json.data(), r.props_json.size());
    if (props.IsObject()) {
      for (const auto& m : props.GetObject()) {
        std::string_view k(m.name.GetString(), m.name.GetStringLength());
        // Ours to set (below): a duplicate key would be ambiguous JSON.
        if (k == "override_icon_url" || k == "override_username" || k == "from_webhook" ||
            (r.has_attachments && k == "attachments")) {
          continue;
        }
        std::string value;
        if (!write_value(m.value, value)) continue;
        comma();
        out += sdk::json_string(k);
        out += ':';
        out += value;
      }
    }
  }
  if (r.has_attachments) {
    comma();
    out += "\"attachments\":";
    out += r.attachments_json;
  }
  if (context.from_webhook) {
    comma();
    out += "\"from_webhook\":\"true\"";
  }
  std::string_view name = !context.command_username.empty() ? context.command_username
                                                             : std::string_view(r.username);
  std::string_view icon = !context.command_icon_url.empty() ? context.command_icon_url
                                                            : std::string_view(r.icon_url);
  if (context.username_override && !name.empty()) {
    comma();
    out += "\"override_username\":" + sdk::json_string(name);
  }
  if (context.icon_override && !icon.empty()) {
    comma();
    out += "\"override_icon_url\":" + sdk::json_string(icon);
  }
  out += '}';
  return out;
}

}  // namespace pb::slash
