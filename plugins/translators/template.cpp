#include "plugins/translators/template.h"

#include <array>
#include <charconv>

#include "plugins/translators/json_text.h"

namespace pb::translators {

namespace {

// ---------------------------------------------------------------- compiling

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Splits `s` at `sep` characters outside double-quoted strings. False on an unclosed quote.
bool split_outside_quotes(std::string_view s, char sep, std::vector<std::string_view>& parts) {
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep || (sep == ' ' && (c == '\t' || c == '\n'))) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quoted) return false;
  parts.push_back(s.substr(start));
  return true;
}

// A filter argument: a "quoted string" (\" and \\ escapes, \n a newline) or a bare word.
std::string argument_text(std::string_view token) {
  if (token.size() < 2 || token.front() != '"') return std::string(token);
  std::string out;
  for (size_t i = 1; i + 1 < token.size(); ++i) {
    char c = token[i];
    if (c == '\\' && i + 2 < token.size()) {
      c = token[++i];
      if (c == 'n') c = '\n';
    }
    out += c;
  }
  return out;
}

std::optional<long long> argument_number(std::string_view token) {
  long long n = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), n);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size() || n < 0 || n > 1000000) {
    return std::nullopt;
  }
  return n;
}

struct FilterSpec {
  std::string_view name;
  Filter::Kind kind;
  size_t min_args, max_args;
  bool numeric;
};

constexpr FilterSpec kFilters[] = {
    {"default", Filter::Kind::default_, 1, 1, false},
    {"truncate", Filter::Kind::truncate, 1, 1, true},
    {"slice", Filter::Kind::slice, 2, 2, true},
    {"upper", Filter::Kind::upper, 0, 0, false},
    {"lower", Filter::Kind::lower, 0, 0, false},
    {"join", Filter::Kind::join, 1, 1, false},
    {"count", Filter::Kind::count, 0, 0, false},
    {"eq", Filter::Kind::eq, 1, 3, false},
    {"md_escape", Filter::Kind::md_escape, 0, 0, false},
    {"url_escape", Filter::Kind::url_escape, 0, 0, false},
    {"json", Filter::Kind::json, 0, 0, false},
    {"trim_prefix", Filter::Kind::trim_prefix, 1, 1, false},
    {"first_line", Filter::Kind::first_line, 0, 0, false},
};

