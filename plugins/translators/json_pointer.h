// RFC 6901 JSON Pointers, parsed once (when a rule file loads) and resolved per request without
// allocating. Pure; any thread; never throws (beyond std::bad_alloc while parsing).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace pb::translators {

class JsonPointer {
 public:
  // Parses "" (the whole value) or "/a/b~1c/0" (~1 is '/', ~0 is '~'). nullopt with `error` set
  // for text that does not start with '/' or holds a '~' not followed by 0 or 1.
  static std::optional<JsonPointer> parse(std::string_view text, std::string* error);

  // The value `from` reaches, or nullptr. An object member is found by exact name; an array
  // element by a token of decimal digits without leading zeros ("-" and others reach nothing).
  const rapidjson::Value* resolve(const rapidjson::Value& from) const;

  std::string_view text() const { return text_; }

  // `key` escaped as one pointer token ('~' -> "~0", '/' -> "~1"), for JSON paths in messages.
  static std::string escape_token(std::string_view key);

 private:
  struct Token {
    std::string key;
    long long index = -1;  // the array index the token names, or -1
  };
  std::string text_;
  std::vector<Token> tokens_;
};

}  // namespace pb::translators
