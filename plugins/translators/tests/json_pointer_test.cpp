// RFC 6901 pointers: parsing (escapes, errors) and resolution against objects and arrays.
#include <gtest/gtest.h>

#include "plugins/translators/json_pointer.h"

namespace pb::translators {
namespace {

const rapidjson::Value* at(const rapidjson::Document& d, std::string_view p) {
  std::string error;
  auto pointer = JsonPointer::parse(p, &error);
  EXPECT_TRUE(pointer) << error;
  return pointer ? pointer->resolve(d) : nullptr;
}

TEST(JsonPointer, Rfc6901ExamplesResolve) {
  rapidjson::Document d;
  d.Parse(R"({"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8})");
  EXPECT_TRUE(at(d, "")->IsObject());
  EXPECT_EQ(at(d, "/foo")->Size(), 2u);
  EXPECT_STREQ(at(d, "/foo/0")->GetString(), "bar");
  EXPECT_EQ(at(d, "/")->GetInt(), 0);
  EXPECT_EQ(at(d, "/a~1b")->GetInt(), 1);
  EXPECT_EQ(at(d, "/c%d")->GetInt(), 2);
  EXPECT_EQ(at(d, "/i\\j")->GetInt(), 5);
  EXPECT_EQ(at(d, "/k\"l")->GetInt(), 6);
  EXPECT_EQ(at(d, "/ ")->GetInt(), 7);
  EXPECT_EQ(at(d, "/m~0n")->GetInt(), 8);
}

TEST(JsonPointer, MissingAndInvalidIndexesReachNothing) {
  rapidjson::Document d;
  d.Parse(R"({"a":[10,20],"s":"x"})");
  EXPECT_EQ(at(d, "/a/2"), nullptr);
  EXPECT_EQ(at(d, "/a/01"), nullptr);
  EXPECT_EQ(at(d, "/a/-"), nullptr);
  EXPECT_EQ(at(d, "/a/x"), nullptr);
  EXPECT_EQ(at(d, "/s/0"), nullptr);
  EXPECT_EQ(at(d, "/nope"), nullptr);
  EXPECT_EQ(at(d, "/a/1")->GetInt(), 20);
}

TEST(JsonPointer, MalformedPointersAreRefusedWithAReason) {
  std::string error;
  EXPECT_FALSE(JsonPointer::parse("foo", &error));
  EXPECT_NE(error.find("does not start with '/'"), std::string::npos);
  EXPECT_FALSE(JsonPointer::parse("/a~2", &error));
  EXPECT_NE(error.find("'~'"), std::string::npos);
  EXPECT_FALSE(JsonPointer::parse("/a~", &error));
}

}  // namespace
}  // namespace pb::translators
