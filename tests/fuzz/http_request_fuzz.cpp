// libFuzzer target: arbitrary bytes into the RequestParser, split at points chosen by the
// input itself, without sockets. Checks the parser's own invariants on the way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/http/request.h"
#include "core/http/request_parser.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte picks the piece size (1..256), so splits land everywhere.
  size_t piece = static_cast<size_t>(data[0]) + 1;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  pb::http::Limits limits;
  limits.max_header_bytes = 2048;  // small limits so the fuzzer reaches them
  limits.max_body_bytes = 4096;
  pb::http::RequestParser parser(limits);
  pb::http::Request request;

  size_t pos = 0;
  while (pos < input.size()) {
    std::string_view chunk = input.substr(pos, piece);
    pos += chunk.size();
    while (!chunk.empty()) {
      auto step = parser.feed(chunk, request);
      check(step.consumed <= chunk.size());
      chunk.remove_prefix(step.consumed);
      if (step.outcome == pb::http::RequestParser::Outcome::kError) {
        int status = parser.error().status;
        check(status == 400 || status == 413 || status == 417 || status == 431 || status == 505);
        return 0;
      }
      if (step.outcome == pb::http::RequestParser::Outcome::kNeedMore) {
        check(chunk.empty());
        break;
      }
      // A complete request: touch everything the host could read.
      check(request.body().size() <= limits.max_body_bytes);
      check(request.request_id().size() == 26);
      for (size_t i = 0; i < request.header_count(); ++i) {
        auto h = request.header_at(i);
        check(!h.name.empty());
        check(h.name.find_first_of(" \t\r\n:") == std::string_view::npos);
        check(h.value.find_first_of("\r\n") == std::string_view::npos);
      }
      (void)request.path();
      (void)request.query();
      (void)request.header("content-type");
      if (parser.upgrade()) return 0;  // what follows is not HTTP
    }
  }
  return 0;
}
