// sdk/include/patchbay/json_parse.hpp: skipping the UTF-8 check on all-ASCII text never changes
// the answer. Every input parses to the same error (code and offset) or the same document as
// RapidJSON's parse with kParseValidateEncodingFlag, in both the copying and the in-place form.
#include <patchbay/json_parse.hpp>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace {

using namespace std::string_literals;

std::string outcome(const rapidjson::Document& doc) {
  if (doc.HasParseError()) {
    return "error " + std::to_string(doc.GetParseError()) + " at " +
           std::to_string(doc.GetErrorOffset());
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  doc.Accept(writer);
  return out.GetString();
}

const std::vector<std::string>& inputs() {
  static const std::vector<std::string> all = {
      "{}", "[1,2.5,-3e2,true,null]", R"({"a":"b","c":{"d":[]}})", R"({"a":"\u00e9\ud83d\ude00"})",
      R"({"a":"\ud800"})", R"({"a":"\udc00x"})", R"({"a":"\x"})", "{\"a\":\"tab\there\"}",
      "{\"a\":1,}", "[1 2]", "{\"a\":1} x", "", "   ", "nul", "\"\\u12\"", "{\"a\":\"b\0c\"}"s,
      "{\"\xc3\xa9\":\"\xe2\x82\xac\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xc0\xaf\"}",
      "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xff\"}",
      "\xef\xbb\xbf{}", "[\"\xe2\x82\"]", "{\"a\":\"\xe2\x82\xac\",\"b\":\"\x80\"}"};
  return all;
}

TEST(JsonParse, CheckingUtf8OnlyWhereItCanFailGivesTheSameAnswer) {
  for (const std::string& text : inputs()) {
    rapidjson::Document always, fast;
    always.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    pb::sdk::parse_checking_utf8<rapidjson::kParseNoFlags>(fast, text);
    EXPECT_EQ(outcome(fast), outcome(always)) << text;
  }
}

TEST(JsonParse, InPlaceFormGivesTheSameAnswer) {
  for (const std::string& text : inputs()) {
    // NUL padding, as the header asks for in-place parses that check UTF-8.
    std::string a = text + std::string(4, '\0'), b = a;
    rapidjson::Document always, fast;
    always.ParseInsitu<rapidjson::kParseValidateEncodingFlag>(a.data());
    pb::sdk::parse_insitu_checking_utf8<rapidjson::kParseNoFlags>(fast, b);
    EXPECT_EQ(outcome(fast), outcome(always)) << text;
  }
}

}  // namespace
