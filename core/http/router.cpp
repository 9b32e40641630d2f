#include "core/http/router.h"

#include "core/http/ascii.h"
#include "patchbay/plugin.h"

namespace pb::http {

struct Router::Route {
  std::string method;
  std::vector<std::string> param_names;
  Handler handler;
};

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;  // the child for a {name} segment (names live on the Route)
  std::vector<Route> routes;    // routes ending at this node, one per method
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

namespace {

bool is_param_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits "/a/b" into its first segment "a" and the rest "/b" (rest is "" at the end).
std::string_view next_segment(std::string_view& rest) {
  rest.remove_prefix(1);  // the '/'
  size_t slash = rest.find('/');
  std::string_view seg = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  return seg;
}

}  // namespace

std::string percent_decode(std::string_view in) {
  std::string out;
  percent_decode_into(out, in);
  return out;
}

void percent_decode_into(std::string& out, std::string_view in) {
  // Ids, names and hook keys have no escape: one copy instead of a push_back per character.
  size_t first = in.find('%');
  if (first == std::string_view::npos) {
    out.assign(in);
    return;
  }
  out.reserve(in.size());
  out.assign(in.substr(0, first));
  for (size_t i = first; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
}

int Router::add(std::string_view method, std::string_view pattern, Handler h) {
  if (!is_token(method) || h.fn == nullptr) return PB_E_INVALID;
  if (pattern.empty() || pattern[0] != '/') return PB_E_INVALID;
  // Validate the whole pattern before creating any node, so a refused pattern leaves no trace.
  std::vector<std::string_view> segments;
  std::vector<std::string> names;
  if (pattern != "/") {
    std::string_view rest = pattern;
    while (!rest.empty()) {
      std::string_view seg = next_segment(rest);
      if (seg.empty()) return PB_E_INVALID;
      if (seg.front() == '{' && seg.back() == '}') {
        std::string_view name = seg.substr(1, seg.size() - 2);
        if (!is_param_name(name)) return PB_E_INVALID;
        for (const std::string& n : names) {
          if (n == name) return PB_E_INVALID;
        }
        names.emplace_back(name);
      } else if (seg.find_first_of("{}") != std::string_view::npos) {
        return PB_E_INVALID;
      }
      segments.push_back(seg);
    }
  }
  Node* node = root_.get();
  for (std::string_view seg : segments) {
    if (seg.front() == '{') {
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
      continue;
    }
    Node* child = nullptr;
    for (auto& [text, n] : node->literals) {
      if (text == seg) child = n.get();
    }
    if (child == nullptr) {
      node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
      child = node->literals.back().second.get();
    }
    node = child;
  }
  for (const Route& r : node->routes) {
    if (r.method == method) return PB_E_EXISTS;
  }
  node->routes.push_back(Route{std::string(method), std::move(names), h});
  ++count_;
  return PB_OK;
}

bool Router::walk(const Node& node, std::string_view rest, std::string_view method,
                  std::vector<std::string_view>& values, Match& out,
                  const Node** path_match) const {
  if (rest.empty()) {
    if (node.routes.empty()) return false;
    const Route* found = nullptr;
    for (const Route& r : node.routes) {
      if (r.method == method) found = &r;
    }
    if (found == nullptr && method == "HEAD") {
      for (const Route& r : node.routes) {
        if (r.method == "GET") found = &r;
      }
    }
    if (found == nullptr) {
      if (*path_match == nullptr) *path_match = &node;
      return false;
    }
    out.kind = Match::Kind::kFound;
    out.handler = found->handler;
    out.params.resize(values.size());  // kept elements keep their strings' capacity
    for (size_t i = 0; i < values.size(); ++i) {
      out.params[i].name.assign(found->param_names[i]);
      percent_decode_into(out.params[i].value, values[i]);
    }
    return true;
  }
  std::string_view after = rest;
  std::string_view seg = next_segment(after);
  for (const auto& [text, child] : node.literals) {
    if (text == seg && walk(*child, after, method, values, out, path_match)) return true;
  }
  if (node.param && !seg.empty()) {
    values.push_back(seg);
    if (walk(*node.param, after, method, values, out, path_match)) return true;
    values.pop_back();
  }
  return false;
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match out;
  match(method, path, out);
  return out;
}

void Router::match(std::string_view method, std::string_view path, Match& out) const {
  out.kind = Match::Kind::kNotFound;
  out.handler = {};
  out.allow.clear();
  if (path.empty() || path[0] != '/') return;
  // The {param} segments met on the way (walk() pushes and pops them), kept per thread and
  // cleared here: there is a match on every request, and a fresh vector would be a heap block
  // each time. Bounded by the routes' own depth. No callback runs inside walk().
  thread_local std::vector<std::string_view> values;
  values.clear();
  const Node* path_match = nullptr;
  // "/" is the root node itself; any other path is walked segment by segment.
  std::string_view rest = path == "/" ? std::string_view() : path;
  if (walk(*root_, rest, method, values, out, &path_match)) return;
  if (path_match != nullptr) {
    out.kind = Match::Kind::kMethodNotAllowed;
    bool has_get = false, has_head = false;
    for (const Route& r : path_match->routes) {
      if (!out.allow.empty()) out.allow.append(", ");
      out.allow.append(r.method);
      has_get |= r.method == "GET";
      has_head |= r.method == "HEAD";
    }
    if (has_get && !has_head) out.allow.append(", HEAD");
  }
}

}  // namespace pb::http
