// Router: method + path pattern -> handler, with {name} parameters.
//
// Patterns are absolute paths whose segments are literal text or a whole-segment parameter:
// "/api/v4/hooks/incoming/{hook_id}". At every segment a literal beats a parameter (with
// backtracking, so "/a/b/c" and "/a/{x}/d" both match what they should). Parameter values are
// percent-decoded; literal segments are compared to the raw path. A HEAD request matches a
// GET route when no HEAD route exists (the server sends no body for HEAD).
//
// Threading: add() during start-up; match() is const and may run concurrently with other
// match() calls. Not thread-safe against add().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/params.h"

namespace pb::http {

class Request;

// What the host stores per route: a plain function and its context (no allocation, no
// ownership: `user` must outlive the router).
struct Handler {
  void (*fn)(void* user, Request& request) = nullptr;
  void* user = nullptr;
};

struct Match {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  Handler handler;     // kFound
  Params params;       // kFound: in pattern order, percent-decoded
  std::string allow;   // kMethodNotAllowed: "GET, POST" for the Allow header
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers `h` for `method` (a token such as "GET") on `pattern`.
  // Returns PB_OK, PB_E_EXISTS (same method and same pattern shape, whatever the parameter
  // names), PB_E_INVALID (bad method, pattern not starting with '/', empty segment, a brace
  // that is not a whole {name} segment, a parameter name not [A-Za-z0-9_]+, or a repeated one).
  int add(std::string_view method, std::string_view pattern, Handler h);

  Match match(std::string_view method, std::string_view path) const;

  // The same into `out`, whose parameters' storage is reused: the server matches every request
  // into one Match, so a routed request's {param} values cost no heap block once warm.
  void match(std::string_view method, std::string_view path, Match& out) const;

  // Number of (method, pattern) routes registered.
  size_t size() const { return count_; }

 private:
  struct Node;
  struct Route;
  bool walk(const Node& node, std::string_view rest, std::string_view method,
            std::vector<std::string_view>& values, Match& out, const Node** path_match) const;

  std::unique_ptr<Node> root_;
  size_t count_ = 0;
};

// Percent-decodes `in` ("%2F" -> "/"); a '%' not followed by two hex digits is kept as is.
std::string percent_decode(std::string_view in);
// The same into `out` (replacing what it held, keeping its capacity).
void percent_decode_into(std::string& out, std::string_view in);

}  // namespace pb::http
