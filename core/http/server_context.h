// Internal: what every connection of one Server shares. Connections hold it by shared_ptr so a
// connection whose requests are still outstanding can outlive the Server object.
#pragma once

#include <functional>
#include <string>

#include "core/http/limits.h"

namespace pb::http {

class Connection;
class Request;
class Server;

struct ServerContext {
  Limits limits;
  std::string version_line;  // "X-Version-Id: <id>\r\n", precomputed
  bool expose_detailed_errors = false;
  std::function<void(Request&)> dispatch;
  void (*on_answered)(void* user, const Request& request) = nullptr;  // ServerOptions'
  void* on_answered_user = nullptr;
  Server* server = nullptr;  // null once the Server is destroyed
  // Closed connections that still wait for answers to dispatched requests (their client left),
  // linked through Connection::prev/next; Server::answer_orphans() ends them.
  Connection* orphans = nullptr;
};

}  // namespace pb::http
