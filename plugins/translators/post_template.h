// The output tree of a rule: a JSON value whose leaf strings are templates (template.h), so the
// rendered result is always valid JSON. Compiled once when the rule file loads.
//
//   "a {{/x}} b"                    a string leaf: rendered, written as a JSON string
//   {"$int": "{{/n}}"}              rendered, written as a JSON integer (payload error if not one)
//   {"$bool": "{{/b}}"}             rendered, written true unless "", "false" or "0"
//   {"$each": "/list", "item": X, "max": 20}   only inside an array: X rendered once per element
//                                   of the array (or member of the object) at /list, with that
//                                   element as the context ($index, $key set); at most `max`
//   numbers, true/false, null       copied; object keys are never templates
//
// Threading: immutable once compiled; render from any thread with its own RenderState.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "plugins/translators/template.h"

namespace pb::translators {

class PostTemplate {
 public:
  // Compiles `v`; on a problem the error names the JSON path under `path` ("/post/text: ...").
  static std::variant<PostTemplate, std::string> compile(const rapidjson::Value& v,
                                                         const std::string& path,
                                                         const Limits& limits);

  // Appends the rendered JSON to `out`, keeping state.output_bytes in step. On failure
  // state.failed() is set and `out` must be dropped.
  void render(const RenderInput& in, std::vector<Frame>& frames, RenderState& state,
              std::string& out) const;

  // Calls fn(name) for every @variable referenced below.
  template <typename Fn>
  void for_each_variable(Fn&& fn) const {
    if (tmpl_) tmpl_->for_each_variable(fn);
    for (const auto& m : members_) m.second.for_each_variable(fn);
    for (const auto& i : items_) i.for_each_variable(fn);
  }

  bool is_object() const { return kind_ == Kind::object; }
  // The object's member keys (object nodes only).
  std::vector<std::string_view> keys() const;

 private:
  static std::variant<PostTemplate, std::string> compile_at(const rapidjson::Value& v,
                                                            const std::string& path,
                                                            const Limits& limits, int depth,
                                                            bool in_array);
  // Renders a string leaf's template into `scratch` (cleared first).
  bool render_leaf(const RenderInput& in, std::vector<Frame>& frames, RenderState& state,
                   std::string& scratch) const;

  enum class Kind { object, array, string, integer, boolean, literal, each } kind_ = Kind::literal;
  std::vector<std::pair<std::string, PostTemplate>> members_;  // object
  std::vector<PostTemplate> items_;                            // array; each: the item (one)
  std::optional<Template> tmpl_;                               // string, integer, boolean
  std::optional<JsonPointer> each_pointer_;                    // each (relative to the context)
  size_t each_max_ = 0;                                        // each
  std::string literal_;                                        // literal, as JSON text
  std::string path_;                                           // for render errors
};

}  // namespace pb::translators
