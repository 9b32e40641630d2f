// How manifest and settings errors name what they found ("got a string"), in one place.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace pb::plugin_host {

inline std::string_view json_type_word(simdjson::dom::element_type type) {
  using simdjson::dom::element_type;
  switch (type) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

}  // namespace pb::plugin_host
