// The payload of a log line: plain "[tag] message", or JSON fields that stay valid JSON whatever
// the message holds.
#include "core/log/json_line.h"

#include <gtest/gtest.h>

namespace pb::log {
namespace {

std::string json(std::string_view tag, std::string_view message) {
  std::string out;
  append_json_fields(out, tag, message);
  return out;
}

TEST(JsonLine, PlainIsTagThenMessage) {
  std::string out;
  append_plain(out, "http", "listening on 127.0.0.1:1");
  EXPECT_EQ(out, "[http] listening on 127.0.0.1:1");
}

TEST(JsonLine, FieldsAreLoggerAndMsg) {
  EXPECT_EQ(json("store", "opened"), R"("logger":"store","msg":"opened")");
}

TEST(JsonLine, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(json("a\"b", "x\\y\n\t\r\x01\x7f"),
            R"("logger":"a\"b","msg":"x\\y\n\t\r\u0001\u007f")");
}

TEST(JsonLine, ValidUtf8IsKeptAndInvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(json("t", "caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"logger\":\"t\",\"msg\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  // A lone continuation byte, a truncated sequence, an overlong '/', an encoded surrogate.
  EXPECT_EQ(json("t", "\x80|\xE2\x82|\xC0\xAF|\xED\xA0\x80"),
            "\"logger\":\"t\",\"msg\":\"\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace pb::log
