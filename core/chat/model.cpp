#include "core/chat/model.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cassert>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/util/place.h"
#include "patchbay/json_document.hpp"
#include "patchbay/json_scan.hpp"

namespace pb::chat {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void num(Writer& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}
void boolean(Writer& w, const char* key, bool value) {
  w.Key(key);
  w.Bool(value);
}
std::string finish(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Reading stored records: absent or mistyped fields keep their defaults (older records).
struct Reader {
  const rapidjson::Value& v;
  void get(const char* key, std::string& out) const {
    auto it = v.FindMember(key);
    if (it != v.MemberEnd() && it->value.IsString()) {
      out.assign(it->value.GetString(), it->value.GetStringLength());
    }
  }
  void get(const char* key, int64_t& out) const {
    auto it = v.FindMember(key);
    if (it != v.MemberEnd() && it->value.IsInt64()) out = it->value.GetInt64();
  }
  void get(const char* key, bool& out) const {
    auto it = v.FindMember(key);
    if (it != v.MemberEnd() && it->value.IsBool()) out = it->value.GetBool();
  }
  // A nested object kept as compact JSON text.
  void get_raw_object(const char* key, std::string& out) const {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsObject()) return;
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    it->value.Accept(w);
    out = finish(buffer);
  }
};

template <typename T, typename Fill>
std::optional<T> parse(std::string_view json, Fill fill) {
  sdk::SmallDocument<> doc;
  // Full precision: raw objects (props) are written back from the parsed numbers, and only an
  // exact parse makes that a fixed point (the default one can land a long mantissa on a
  // neighbouring double, so a stored post's props would change at every read).
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  T out;
  fill(Reader{doc}, out);
  return out;
}

bool has_word(std::string_view list, std::string_view word) {
  size_t at = 0;
  while (at < list.size()) {
    size_t end = list.find(' ', at);
    if (end == std::string_view::npos) end = list.size();
    if (list.substr(at, end - at) == word) return true;
    at = end + 1;
  }
  return false;
}

}  // namespace

bool User::has_role(std::string_view role) const { return has_word(roles, role); }
bool TeamMember::is_admin() const { return has_word(roles, "team_admin"); }

std::string to_json(const User& u) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "id", u.id);
  num(w, "create_at", u.create_at);
  num(w, "update_at", u.update_at);
  num(w, "delete_at", u.delete_at);
  str(w, "username", u.username);
  str(w, "auth_data", "");
  str(w, "auth_service", "");
  str(w, "email", u.email);
  boolean(w, "email_verified", true);
  str(w, "nickname", u.nickname);
  str(w, "first_name", u.first_name);
  str(w, "last_name", u.last_name);
  str(w, "position", u.position);
  str(w, "roles", u.roles);
  w.Key("notify_props");
  w.StartObject();
  str(w, "channel", "true");
  str(w, "comments", "never");
  str(w, "desktop", "mention");
  str(w, "email", "true");
  str(w, "mention_keys", "");
  str(w, "push", "mention");
  w.EndObject();
  num(w, "last_password_update", u.create_at);
  str(w, "locale", u.locale);
  w.Key("timezone");
  w.StartObject();
  str(w, "automaticTimezone", "");
  str(w, "manualTimezone", "");
  str(w, "useAutomaticTimezone", "true");
  w.EndObject();
  if (u.is_bot) boolean(w, "is_bot", true);
  boolean(w, "disable_welcome_email", false);
  w.EndObject();
  return finish(buffer);
}

std::optional<User> parse_user(std::string_view json) {
  return parse<User>(json, [](const Reader& r, User& u) {
    r.get("id", u.id);
    r.get("username", u.username);
    r.get("email", u.email);
    r.get("nickname", u.nickname);
    r.get("first_name", u.first_name);
    r.get("last_name", u.last_name);
    r.get("position", u.position);
    r.get("roles", u.roles);
    r.get("locale", u.locale);
    r.get("create_at", u.create_at);
    r.get("update_at", u.update_at);
    r.get("delete_at", u.delete_at);
    r.get("is_bot", u.is_bot);
  });
}

std::string to_json(const Team& t) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "id", t.id);
  num(w, "create_at", t.create_at);
  num(w, "update_at", t.update_at);
  num(w, "delete_at", t.delete_at);
  str(w, "display_name", t.display_name);
  str(w, "name", t.name);
  str(w, "description", t.description);
  str(w, "email", t.email);
  str(w, "type", t.type);
  str(w, "company_name", "");
  str(w, "allowed_domains", "");
  str(w, "invite_id", "");
  boolean(w, "allow_open_invite", t.allow_open_invite);
  num(w, "last_team_icon_update", 0);
  w.Key("scheme_id");
  w.Null();
  w.Key("group_constrained");
  w.Null();
  w.Key("policy_id");
  w.Null();
  w.EndObject();
  return finish(buffer);
}

