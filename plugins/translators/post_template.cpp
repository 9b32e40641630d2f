#include "plugins/translators/post_template.h"

#include <charconv>

#include "plugins/translators/json_text.h"

namespace pb::translators {

namespace {

constexpr int kMaxTreeDepth = 16;
constexpr size_t kDefaultEachMax = 100;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::variant<PostTemplate, std::string> PostTemplate::compile(const rapidjson::Value& v,
                                                              const std::string& path,
                                                              const Limits& limits) {
  return compile_at(v, path, limits, 0, false);
}

std::variant<PostTemplate, std::string> PostTemplate::compile_at(const rapidjson::Value& v,
                                                                 const std::string& path,
                                                                 const Limits& limits, int depth,
                                                                 bool in_array) {
  if (depth > kMaxTreeDepth) {
    return path + ": nested deeper than " + std::to_string(kMaxTreeDepth) + " levels";
  }
  PostTemplate t;
  t.path_ = path;
  auto compile_string = [&](const rapidjson::Value& s, Kind kind,
                            const std::string& at) -> std::optional<std::string> {
    if (!s.IsString()) return at + ": expected a template string";
    auto compiled = Template::compile({s.GetString(), s.GetStringLength()}, limits);
    if (auto* e = std::get_if<std::string>(&compiled)) return at + ": " + *e;
    t.kind_ = kind;
    t.path_ = at;  // render errors name the leaf (".../ts/$int"), as compile errors do
    t.tmpl_ = std::move(std::get<Template>(compiled));
    return std::nullopt;
  };
  switch (v.GetType()) {
    case rapidjson::kStringType:
      if (auto e = compile_string(v, Kind::string, path)) return *e;
      return t;
    case rapidjson::kArrayType: {
      t.kind_ = Kind::array;
      size_t i = 0;
      for (const auto& e : v.GetArray()) {
        auto item = compile_at(e, path + "/" + std::to_string(i++), limits, depth + 1, true);
        if (auto* err = std::get_if<std::string>(&item)) return *err;
        t.items_.push_back(std::move(std::get<PostTemplate>(item)));
      }
      return t;
    }
    case rapidjson::kObjectType: {
      if (v.MemberCount() >= 1 && v.MemberBegin()->name.GetStringLength() > 0 &&
          v.MemberBegin()->name.GetString()[0] == '$') {
        std::string_view key(v.MemberBegin()->name.GetString(), v.MemberBegin()->name.GetStringLength());
        if ((key == "$int" || key == "$bool") && v.MemberCount() == 1) {
          if (auto e = compile_string(v.MemberBegin()->value, key == "$int" ? Kind::integer : Kind::boolean,
                                      path + "/" + JsonPointer::escape_token(key))) {
            return *e;
          }
          return t;
        }
        if (key == "$each") {
          if (!in_array) return path + ": $each is allowed only as an array element";
          t.kind_ = Kind::each;
          t.each_max_ = kDefaultEachMax;
          bool has_item = false;
          for (const auto& m : v.GetObject()) {
            std::string_view name(m.name.GetString(), m.name.GetStringLength());
            std::string at = path + "/" + JsonPointer::escape_token(name);
            if (name == "$each") {
              if (!m.value.IsString()) return at + ": expected a JSON pointer string";
              std::string error;
              t.each_pointer_ = JsonPointer::parse({m.value.GetString(), m.value.GetStringLength()}, &error);
              if (!t.each_pointer_) return at + ": " + error;
            } else if (name == "item") {
              auto item = compile_at(m.value, at, limits, depth + 1, false);
              if (auto* err = std::get_if<std::string>(&item)) return *err;
              t.items_.push_back(std::move(std::get<PostTemplate>(item)));
              has_item = true;
            } else if (name == "max") {
              if (!m.value.IsUint64() || m.value.GetUint64() == 0 || m.value.GetUint64() > 10000) {
                return at + ": expected an integer from 1 to 10000";
              }
              t.each_max_ = m.value.GetUint64();
            } else {
              return at + ": unknown key in a $each (expected $each, item, max)";
            }
          }
          if (!has_item) return path + ": $each needs an \"item\"";
          return t;
        }
        return path + "/" + JsonPointer::escape_token(key) +
               ": unknown directive (expected {\"$int\": ...}, {\"$bool\": ...} or {\"$each\": ...})";
      }
      t.kind_ = Kind::object;
      for (const auto& m : v.GetObject()) {
        std::string key(m.name.GetString(), m.name.GetStringLength());
        auto member = compile_at(m.value, path + "/" + JsonPointer::escape_token(key), limits, depth + 1, false);
        if (auto* err = std::get_if<std::string>(&member)) return *err;
        t.members_.emplace_back(std::move(key), std::move(std::get<PostTemplate>(member)));
      }
      return t;
    }
    default:
      t.kind_ = Kind::literal;
      append_json(t.literal_, v);
      return t;
  }
}

std::vector<std::string_view> PostTemplate::keys() const {
  std::vector<std::string_view> out;
  for (const auto& m : members_) out.push_back(m.first);
  return out;
}

bool PostTemplate::render_leaf(const RenderInput& in, std::vector<Frame>& frames,
                               RenderState& state, std::string& scratch) const {
  scratch.clear();
  tmpl_->render(in, frames, state, scratch);
  return !state.failed();
}

void PostTemplate::render(const RenderInput& in, std::vector<Frame>& frames, RenderState& state,
                          std::string& out) const {
  if (state.failed()) return;
  state.output_bytes = out.size();  // what a leaf's template may add to stays within the bound
  switch (kind_) {
    case Kind::literal:
      out += literal_;
      break;
    case Kind::string: {
      if (const std::string* c = tmpl_->constant()) {
        append_json_string(out, *c);
        break;
      }
      std::string scratch;
      if (!render_leaf(in, frames, state, scratch)) return;
      append_json_string(out, scratch);
      break;
    }
    case Kind::integer: {
      std::string scratch;
      if (!render_leaf(in, frames, state, scratch)) return;
      std::string_view text = trim(scratch);
      long long n = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), n);
      if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
        state.fail(RenderState::Failure::payload,
                   path_ + ": \"" + std::string(text.substr(0, 64)) + "\" is not an integer");
        return;
      }
      out += std::to_string(n);
      break;
    }
    case Kind::boolean: {
      std::string scratch;
      if (!render_leaf(in, frames, state, scratch)) return;
      std::string_view text = trim(scratch);
      out += (text.empty() || text == "false" || text == "0") ? "false" : "true";
      break;
    }
    case Kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : members_) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        value.render(in, frames, state, out);
        if (state.failed()) return;
      }
      out += '}';
      break;
    }
    case Kind::array: {
      out += '[';
      size_t start = out.size();
      for (const auto& item : items_) {
        if (item.kind_ == Kind::each) {
          item.render(in, frames, state, out);  // writes its elements, each followed by ','
        } else {
          item.render(in, frames, state, out);
          out += ',';
        }
        if (state.failed()) return;
      }
      if (out.size() > start) out.pop_back();  // the last ','
      out += ']';
      break;
    }
    case Kind::each: {
      const rapidjson::Value* context = frames.empty() ? in.root : frames.back().value;
      const rapidjson::Value* list = context ? each_pointer_->resolve(*context) : nullptr;
      if (list == nullptr || !(list->IsArray() || list->IsObject())) break;
      size_t n = 0;
      auto one = [&](const rapidjson::Value& element, std::string_view key, long long index) {
        if (++state.iterations > state.limits->max_iterations) {
          state.fail(RenderState::Failure::limit,
                     "more than " + std::to_string(state.limits->max_iterations) + " iterations");
          return false;
        }
        frames.push_back(Frame{&element, key, index});
        items_[0].render(in, frames, state, out);
        frames.pop_back();
        out += ',';
        return !state.failed();
      };
      if (list->IsArray()) {
        for (const auto& e : list->GetArray()) {
          if (n >= each_max_ || !one(e, {}, static_cast<long long>(n))) break;
          ++n;
        }
      } else {
        for (const auto& m : list->GetObject()) {
          if (n >= each_max_ ||
              !one(m.value, {m.name.GetString(), m.name.GetStringLength()}, static_cast<long long>(n))) {
            break;
          }
          ++n;
        }
      }
      break;
    }
  }
  if (out.size() > state.limits->max_output_bytes) {
    state.fail(RenderState::Failure::limit, "the post would exceed " +
                                                std::to_string(state.limits->max_output_bytes) +
                                                " bytes");
  }
}

}  // namespace pb::translators
