#include <gtest/gtest.h>

#include "core/http/router.h"
#include "patchbay/plugin.h"

namespace pb::http {
namespace {

int tags[8];
Handler h(int i) {
  return Handler{[](void*, Request&) {}, &tags[i]};
}
int tag_of(const Match& m) { return static_cast<int>(static_cast<int*>(m.handler.user) - tags); }

TEST(Router, MatchesLiteralsAndDecodedParams) {
  Router r;
  ASSERT_EQ(r.add("POST", "/hooks/{hook_id}", h(1)), PB_OK);
  ASSERT_EQ(r.add("GET", "/api/v4/hooks/incoming/{hook_id}", h(2)), PB_OK);
  Match m = r.match("POST", "/hooks/abc%20def");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  EXPECT_EQ(tag_of(m), 1);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].name, "hook_id");
  EXPECT_EQ(m.params[0].value, "abc def");
  m = r.match("GET", "/api/v4/hooks/incoming/x%2Fy");
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  EXPECT_EQ(m.params[0].value, "x/y");  // an encoded slash stays inside the parameter
}

TEST(Router, LiteralBeatsParameterWithBacktracking) {
  Router r;
  ASSERT_EQ(r.add("GET", "/users/{user_id}/tokens", h(1)), PB_OK);
  ASSERT_EQ(r.add("GET", "/users/me", h(2)), PB_OK);
  ASSERT_EQ(r.add("GET", "/users/me/teams", h(3)), PB_OK);
  EXPECT_EQ(tag_of(r.match("GET", "/users/me")), 2);
  EXPECT_EQ(tag_of(r.match("GET", "/users/me/teams")), 3);
  Match m = r.match("GET", "/users/me/tokens");  // literal "me" fails further on: back to {user_id}
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  EXPECT_EQ(tag_of(m), 1);
  EXPECT_EQ(m.params[0].value, "me");
}

TEST(Router, ParamNamesBelongToEachRoute) {
  Router r;
  ASSERT_EQ(r.add("GET", "/t/{team_id}", h(1)), PB_OK);
  ASSERT_EQ(r.add("DELETE", "/t/{id}", h(2)), PB_OK);
  EXPECT_EQ(r.match("GET", "/t/9").params[0].name, "team_id");
  EXPECT_EQ(r.match("DELETE", "/t/9").params[0].name, "id");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router r;
  ASSERT_EQ(r.add("GET", "/a/{x}", h(1)), PB_OK);
  ASSERT_EQ(r.add("PUT", "/a/{x}", h(2)), PB_OK);
  EXPECT_EQ(r.match("GET", "/b").kind, Match::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/a").kind, Match::Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/a/").kind, Match::Kind::kNotFound);  // an empty parameter
  EXPECT_EQ(r.match("GET", "/a/1/2").kind, Match::Kind::kNotFound);
  Match m = r.match("POST", "/a/1");
  EXPECT_EQ(m.kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, PUT, HEAD");
  EXPECT_EQ(tag_of(r.match("HEAD", "/a/1")), 1);  // HEAD falls back to GET
}

TEST(Router, RootAndDuplicates) {
  Router r;
  ASSERT_EQ(r.add("GET", "/", h(1)), PB_OK);
  EXPECT_EQ(tag_of(r.match("GET", "/")), 1);
  EXPECT_EQ(r.add("GET", "/", h(2)), PB_E_EXISTS);
  ASSERT_EQ(r.add("GET", "/x/{a}", h(3)), PB_OK);
  EXPECT_EQ(r.add("GET", "/x/{b}", h(4)), PB_E_EXISTS);  // same shape, other name
  EXPECT_EQ(r.add("POST", "/x/{b}", h(4)), PB_OK);
  EXPECT_EQ(r.size(), 3u);
}

TEST(Router, RefusesBadPatterns) {
  Router r;
  for (const char* bad : {"", "x", "/a//b", "/a/", "/{}", "/{a-b}", "/a{b}", "/{a}/{a}", "/a}",
                          "/{a"}) {
    EXPECT_EQ(r.add("GET", bad, h(1)), PB_E_INVALID) << bad;
  }
  EXPECT_EQ(r.add("G T", "/a", h(1)), PB_E_INVALID);
  EXPECT_EQ(r.add("", "/a", h(1)), PB_E_INVALID);
  EXPECT_EQ(r.add("GET", "/a", Handler{}), PB_E_INVALID);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.match("GET", "/a").kind, Match::Kind::kNotFound);  // nothing half-registered
}

TEST(Router, AReusedMatchHoldsOnlyTheLatestResult) {
  Router r;
  ASSERT_EQ(r.add("GET", "/a/{x}/b/{y}", h(1)), PB_OK);
  ASSERT_EQ(r.add("GET", "/c/{z}", h(2)), PB_OK);
  ASSERT_EQ(r.add("GET", "/d", h(3)), PB_OK);
  Match m;
  r.match("GET", "/a/1%2F/b/22", m);
  ASSERT_EQ(m.kind, Match::Kind::kFound);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[1].name, "y");
  EXPECT_EQ(m.params[0].value, "1/");
  r.match("GET", "/c/3", m);  // fewer parameters: none of the earlier ones left
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].name, "z");
  EXPECT_EQ(m.params[0].value, "3");
  EXPECT_EQ(tag_of(m), 2);
  r.match("GET", "/d", m);
  EXPECT_EQ(tag_of(m), 3);
  EXPECT_TRUE(m.params.empty());
  r.match("POST", "/d", m);
  EXPECT_EQ(m.kind, Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.handler.fn, nullptr);
  EXPECT_EQ(m.allow, "GET, HEAD");
  r.match("GET", "/nowhere", m);  // no Allow left over from the previous match either
  EXPECT_EQ(m.kind, Match::Kind::kNotFound);
  EXPECT_TRUE(m.allow.empty());
}

TEST(Router, PercentDecode) {
  EXPECT_EQ(percent_decode("a%41%2fb"), "aA/b");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("+"), "+");  // only form bodies turn + into space
  EXPECT_EQ(percent_decode("o5m8xqzoqpd6bk4ynhxrbhhp3c"), "o5m8xqzoqpd6bk4ynhxrbhhp3c");
  EXPECT_EQ(percent_decode("%41bc%"), "Abc%");
  EXPECT_EQ(percent_decode(""), "");
}

}  // namespace
}  // namespace pb::http