std::optional<Team> parse_team(std::string_view json) {
  return parse<Team>(json, [](const Reader& r, Team& t) {
    r.get("id", t.id);
    r.get("name", t.name);
    r.get("display_name", t.display_name);
    r.get("description", t.description);
    r.get("email", t.email);
    r.get("type", t.type);
    r.get("allow_open_invite", t.allow_open_invite);
    r.get("create_at", t.create_at);
    r.get("update_at", t.update_at);
    r.get("delete_at", t.delete_at);
  });
}

std::string to_json(const TeamMember& m) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "team_id", m.team_id);
  str(w, "user_id", m.user_id);
  str(w, "roles", m.roles);
  num(w, "delete_at", m.delete_at);
  boolean(w, "scheme_guest", false);
  boolean(w, "scheme_user", true);
  boolean(w, "scheme_admin", m.is_admin());
  str(w, "explicit_roles", "");
  w.EndObject();
  return finish(buffer);
}

std::optional<TeamMember> parse_team_member(std::string_view json) {
  return parse<TeamMember>(json, [](const Reader& r, TeamMember& m) {
    r.get("team_id", m.team_id);
    r.get("user_id", m.user_id);
    r.get("roles", m.roles);
    r.get("delete_at", m.delete_at);
  });
}

std::string to_json(const Channel& c) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "id", c.id);
  num(w, "create_at", c.create_at);
  num(w, "update_at", c.update_at);
  num(w, "delete_at", c.delete_at);
  str(w, "team_id", c.team_id);
  str(w, "type", c.type);
  str(w, "display_name", c.display_name);
  str(w, "name", c.name);
  str(w, "header", c.header);
  str(w, "purpose", c.purpose);
  num(w, "last_post_at", 0);
  num(w, "total_msg_count", 0);
  num(w, "extra_update_at", 0);
  str(w, "creator_id", c.creator_id);
  w.Key("scheme_id");
  w.Null();
  w.Key("props");
  w.Null();
  w.Key("group_constrained");
  w.Null();
  w.Key("shared");
  w.Null();
  num(w, "total_msg_count_root", 0);
  w.Key("policy_id");
  w.Null();
  num(w, "last_root_post_at", 0);
  w.EndObject();
  return finish(buffer);
}

std::optional<Channel> parse_channel(std::string_view json) {
  return parse<Channel>(json, [](const Reader& r, Channel& c) {
    r.get("id", c.id);
    r.get("team_id", c.team_id);
    r.get("type", c.type);
    r.get("display_name", c.display_name);
    r.get("name", c.name);
    r.get("header", c.header);
    r.get("purpose", c.purpose);
    r.get("creator_id", c.creator_id);
    r.get("create_at", c.create_at);
    r.get("update_at", c.update_at);
    r.get("delete_at", c.delete_at);
  });
}

std::string to_json(const ChannelMember& m) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "channel_id", m.channel_id);
  str(w, "user_id", m.user_id);
  str(w, "roles", m.roles);
  num(w, "last_viewed_at", m.last_viewed_at);
  num(w, "msg_count", 0);
  num(w, "mention_count", 0);
  w.Key("notify_props");
  w.StartObject();
  str(w, "desktop", "default");
  str(w, "email", "default");
  str(w, "ignore_channel_mentions", "default");
  str(w, "mark_unread", "all");
  str(w, "push", "default");
  w.EndObject();
  num(w, "last_update_at", m.last_update_at);
  boolean(w, "scheme_guest", false);
  boolean(w, "scheme_user", true);
  boolean(w, "scheme_admin", has_word(m.roles, "channel_admin"));
  str(w, "explicit_roles", "");
  w.EndObject();
  return finish(buffer);
}

std::optional<ChannelMember> parse_channel_member(std::string_view json) {
  return parse<ChannelMember>(json, [](const Reader& r, ChannelMember& m) {
    r.get("channel_id", m.channel_id);
    r.get("user_id", m.user_id);
    r.get("roles", m.roles);
    r.get("last_viewed_at", m.last_viewed_at);
    r.get("last_update_at", m.last_update_at);
  });
}

namespace {

// The post row is measured first, then written into its place in one go: one resize, every
// piece copied where it goes (built with appends it was ~5% of the loop's instructions per
// webhook, most of them in the appends' own bookkeeping).

// A JSON string literal exactly as RapidJSON's Writer (default flags, UTF-8 to UTF-8) writes one,
// which is how every stored row was written: '"' and '\\' escaped, \b \t \n \f \r by name,
// other bytes below 0x20 as \u00XX (upper-case hex), everything else (bytes >= 0x80 included, as
// they are) copied. Its size, quotes included:
size_t json_string_size(std::string_view s) {
  size_t size = s.size() + 2;
  for (size_t i = sdk::json_string_stop<sdk::kJsonStopControl>(s, 0); i < s.size();
       i = sdk::json_string_stop<sdk::kJsonStopControl>(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool named =
        c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    size += named ? 1 : 5;  // \n, or \u00XX
  }
  return size;
}

// Writes the literal (of json_string_size(s) bytes) at `at` and returns its end. A string with
// nothing to escape (ids always, messages nearly always) is one copy.
char* write_json_string(char* at, std::string_view s, size_t literal_size) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  *at++ = '"';
  if (literal_size == s.size() + 2) {
    at = place(at, s);
  } else {
    size_t run = 0;  // s[run, i) needs no escaping and is not yet written
    for (size_t i = sdk::json_string_stop<sdk::kJsonStopControl>(s, 0); i < s.size();
         i = sdk::json_string_stop<sdk::kJsonStopControl>(s, i + 1)) {
      at = place(at, s.substr(run, i - run));
      run = i + 1;
      const auto c = static_cast<unsigned char>(s[i]);
      *at++ = '\\';
      switch (c) {
        case '"':
          *at++ = '"';
          break;
        case '\\':
          *at++ = '\\';
          break;
        case '\b':
          *at++ = 'b';
          break;
        case '\t':
          *at++ = 't';
          break;
        case '\n':
          *at++ = 'n';
          break;
        case '\f':
          *at++ = 'f';
          break;
        case '\r':
          *at++ = 'r';
          break;
        default:
          *at++ = 'u';
          *at++ = '0';
          *at++ = '0';
          *at++ = kHex[c >> 4];
          *at++ = kHex[c & 0xF];
      }
    }
    at = place(at, s.substr(run));
  }
  *at++ = '"';
  return at;
}

}  // namespace

