// libFuzzer target for the translators engine: the input is split at the first NUL byte into a
// rule file and a translate-request body. The rule file is loaded (validation must refuse, never
// crash); when it loads, the body is translated through the request handler, whose answer must
// always be JSON in valid UTF-8 (checked by parsing it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "plugins/translators/registry.h"
#include "plugins/translators/translate_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  std::string_view rules = input.substr(0, split);
  std::string_view body = split == std::string_view::npos ? std::string_view("{}") : input.substr(split + 1);

  pb::translators::Limits limits;
  limits.max_output_bytes = 64 * 1024;  // keeps each run fast; the bound is what is tested
  pb::translators::Registry registry(limits);
  if (!registry.load_text(rules, "fuzz.json").empty()) return 0;
  pb::translators::RequestHandler handler(registry);
  pb::translators::Answer answer;
  for (const auto* t : registry.all()) {
    std::string request = "{\"op\":\"translate\",\"translator\":\"" + t->name() +
                          "\",\"variables\":{\"v\":\"x\"},\"headers\":{\"x-event\":\"push\"},\"body\":";
    request += body;
    request += '}';
    handler.handle(request, answer);
    rapidjson::Document check;
    check.Parse<rapidjson::kParseValidateEncodingFlag>(answer.json.data(), answer.json.size());
    if (check.HasParseError() || !check.IsObject()) std::abort();
    handler.handle("{\"op\":\"describe\",\"translator\":\"" + t->name() + "\"}", answer);
  }
  return 0;
}
