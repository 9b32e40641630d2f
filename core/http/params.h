// Route parameters: {name} segments of a route pattern, percent-decoded, in pattern order.
#pragma once

#include <string>
#include <vector>

namespace pb::http {

struct Param {
  std::string name;
  std::string value;
};

using Params = std::vector<Param>;

}  // namespace pb::http