void append_json(std::string& out, const Post& p) {
  // Keys and order as Mattermost's Post (and as the rows were always written).
  static constexpr std::string_view kId = "{\"id\":", kCreateAt = ",\"create_at\":",
                                    kUpdateAt = ",\"update_at\":", kEditAt = ",\"edit_at\":",
                                    kDeleteAt = ",\"delete_at\":",
                                    kPinned = ",\"is_pinned\":true,\"user_id\":",
                                    kNotPinned = ",\"is_pinned\":false,\"user_id\":",
                                    kChannelId = ",\"channel_id\":", kRootId = ",\"root_id\":",
                                    kMessage = ",\"original_id\":\"\",\"message\":",
                                    kType = ",\"type\":", kProps = ",\"props\":",
                                    kTail =
                                        ",\"hashtags\":\"\",\"pending_post_id\":\"\","
                                        "\"reply_count\":0,\"metadata\":{}}";
  const std::string_view pinned = p.is_pinned ? kPinned : kNotPinned;
  const std::string_view props = p.props_json.empty() ? std::string_view("{}") : p.props_json;
  const Digits create_at(p.create_at), update_at(p.update_at), edit_at(p.edit_at),
      delete_at(p.delete_at);
  const std::string_view strings[] = {p.id, p.user_id, p.channel_id, p.root_id, p.message, p.type};
  size_t literal[std::size(strings)];
  size_t size = kId.size() + kCreateAt.size() + kUpdateAt.size() + kEditAt.size() +
                kDeleteAt.size() + pinned.size() + kChannelId.size() + kRootId.size() +
                kMessage.size() + kType.size() + kProps.size() + kTail.size() + create_at.size +
                update_at.size + edit_at.size + delete_at.size + props.size();
  for (size_t i = 0; i < std::size(strings); ++i) size += literal[i] = json_string_size(strings[i]);

  const size_t start = out.size();
  out.resize(start + size);
  char* at = out.data() + start;
  at = write_json_string(place(at, kId), p.id, literal[0]);
  at = place(place(at, kCreateAt), create_at.view());
  at = place(place(at, kUpdateAt), update_at.view());
  at = place(place(at, kEditAt), edit_at.view());
  at = place(place(at, kDeleteAt), delete_at.view());
  at = write_json_string(place(at, pinned), p.user_id, literal[1]);
  at = write_json_string(place(at, kChannelId), p.channel_id, literal[2]);
  at = write_json_string(place(at, kRootId), p.root_id, literal[3]);
  at = write_json_string(place(at, kMessage), p.message, literal[4]);
  at = write_json_string(place(at, kType), p.type, literal[5]);
  at = place(place(at, kProps), props);
  at = place(at, kTail);
  assert(at == out.data() + out.size());  // every piece was measured above
  (void)at;
}

std::string to_json(const Post& p) {
  std::string out;
  append_json(out, p);
  return out;
}

std::optional<Post> parse_post(std::string_view json) {
  return parse<Post>(json, [](const Reader& r, Post& p) {
    r.get("id", p.id);
    r.get("channel_id", p.channel_id);
    r.get("user_id", p.user_id);
    r.get("root_id", p.root_id);
    r.get("type", p.type);
    r.get("message", p.message);
    r.get_raw_object("props", p.props_json);
    r.get("create_at", p.create_at);
    r.get("update_at", p.update_at);
    r.get("edit_at", p.edit_at);
    r.get("delete_at", p.delete_at);
    r.get("is_pinned", p.is_pinned);
  });
}

void take_draft(Post& post, PostDraft&& draft) {
  post.channel_id = std::move(draft.channel_id);
  post.user_id = std::move(draft.user_id);
  post.root_id = std::move(draft.root_id);
  post.type = std::move(draft.type);
  post.message = std::move(draft.message);
  if (draft.props_json.empty()) {
    post.props_json.assign("{}");
  } else {
    post.props_json = std::move(draft.props_json);
  }
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace pb::chat
