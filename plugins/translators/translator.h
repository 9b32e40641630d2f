// One translator: a rule file (README.md "Rule files") compiled once. Choosing a rule and
// rendering it are the per-request work; nothing is parsed then.
//
// Threading: immutable after load(); share it (shared_ptr<const Translator>) across threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "plugins/translators/json_pointer.h"
#include "plugins/translators/post_template.h"
#include "plugins/translators/template.h"

namespace pb::translators {

// Keys a rule's "post" may have: the Slack incoming-webhook payload the webhooks plugin accepts.
inline constexpr std::string_view kPostKeys[] = {"text",     "attachments", "props",      "channel",
                                                 "username", "icon_url",    "icon_emoji", "type"};

// The largest rule file read (bytes) and its JSON nesting bound.
inline constexpr size_t kMaxRuleFileBytes = 1024 * 1024;
inline constexpr int kMaxRuleFileDepth = 64;

struct HeaderMatch {
  std::string name;        // as the rule file spells it (for messages)
  std::string name_lower;  // what the request's lower-case header names are compared with
  std::string value;       // exact, case-sensitive
};

// A JSON value a condition compares with, copied out of the rule file with a pool of its own
// sized for it: a rapidjson::Document would hold a 64 KiB chunk for a few bytes of value, and
// the rule sets have dozens of conditions (they were half of an idle server's heap).
struct ExpectedValue {
  explicit ExpectedValue(const rapidjson::Value& v) : pool(256), value(v, pool) {}
  rapidjson::MemoryPoolAllocator<> pool;
  rapidjson::Value value;
};

struct BodyMatch {
  enum class Op { equals, exists, absent, in } op = Op::equals;
  JsonPointer pointer;
  std::shared_ptr<const ExpectedValue> expected;  // equals: the value; in: an array of values
};

struct Rule {
  std::string name;
  std::vector<HeaderMatch> headers;
  std::vector<BodyMatch> body;
  PostTemplate post;
  std::optional<Template> thread_key;
};

class Translator {
 public:
  // Compiles rule-file `text`. `label` names the file in errors, which read
  // "<label>: rule \"push\": /rules/0/post/text: unclosed tag at offset 3".
  static std::variant<std::shared_ptr<const Translator>, std::string> load(std::string_view text,
                                                                           std::string label,
                                                                           const Limits& limits);

  // The first rule whose every condition holds, else the fallback, else nullptr. `headers` is an
  // object of lower-case names to string values (nullptr: none).
  const Rule* match(const rapidjson::Value* headers, const rapidjson::Value& body) const;

  // What the rules looked at in this request, for the no-match message: "X-GitHub-Event: star".
  std::string match_summary(const rapidjson::Value* headers, const rapidjson::Value& body) const;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::string& source() const { return source_; }
  // The @variables any rule references, sorted, each once.
  const std::vector<std::string>& variables() const { return variables_; }
  const std::vector<Rule>& rules() const { return rules_; }
  bool has_fallback() const { return fallback_.has_value(); }

 private:
  std::string name_, description_, source_;
  std::vector<std::string> variables_;
  std::vector<Rule> rules_;
  std::optional<Rule> fallback_;
};

}  // namespace pb::translators
