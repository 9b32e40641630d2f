// libFuzzer target: arbitrary bytes into the HTTP client's ResponseParser, split at points the
// input chooses, then EOF. The same bytes fed whole must give the same outcome, status, headers
// and body (splitting must not matter), and the parser's invariants hold: the body never exceeds
// the cap, headers stay within their limits, consumed never exceeds what was fed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_client/response_parser.h"

namespace {

using pb::http_client::ResponseParser;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Result {
  ResponseParser::Outcome outcome;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

Result run(std::string_view input, size_t piece, bool head, size_t cap, ResponseParser& parser) {
  parser.begin(head, cap);
  ResponseParser::Outcome outcome = ResponseParser::Outcome::kNeedMore;
  for (size_t at = 0; at < input.size(); at += piece) {
    std::string_view part = input.substr(at, piece);
    // A copy per piece, so a view kept into the caller's buffer would be caught by ASan.
    std::string copy(part);
    auto step = parser.feed(copy);
    check(step.consumed <= copy.size());
    outcome = step.outcome;
    if (outcome != ResponseParser::Outcome::kNeedMore) break;
    check(parser.body().size() <= cap);
  }
  if (outcome == ResponseParser::Outcome::kNeedMore) {
    outcome = parser.finish();
    check(outcome != ResponseParser::Outcome::kNeedMore);
  }
  Result r{outcome};
  if (outcome == ResponseParser::Outcome::kComplete) {
    r.status = parser.status();
    check(r.status >= 200 && r.status <= 599);
    check(parser.body().size() <= cap);
    check(parser.headers().size() <= ResponseParser::kMaxHeaders);
    if (head) check(parser.body().empty());
    for (const pb_http_header& h : parser.headers()) {
      r.headers.emplace_back(std::string(h.name.data, h.name.len), std::string(h.value.data, h.value.len));
    }
    r.body = std::string(parser.body());
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t piece = static_cast<size_t>(data[0]) + 1;  // 1..256
  bool head = (data[1] & 1) != 0;
  size_t cap = (data[1] & 2) != 0 ? 64 : 4096;       // small caps so the fuzzer reaches them
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  ResponseParser parser;
  Result split = run(input, piece, head, cap, parser);
  Result whole = run(input, input.empty() ? 1 : input.size(), head, cap, parser);  // reused parser
  check(split.outcome == whole.outcome);
  if (split.outcome == ResponseParser::Outcome::kComplete) {
    check(split.status == whole.status);
    check(split.headers == whole.headers);
    check(split.body == whole.body);
  }
  return 0;
}
