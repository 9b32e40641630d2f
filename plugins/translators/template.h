// The leaf-string template language of translator rules (README.md "Templates").
//
//   {{SOURCE | filter args | ...}}   interpolation
//   {{#SOURCE ...}} ... {{/}}         section: an array repeats its body per element (the element
//                                     becomes the context); any other truthy value renders the
//                                     body once with that value as the context
//   {{^SOURCE ...}} ... {{/}}         inverted: the body renders once when the value is falsy
//
// SOURCE: "/a/b" (RFC 6901, relative to the context: the document at the top, the element inside
// a section), "." (the context itself), "$" or "$/a/b" (from the document root wherever it is
// used), "@name" (a hook variable, a string), "$index" / "$key" (the position / member name of
// the element an iteration is on). Falsy: missing, null, false, "", []. Everything else truthy.
//
// Templates are compiled once (compile_template) when the rule file loads; render() walks the
// compiled nodes without parsing. Every bound (template length, section depth, filters, total
// iterations, output bytes) ends in an error, never a crash or unbounded memory.
//
// Threading: a compiled Template is immutable; render it from any thread with its own RenderState.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "plugins/translators/json_pointer.h"

namespace pb::translators {

struct Limits {
  size_t max_template_bytes = 16 * 1024;  // one leaf string
  int max_section_depth = 8;              // sections inside sections
  size_t max_filters = 8;                 // per tag
  size_t max_iterations = 10000;          // section and $each repetitions, per translation
  size_t max_output_bytes = 256 * 1024;   // the whole rendered post
};

// What a render needs besides the template: the payload and the hook's variables.
struct RenderInput {
  const rapidjson::Value* root = nullptr;
  const rapidjson::Value* variables = nullptr;  // an object of strings, or nullptr
};

// One iteration frame: the context a relative pointer starts from, and where it came from.
struct Frame {
  const rapidjson::Value* value = nullptr;  // nullptr: a context that is not a JSON value
  std::string_view key;                     // $key: the member name when iterating an object
  long long index = -1;                     // $index, or -1 outside an iteration
};

// Per-translation state shared by every template of one post: the budgets and the first error.
struct RenderState {
  const Limits* limits = nullptr;
  size_t iterations = 0;
  size_t output_bytes = 0;  // what the caller has written so far (it updates this)
  enum class Failure { none, limit, payload } failure = Failure::none;
  std::string error;

  bool failed() const { return failure != Failure::none; }
  void fail(Failure f, std::string message) {
    if (failure != Failure::none) return;
    failure = f;
    error = std::move(message);
  }
};

enum class SourceKind { pointer, root_pointer, variable, index, key };

struct Filter {
  enum class Kind {
    default_, truncate, slice, upper, lower, join, count, eq, md_escape, url_escape, json,
    trim_prefix, first_line
  } kind;
  std::vector<std::string> args;  // string arguments (default, join, eq, trim_prefix)
  long long n1 = 0, n2 = 0;       // numeric arguments (truncate, slice)
};

struct Expr {
  SourceKind source = SourceKind::pointer;
  std::optional<JsonPointer> pointer;  // pointer and root_pointer
  std::string name;                    // variable
  std::vector<Filter> filters;
};

struct Node {
  enum class Kind { text, value, section, inverted } kind = Kind::text;
  std::string text;
  Expr expr;
  std::vector<Node> children;
};

class Template {
 public:
  // The parsed template, or why not (with the byte offset of the problem).
  static std::variant<Template, std::string> compile(std::string_view text, const Limits& limits);

  // Appends the rendered text to `out`. On a bound or payload problem sets state.failure (out is
  // then partial and must be dropped). `frames` is the iteration stack, innermost last; empty
  // means the context is the root.
  void render(const RenderInput& in, std::vector<Frame>& frames, RenderState& state,
              std::string& out) const;

  // Whether the template is plain text (no tag): the text, for a cheap copy.
  const std::string* constant() const;
  // Calls fn(name) for each @name the template references.
  template <typename Fn>
  void for_each_variable(Fn&& fn) const {
    for_each_variable_in(nodes_, fn);
  }

 private:
  template <typename Fn>
  static void for_each_variable_in(const std::vector<Node>& nodes, Fn& fn) {
    for (const Node& n : nodes) {
      if (n.kind != Node::Kind::text && n.expr.source == SourceKind::variable) fn(n.expr.name);
      for_each_variable_in(n.children, fn);
    }
  }
  std::vector<Node> nodes_;
};

// Resolves `source` of `e` against the frames (innermost last) and the input. nullptr when it
// reaches nothing; `text_out` receives the text of $index/$key/@name sources (returns nullptr,
// sets *is_text).
const rapidjson::Value* resolve_source(const Expr& e, const RenderInput& in,
                                       const std::vector<Frame>& frames, std::string& text_out,
                                       bool* is_text);

}  // namespace pb::translators
