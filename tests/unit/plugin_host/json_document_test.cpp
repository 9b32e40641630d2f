// The SDK's SmallDocument: small documents parse into its inline buffers, documents larger than
// them still parse whole (the pool grows), and values read like any rapidjson::Value.
#include <gtest/gtest.h>

#include <string>

#include "patchbay/json_document.hpp"

namespace {

using pb::sdk::PooledDocument;
using pb::sdk::SmallDocument;

// What request-path code does with a document: read through the common Value type.
std::string name_of(const rapidjson::Value& v) {
  auto it = v.FindMember("name");
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

TEST(SmallDocument, SmallObjectParses) {
  SmallDocument<> doc;
  doc.Parse(R"({"name":"town-square","type":"O","n":42})");
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(name_of(doc), "town-square");
  EXPECT_EQ(doc["n"].GetInt(), 42);
}

TEST(SmallDocument, DocumentLargerThanItsBuffersParsesWhole) {
  // 2,000 members with 40-byte values and 20 levels of nesting: far past 256 + 256 bytes.
  std::string text = "{";
  for (int i = 0; i < 2000; ++i) {
    if (i != 0) text += ',';
    text += "\"key" + std::to_string(i) + "\":\"" + std::string(40, 'a' + i % 26) + "\"";
  }
  text += ",\"deep\":" + std::string(20, '[') + "\"x\"" + std::string(20, ']') + "}";
  SmallDocument<256, 256> doc;
  doc.Parse(text.data(), text.size());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc.MemberCount(), 2001u);
  EXPECT_EQ(std::string(doc["key1999"].GetString()), std::string(40, 'a' + 1999 % 26));
  const rapidjson::Value* v = &doc["deep"];
  for (int i = 0; i < 20; ++i) v = &(*v)[0];
  EXPECT_EQ(std::string(v->GetString()), "x");
}

// A stored row of ~40 members (a user row has about that many) parses in the inline buffers:
// no heap chunk, which is what the request paths that parse rows count on.
TEST(SmallDocument, ARowOfFortyMembersNeedsNoHeap) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) {
    if (i != 0) text += ',';
    text += "\"field" + std::to_string(i) + "\":\"value" + std::to_string(i) + "\"";
  }
  text += "}";
  SmallDocument<> doc;
  doc.Parse(text.data(), text.size());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc.MemberCount(), 40u);
  EXPECT_FALSE(doc.outgrew_buffers());
  SmallDocument<4096, 1024> narrow;  // the old parse stack: the same row outgrows it
  narrow.Parse(text.data(), text.size());
  ASSERT_FALSE(narrow.HasParseError());
  EXPECT_TRUE(narrow.outgrew_buffers());
}

TEST(SmallDocument, ParseErrorsAreReportedAndTheDocumentCanParseAgain) {
  SmallDocument<> doc;
  doc.Parse(R"({"name":)");
  EXPECT_TRUE(doc.HasParseError());
  doc.Parse(R"({"name":"again"})");
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(name_of(doc), "again");
}

// A function that fills a document takes the PooledDocument every SmallDocument is.
bool parse_into(PooledDocument& doc, const char* text) {
  doc.Parse(text);
  return !doc.HasParseError() && doc.IsObject();
}

TEST(SmallDocument, SizesShareOnePooledDocumentType) {
  SmallDocument<8192> big;
  SmallDocument<512, 128> small;
  EXPECT_TRUE(parse_into(big, R"({"name":"big"})"));
  EXPECT_TRUE(parse_into(small, R"({"name":"small"})"));
  EXPECT_FALSE(parse_into(small, "[1,2]"));
  EXPECT_EQ(name_of(big), "big");
}

}  // namespace
