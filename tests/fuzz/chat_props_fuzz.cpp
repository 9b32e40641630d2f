// libFuzzer target for the check every post's props pass before they are stored
// (core/chat/json_object.h). The input is the props text. Beyond "no crash, no sanitizer report":
//  - the plain scan says yes only where RapidJSON's reader does (the stored row's readers are
//    RapidJSON: a yes it would not give is a post nobody can read back);
//  - is_json_object gives RapidJSON's answer, whichever half decided.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/chat/json_object.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view props(reinterpret_cast<const char*>(data), size);
  const bool authority = pb::chat::rapidjson_json_object(props);
  if (pb::chat::plainly_json_object(props) && !authority) std::abort();
  if (pb::chat::is_json_object(props) != authority) std::abort();
  return 0;
}