std::optional<Filter> parse_filter(std::string_view text, std::string& error) {
  std::vector<std::string_view> raw, tokens;
  split_outside_quotes(trim(text), ' ', raw);
  for (auto t : raw) {
    if (!t.empty()) tokens.push_back(t);
  }
  if (tokens.empty()) {
    error = "empty filter";
    return std::nullopt;
  }
  for (const FilterSpec& spec : kFilters) {
    if (spec.name != tokens[0]) continue;
    size_t n = tokens.size() - 1;
    if (n < spec.min_args || n > spec.max_args) {
      error = "filter " + std::string(spec.name) + " takes " + std::to_string(spec.min_args) +
              (spec.max_args != spec.min_args ? " to " + std::to_string(spec.max_args) : "") +
              " argument(s), not " + std::to_string(n);
      return std::nullopt;
    }
    Filter f{spec.kind, {}, 0, 0};
    if (spec.numeric) {
      auto a = argument_number(tokens[1]);
      auto b = n > 1 ? argument_number(tokens[2]) : std::optional<long long>(0);
      if (!a || !b || (spec.kind == Filter::Kind::truncate && *a == 0) ||
          (spec.kind == Filter::Kind::slice && *b < *a)) {
        error = "filter " + std::string(spec.name) + " needs " +
                (spec.kind == Filter::Kind::slice ? "two numbers 0 <= A <= B"
                                                  : "a number from 1 to 1000000");
        return std::nullopt;
      }
      f.n1 = *a;
      f.n2 = *b;
    } else {
      for (size_t i = 1; i < tokens.size(); ++i) f.args.push_back(argument_text(tokens[i]));
    }
    return f;
  }
  error = "unknown filter \"" + std::string(tokens[0]) + "\"";
  return std::nullopt;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

std::optional<Expr> parse_expr(std::string_view text, const Limits& limits, std::string& error) {
  std::vector<std::string_view> parts;
  if (!split_outside_quotes(text, '|', parts)) {
    error = "unclosed quote";
    return std::nullopt;
  }
  if (parts.size() - 1 > limits.max_filters) {
    error = "more than " + std::to_string(limits.max_filters) + " filters";
    return std::nullopt;
  }
  Expr e;
  std::string_view source = trim(parts[0]);
  std::string_view pointer_text;
  if (source == ".") {
    e.source = SourceKind::pointer;
  } else if (!source.empty() && source[0] == '/') {
    e.source = SourceKind::pointer;
    pointer_text = source;
  } else if (source == "$index") {
    e.source = SourceKind::index;
  } else if (source == "$key") {
    e.source = SourceKind::key;
  } else if (source == "$" || source.substr(0, 2) == "$/") {
    e.source = SourceKind::root_pointer;
    pointer_text = source.substr(1);
  } else if (source.size() > 1 && source[0] == '@') {
    e.source = SourceKind::variable;
    e.name = std::string(source.substr(1));
    for (char c : e.name) {
      if (!is_name_char(c)) {
        error = "variable name \"" + e.name + "\" may hold only letters, digits, '_', '-', '.'";
        return std::nullopt;
      }
    }
  } else {
    error = "\"" + std::string(source) +
            "\" is not a source (a /pointer, '.', '$', '$/pointer', '@variable', '$index' or '$key')";
    return std::nullopt;
  }
  if (e.source == SourceKind::pointer || e.source == SourceKind::root_pointer) {
    e.pointer = JsonPointer::parse(pointer_text, &error);
    if (!e.pointer) return std::nullopt;
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    auto f = parse_filter(parts[i], error);
    if (!f) return std::nullopt;
    e.filters.push_back(std::move(*f));
  }
  return e;
}

// The offset of the "}}" closing a tag whose content starts at `from`, outside quotes, or npos.
size_t find_tag_end(std::string_view text, size_t from) {
  bool quoted = false;
  for (size_t i = from; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '}' && text[i + 1] == '}') {
      return i;
    }
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------- rendering

struct Val {
  enum class Kind { missing, json, text } kind = Kind::missing;
  const rapidjson::Value* json = nullptr;
  std::string text;
};

bool truthy(const Val& v) {
  switch (v.kind) {
    case Val::Kind::missing:
      return false;
    case Val::Kind::text:
      return !v.text.empty();
    case Val::Kind::json:
      break;
  }
  const rapidjson::Value& j = *v.json;
  if (j.IsNull() || j.IsFalse()) return false;
  if (j.IsString()) return j.GetStringLength() != 0;
  if (j.IsArray()) return j.Size() != 0;
  return true;
}

void append_val_text(std::string& out, const Val& v) {
  if (v.kind == Val::Kind::text) out += v.text;
  else if (v.kind == Val::Kind::json) append_text(out, *v.json);
}

// Turns `v` into its display text in place.
void to_text(Val& v) {
  if (v.kind == Val::Kind::text) return;
  std::string s;
  append_val_text(s, v);
  v.kind = Val::Kind::text;
  v.json = nullptr;
  v.text = std::move(s);
}

void set_text(Val& v, std::string s) {
  v.kind = Val::Kind::text;
  v.json = nullptr;
  v.text = std::move(s);
}

constexpr std::string_view kMarkdownSpecials = "\\`*_{}[]()#+-.!|<>~";
constexpr auto kIsMarkdownSpecial = [] {
  std::array<bool, 256> table{};
  for (char c : kMarkdownSpecials) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

void apply_filter(const Filter& f, Val& v) {
  switch (f.kind) {
    case Filter::Kind::default_: {
      bool empty = v.kind == Val::Kind::missing || (v.kind == Val::Kind::text && v.text.empty()) ||
                   (v.kind == Val::Kind::json &&
                    (v.json->IsNull() || (v.json->IsString() && v.json->GetStringLength() == 0)));
      if (empty) set_text(v, f.args[0]);
      return;
    }
    case Filter::Kind::truncate: {
      to_text(v);
      size_t limit = static_cast<size_t>(f.n1);
      if (sdk::count_code_points(v.text) > limit) {
        v.text.resize(rune_offset(v.text, limit - 1));
        v.text += "\xE2\x80\xA6";  // …
      }
      return;
    }
    case Filter::Kind::slice: {
      to_text(v);
      size_t from = rune_offset(v.text, static_cast<size_t>(f.n1));
      size_t to = rune_offset(v.text, static_cast<size_t>(f.n2));
      set_text(v, v.text.substr(from, to - from));
      return;
    }
    case Filter::Kind::upper:
    case Filter::Kind::lower:
      to_text(v);
      for (char& c : v.text) {
        if (f.kind == Filter::Kind::upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        if (f.kind == Filter::Kind::lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      }
      return;
    case Filter::Kind::join: {
      if (v.kind != Val::Kind::json || !v.json->IsArray()) return to_text(v);
      std::string s;
      bool first = true;
      for (const auto& e : v.json->GetArray()) {
        if (!first) s += f.args[0];
        first = false;
        append_text(s, e);
      }
      set_text(v, std::move(s));
      return;
    }
    case Filter::Kind::count: {
      size_t n = 0;
      if (v.kind == Val::Kind::text) {
        n = sdk::count_code_points(v.text);
      } else if (v.kind == Val::Kind::json) {
        const auto& j = *v.json;
        n = j.IsArray()    ? j.Size()
            : j.IsObject() ? j.MemberCount()
            : j.IsString() ? sdk::count_code_points({j.GetString(), j.GetStringLength()})
            : j.IsNull()   ? 0
                           : 1;
      }
      set_text(v, std::to_string(n));
      return;
    }
    case Filter::Kind::eq: {
      to_text(v);
      bool same = v.text == f.args[0];
      std::string then = f.args.size() > 1 ? f.args[1] : "true";
      std::string otherwise = f.args.size() > 2 ? f.args[2] : "";
      set_text(v, same ? std::move(then) : std::move(otherwise));
      return;
    }
    case Filter::Kind::md_escape: {
      to_text(v);
      // Runs between specials appended whole, a table lookup per byte: a find() in the specials
      // per byte was a memchr call each (230 per GitHub push, 4 % of the loop on that path).
      const std::string& t = v.text;
      std::string s;
      s.reserve(t.size() + 8);
      size_t run = 0;  // t[run, i) not yet appended; a special starts the run after its '\\'
      for (size_t i = 0; i < t.size(); ++i) {
        if (!kIsMarkdownSpecial[static_cast<unsigned char>(t[i])]) continue;
        s.append(t, run, i - run);
        s += '\\';
        run = i;
      }
      s.append(t, run, std::string::npos);
      v.text = std::move(s);
      return;
    }
    case Filter::Kind::url_escape: {
      to_text(v);
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string s;
      s.reserve(v.text.size());
      for (unsigned char c : v.text) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
          s += static_cast<char>(c);
        } else {
          s += '%';
          s += kHex[c >> 4];
          s += kHex[c & 0xF];
        }
      }
      v.text = std::move(s);
      return;
    }
    case Filter::Kind::trim_prefix:  // "refs/heads/main" -> "main"; text without the prefix unchanged
      to_text(v);
      if (v.text.compare(0, f.args[0].size(), f.args[0]) == 0) v.text.erase(0, f.args[0].size());
      return;
    case Filter::Kind::first_line: {  // a commit message's subject
      to_text(v);
      size_t eol = v.text.find_first_of("\r\n");
      if (eol != std::string::npos) v.text.resize(eol);
      return;
    }
    case Filter::Kind::json: {
      std::string s;
      if (v.kind == Val::Kind::missing) s = "null";
      else if (v.kind == Val::Kind::text) append_json_string(s, v.text);
      else append_json(s, *v.json);
      set_text(v, std::move(s));
      return;
    }
  }
}

void evaluate(const Expr& e, const RenderInput& in, const std::vector<Frame>& frames, Val& v) {
  bool is_text = false;
  const rapidjson::Value* j = resolve_source(e, in, frames, v.text, &is_text);
  if (is_text) v.kind = Val::Kind::text;
  else if (j != nullptr) v.kind = Val::Kind::json, v.json = j;
  for (const Filter& f : e.filters) apply_filter(f, v);
}

bool over_output(RenderState& state, const std::string& out) {
  if (state.output_bytes + out.size() <= state.limits->max_output_bytes) return false;
  state.fail(RenderState::Failure::limit,
             "the post would exceed " + std::to_string(state.limits->max_output_bytes) + " bytes");
  return true;
}

bool count_iteration(RenderState& state) {
  if (++state.iterations <= state.limits->max_iterations) return true;
  state.fail(RenderState::Failure::limit,
             "more than " + std::to_string(state.limits->max_iterations) + " iterations");
  return false;
}

void render_nodes(const std::vector<Node>& nodes, const RenderInput& in, std::vector<Frame>& frames,
                  RenderState& state, std::string& out) {
  for (const Node& n : nodes) {
    if (state.failed()) return;
    switch (n.kind) {
      case Node::Kind::text:
        out += n.text;
        break;
      case Node::Kind::value: {
        Val v;
        evaluate(n.expr, in, frames, v);
        append_val_text(out, v);
        break;
      }
      case Node::Kind::inverted: {
        Val v;
        evaluate(n.expr, in, frames, v);
        if (!truthy(v)) render_nodes(n.children, in, frames, state, out);
        break;
      }
      case Node::Kind::section: {
        Val v;
        evaluate(n.expr, in, frames, v);
        if (!truthy(v)) break;
        if (v.kind == Val::Kind::text) {
          render_nodes(n.children, in, frames, state, out);
        } else if (v.json->IsArray()) {
          long long i = 0;
          for (const auto& element : v.json->GetArray()) {
            if (!count_iteration(state)) return;
            frames.push_back(Frame{&element, {}, i++});
            render_nodes(n.children, in, frames, state, out);
            frames.pop_back();
            if (state.failed() || over_output(state, out)) return;
          }
        } else {
          frames.push_back(Frame{v.json, {}, -1});
          render_nodes(n.children, in, frames, state, out);
          frames.pop_back();
        }
        break;
      }
    }
    if (over_output(state, out)) return;
  }
}

}  // namespace

const rapidjson::Value* resolve_source(const Expr& e, const RenderInput& in,
                                       const std::vector<Frame>& frames, std::string& text_out,
                                       bool* is_text) {
  *is_text = false;
  switch (e.source) {
    case SourceKind::pointer: {
      const rapidjson::Value* context = frames.empty() ? in.root : frames.back().value;
      return context == nullptr ? nullptr : e.pointer->resolve(*context);
    }
    case SourceKind::root_pointer:
      return in.root == nullptr ? nullptr : e.pointer->resolve(*in.root);
    case SourceKind::variable: {
      if (in.variables == nullptr || !in.variables->IsObject()) return nullptr;
      auto it = in.variables->FindMember(
          rapidjson::Value(rapidjson::StringRef(e.name.data(), e.name.size())));
      return it == in.variables->MemberEnd() ? nullptr : &it->value;
    }
    case SourceKind::index:
      if (frames.empty() || frames.back().index < 0) return nullptr;
      *is_text = true;
      text_out = std::to_string(frames.back().index);
      return nullptr;
    case SourceKind::key:
      if (frames.empty() || frames.back().key.data() == nullptr) return nullptr;
      *is_text = true;
      text_out = std::string(frames.back().key);
      return nullptr;
  }
  return nullptr;
}

namespace {
// Compiled templates live as long as the plugin: give back the growth slack of their vectors
// (it was a good part of an idle server's heap with every rule set loaded).
void shrink_to_fit(std::vector<Node>& nodes) {
  nodes.shrink_to_fit();
  for (Node& n : nodes) {
    n.text.shrink_to_fit();
    n.expr.filters.shrink_to_fit();
    shrink_to_fit(n.children);
  }
}
}  // namespace

std::variant<Template, std::string> Template::compile(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_template_bytes) {
    return "template longer than " + std::to_string(limits.max_template_bytes) + " bytes";
  }
  Template t;
  std::vector<std::vector<Node>*> open{&t.nodes_};
  std::vector<size_t> open_at;  // offsets of the open section tags, for errors
  size_t i = 0;
  while (i < text.size()) {
    size_t tag = text.find("{{", i);
    std::vector<Node>& target = *open.back();
    if (tag != i) {
      size_t end = tag == std::string_view::npos ? text.size() : tag;
      if (!target.empty() && target.back().kind == Node::Kind::text) {
        target.back().text.append(text.substr(i, end - i));
      } else {
        Node n;
        n.text = std::string(text.substr(i, end - i));
        target.push_back(std::move(n));
      }
      if (tag == std::string_view::npos) break;
    }
    size_t close = find_tag_end(text, tag + 2);
    if (close == std::string_view::npos) {
      return "unclosed tag at offset " + std::to_string(tag);
    }
    std::string_view content = trim(text.substr(tag + 2, close - tag - 2));
    i = close + 2;
    std::string where = " at offset " + std::to_string(tag);
    if (content == "/") {
      if (open.size() == 1) return "{{/}} with no open section" + where;
      open.pop_back();
      open_at.pop_back();
      continue;
    }
    Node n;
    if (!content.empty() && (content[0] == '#' || content[0] == '^')) {
      n.kind = content[0] == '#' ? Node::Kind::section : Node::Kind::inverted;
      content.remove_prefix(1);
    } else {
      n.kind = Node::Kind::value;
    }
    std::string error;
    auto e = parse_expr(content, limits, error);
    if (!e) return error + where;
    n.expr = std::move(*e);
    target.push_back(std::move(n));
    if (target.back().kind != Node::Kind::value) {
      if (static_cast<int>(open.size()) > limits.max_section_depth) {
        return "sections nested deeper than " + std::to_string(limits.max_section_depth) + where;
      }
      open.push_back(&target.back().children);
      open_at.push_back(tag);
    }
  }
  if (open.size() > 1) {
    return "section opened at offset " + std::to_string(open_at.back()) + " is never closed ({{/}})";
  }
  shrink_to_fit(t.nodes_);
  return t;
}

void Template::render(const RenderInput& in, std::vector<Frame>& frames, RenderState& state,
                      std::string& out) const {
  render_nodes(nodes_, in, frames, state, out);
}

const std::string* Template::constant() const {
  if (nodes_.empty()) {
    static const std::string kEmpty;
    return &kEmpty;
  }
  if (nodes_.size() == 1 && nodes_[0].kind == Node::Kind::text) return &nodes_[0].text;
  return nullptr;
}

}  // namespace pb::translators
