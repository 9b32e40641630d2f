#include "plugins/translators/json_pointer.h"

namespace pb::translators {

namespace {

// The array index `key` names: digits, no leading zero, at most 9 of them (arrays are smaller).
long long index_of(std::string_view key) {
  if (key.empty() || key.size() > 9 || (key.size() > 1 && key[0] == '0')) return -1;
  long long n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

std::optional<JsonPointer> JsonPointer::parse(std::string_view text, std::string* error) {
  JsonPointer p;
  p.text_ = std::string(text);
  if (text.empty()) return p;
  if (text[0] != '/') {
    *error = "JSON pointer \"" + std::string(text) + "\" does not start with '/'";
    return std::nullopt;
  }
  size_t i = 1;
  while (true) {
    Token t;
    while (i < text.size() && text[i] != '/') {
      char c = text[i++];
      if (c == '~') {
        char next = i < text.size() ? text[i] : '\0';
        if (next != '0' && next != '1') {
          *error = "JSON pointer \"" + std::string(text) + "\" has a '~' not followed by 0 or 1";
          return std::nullopt;
        }
        c = next == '0' ? '~' : '/';
        ++i;
      }
      t.key += c;
    }
    t.index = index_of(t.key);
    p.tokens_.push_back(std::move(t));
    if (i >= text.size()) break;
    ++i;  // the '/' that starts the next token
  }
  return p;
}

std::string JsonPointer::escape_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

const rapidjson::Value* JsonPointer::resolve(const rapidjson::Value& from) const {
  const rapidjson::Value* v = &from;
  for (const Token& t : tokens_) {
    if (v->IsObject()) {
      const rapidjson::Value* found = nullptr;
      for (const auto& m : v->GetObject()) {
        if (m.name.GetStringLength() == t.key.size() &&
            std::string_view(m.name.GetString(), m.name.GetStringLength()) == t.key) {
          found = &m.value;
          break;
        }
      }
      if (found == nullptr) return nullptr;
      v = found;
    } else if (v->IsArray()) {
      if (t.index < 0 || static_cast<unsigned long long>(t.index) >= v->Size()) return nullptr;
      v = &(*v)[static_cast<rapidjson::SizeType>(t.index)];
    } else {
      return nullptr;
    }
  }
  return v;
}

}  // namespace pb::translators
