// core/log/json_line: whatever a log message holds (a plugin's text, a client's bytes), the JSON
// log line stays one valid JSON object on one line, and ASCII text survives unchanged.
// Input: tag '\0' message (no NUL: all of it is the message).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/log/json_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view tag = nul == std::string_view::npos ? "fuzz" : input.substr(0, nul);
  std::string_view message = nul == std::string_view::npos ? input : input.substr(nul + 1);

  std::string line = "{";
  pb::log::append_json_fields(line, tag, message);
  line += "}";
  if (line.find('\n') != std::string::npos) std::abort();  // one line per entry, always
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc["msg"].IsString() || !doc["logger"].IsString())
    std::abort();
  bool ascii = true;
  for (char c : message) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  std::string_view decoded(doc["msg"].GetString(), doc["msg"].GetStringLength());
  if (ascii && decoded != message) std::abort();
  if (decoded.size() > 3 * message.size()) std::abort();  // at most U+FFFD per byte

  std::string plain;
  pb::log::append_plain(plain, tag, message);
  if (plain.size() != tag.size() + message.size() + 3) std::abort();
  return 0;
}
