#include "plugins/translators/translator.h"

#include <algorithm>

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>

#include <rapidjson/error/en.h>

#include "plugins/translators/json_text.h"

namespace pb::translators {

namespace {

std::string_view sv(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::shared_ptr<const ExpectedValue> copy_value(const rapidjson::Value& v) {
  return std::make_shared<const ExpectedValue>(v);
}

// Equality of JSON values, numbers by value (1 == 1.0).
bool same_value(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    return a.GetDouble() == b.GetDouble();
  }
  return a == b;
}

// Compiles one rule (or the fallback: `with_match` false) at JSON path `path`.
std::variant<Rule, std::string> compile_rule(const rapidjson::Value& v, const std::string& path,
                                             bool with_match, const Limits& limits) {
  if (!v.IsObject()) return path + ": expected an object";
  Rule rule;
  const rapidjson::Value* post = nullptr;
  const rapidjson::Value* match = nullptr;
  for (const auto& m : v.GetObject()) {
    std::string_view key = sv(m.name);
    std::string at = path + "/" + JsonPointer::escape_token(key);
    if (key == "name") {
      if (!m.value.IsString() || m.value.GetStringLength() == 0) return at + ": expected a non-empty string";
      rule.name = std::string(sv(m.value));
    } else if (key == "match" && with_match) {
      match = &m.value;
    } else if (key == "post") {
      post = &m.value;
    } else if (key == "thread_key") {
      if (!m.value.IsString()) return at + ": expected a template string";
      auto t = Template::compile(sv(m.value), limits);
      if (auto* e = std::get_if<std::string>(&t)) return at + ": " + *e;
      rule.thread_key = std::move(std::get<Template>(t));
    } else {
      return at + ": unknown key (expected name, " + (with_match ? "match, " : "") +
             "post, thread_key)";
    }
  }
  std::string prefix = rule.name.empty() ? "" : "rule \"" + rule.name + "\": ";
  if (with_match && rule.name.empty()) return path + ": a rule needs a \"name\"";
  if (rule.name.empty()) rule.name = "fallback";
  if (with_match) {
    if (match == nullptr || !match->IsObject()) return prefix + path + "/match: expected an object";
    for (const auto& m : match->GetObject()) {
      std::string_view key = sv(m.name);
      std::string at = path + "/match/" + JsonPointer::escape_token(key);
      if (key == "headers") {
        if (!m.value.IsObject()) return prefix + at + ": expected an object of header: value";
        for (const auto& h : m.value.GetObject()) {
          if (!h.value.IsString()) {
            return prefix + at + "/" + JsonPointer::escape_token(sv(h.name)) + ": expected a string";
          }
          rule.headers.push_back(HeaderMatch{std::string(sv(h.name)), lower(sv(h.name)),
                                             std::string(sv(h.value))});
        }
      } else if (key == "body") {
        if (!m.value.IsObject()) return prefix + at + ": expected an object of /pointer: condition";
        for (const auto& b : m.value.GetObject()) {
          std::string cond_at = at + "/" + JsonPointer::escape_token(sv(b.name));
          std::string error;
          auto pointer = JsonPointer::parse(sv(b.name), &error);
          if (!pointer) return prefix + cond_at + ": " + error;
          BodyMatch bm{BodyMatch::Op::equals, std::move(*pointer), nullptr};
          const rapidjson::Value& c = b.value;
          if (c.IsObject()) {
            if (c.MemberCount() != 1) return prefix + cond_at + ": expected {\"exists\": bool} or {\"in\": [...]}";
            std::string_view op = sv(c.MemberBegin()->name);
            const rapidjson::Value& arg = c.MemberBegin()->value;
            if (op == "exists" && arg.IsBool()) {
              bm.op = arg.GetBool() ? BodyMatch::Op::exists : BodyMatch::Op::absent;
            } else if (op == "in" && arg.IsArray() && !arg.Empty()) {
              bm.op = BodyMatch::Op::in;
              bm.expected = copy_value(arg);
            } else {
              return prefix + cond_at + ": expected {\"exists\": bool} or {\"in\": [non-empty array]}";
            }
          } else if (c.IsArray()) {
            return prefix + cond_at + ": to match one of several values use {\"in\": [...]}";
          } else {
            bm.expected = copy_value(c);
          }
          rule.body.push_back(std::move(bm));
        }
      } else {
        return prefix + at + ": unknown key (expected headers, body)";
      }
    }
  }
  if (post == nullptr) return prefix + path + ": a rule needs a \"post\"";
  if (!post->IsObject()) return prefix + path + "/post: expected an object";
  for (const auto& m : post->GetObject()) {
    std::string_view key = sv(m.name);
    if (std::find(std::begin(kPostKeys), std::end(kPostKeys), key) == std::end(kPostKeys)) {
      return prefix + path + "/post/" + JsonPointer::escape_token(key) +
             ": not a Slack webhook key (text, attachments, props, channel, username, icon_url, "
             "icon_emoji, type)";
    }
  }
  auto compiled = PostTemplate::compile(*post, path + "/post", limits);
  if (auto* e = std::get_if<std::string>(&compiled)) return prefix + *e;
  rule.post = std::move(std::get<PostTemplate>(compiled));
  return rule;
}

bool holds(const BodyMatch& bm, const rapidjson::Value& body) {
  const rapidjson::Value* v = bm.pointer.resolve(body);
  switch (bm.op) {
    case BodyMatch::Op::exists:
      return v != nullptr;
    case BodyMatch::Op::absent:
      return v == nullptr;
    case BodyMatch::Op::equals:
      return v != nullptr && same_value(*v, bm.expected->value);
    case BodyMatch::Op::in:
      if (v == nullptr) return false;
      for (const auto& e : bm.expected->value.GetArray()) {
        if (same_value(*v, e)) return true;
      }
      return false;
  }
  return false;
}

const rapidjson::Value* header_value(const rapidjson::Value* headers, std::string_view name_lower) {
  if (headers == nullptr || !headers->IsObject()) return nullptr;
  for (const auto& m : headers->GetObject()) {
    if (sv(m.name) == name_lower) return m.value.IsString() ? &m.value : nullptr;
  }
  return nullptr;
}

bool headers_hold(const Rule& r, const rapidjson::Value* headers) {
  for (const HeaderMatch& h : r.headers) {
    const rapidjson::Value* v = header_value(headers, h.name_lower);
    if (v == nullptr || sv(*v) != h.value) return false;
  }
  return true;
}

bool rule_holds(const Rule& r, const rapidjson::Value* headers, const rapidjson::Value& body) {
  if (!headers_hold(r, headers)) return false;
  for (const BodyMatch& b : r.body) {
    if (!holds(b, body)) return false;
  }
  return true;
}

}  // namespace

std::variant<std::shared_ptr<const Translator>, std::string> Translator::load(
    std::string_view text, std::string label, const Limits& limits) {
  auto fail = [&](const std::string& why) { return label + ": " + why; };
  if (text.size() > kMaxRuleFileBytes) {
    return fail("larger than " + std::to_string(kMaxRuleFileBytes) + " bytes");
  }
  if (size_t at = sdk::json_too_deep_at(text, kMaxRuleFileDepth); at != std::string_view::npos) {
    return fail("JSON nests deeper than " + std::to_string(kMaxRuleFileDepth) + " levels at offset " +
                std::to_string(at));
  }
  rapidjson::Document doc;
  sdk::parse_checking_utf8<rapidjson::kParseStopWhenDoneFlag>(doc, text);
  if (doc.HasParseError()) {
    return fail(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                " at offset " + std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return fail("expected a JSON object");
  auto t = std::make_shared<Translator>();
  t->source_ = label;
  const rapidjson::Value* rules = nullptr;
  for (const auto& m : doc.GetObject()) {
    std::string_view key = sv(m.name);
    if (key == "name") {
      if (!m.value.IsString() || !valid_name(sv(m.value))) {
        return fail("/name: expected 1 to 64 of a-z, 0-9, '_', '-'");
      }
      t->name_ = std::string(sv(m.value));
    } else if (key == "description") {
      if (!m.value.IsString()) return fail("/description: expected a string");
      t->description_ = std::string(sv(m.value));
    } else if (key == "rules") {
      rules = &m.value;
    } else if (key == "fallback") {
      auto r = compile_rule(m.value, "/fallback", false, limits);
      if (auto* e = std::get_if<std::string>(&r)) return fail(*e);
      t->fallback_ = std::move(std::get<Rule>(r));
    } else if (key != "comment") {
      return fail("/" + JsonPointer::escape_token(key) + ": unknown key (expected name, description, rules, fallback)");
    }
  }
  if (t->name_.empty()) return fail("/name: missing");
  if (rules == nullptr || !rules->IsArray()) return fail("/rules: expected an array of rules");
  if (rules->Size() > 256) return fail("/rules: more than 256 rules");
  for (rapidjson::SizeType i = 0; i < rules->Size(); ++i) {
    auto r = compile_rule((*rules)[i], "/rules/" + std::to_string(i), true, limits);
    if (auto* e = std::get_if<std::string>(&r)) return fail(*e);
    t->rules_.push_back(std::move(std::get<Rule>(r)));
  }
  if (t->rules_.empty() && !t->fallback_) return fail("/rules: no rule and no fallback");
  auto note = [&](const std::string& name) { t->variables_.push_back(name); };
  for (const Rule& r : t->rules_) {
    r.post.for_each_variable(note);
    if (r.thread_key) r.thread_key->for_each_variable(note);
  }
  if (t->fallback_) {
    t->fallback_->post.for_each_variable(note);
    if (t->fallback_->thread_key) t->fallback_->thread_key->for_each_variable(note);
  }
  std::sort(t->variables_.begin(), t->variables_.end());
  t->variables_.erase(std::unique(t->variables_.begin(), t->variables_.end()), t->variables_.end());
  return std::shared_ptr<const Translator>(std::move(t));
}

const Rule* Translator::match(const rapidjson::Value* headers, const rapidjson::Value& body) const {
  for (const Rule& r : rules_) {
    if (rule_holds(r, headers, body)) return &r;
  }
  return fallback_ ? &*fallback_ : nullptr;
}

std::string Translator::match_summary(const rapidjson::Value* headers,
                                      const rapidjson::Value& body) const {
  std::vector<std::string_view> seen;
  std::string out;
  auto add = [&](std::string_view label, std::string value) {
    if (std::find(seen.begin(), seen.end(), label) != seen.end()) return;
    seen.push_back(label);
    if (!out.empty()) out += ", ";
    out += label;
    out += ": ";
    if (sdk::count_code_points(value) > 64) value.resize(rune_offset(value, 64));
    out += value;
  };
  for (const Rule& r : rules_) {
    for (const HeaderMatch& h : r.headers) {
      const rapidjson::Value* v = header_value(headers, h.name_lower);
      add(h.name, v ? std::string(sv(*v)) : "(none)");
    }
  }
  // Body conditions only of the rules whose headers held: for an event no rule handles
  // (X-GitHub-Event: star) the values other events' rules look at are noise.
  for (const Rule& r : rules_) {
    if (!headers_hold(r, headers)) continue;
    for (const BodyMatch& b : r.body) {
      if (b.op == BodyMatch::Op::exists || b.op == BodyMatch::Op::absent) continue;
      const rapidjson::Value* v = b.pointer.resolve(body);
      std::string text;
      if (v == nullptr) text = "(none)";
      else if (v->IsString()) text = std::string(sv(*v));
      else if (v->IsObject() || v->IsArray()) text = v->IsObject() ? "{...}" : "[...]";
      else append_json(text, *v);
      add(b.pointer.text(), std::move(text));
    }
  }
  return out;
}

}  // namespace pb::translators
