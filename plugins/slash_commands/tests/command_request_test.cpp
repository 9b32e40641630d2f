#include "plugins/slash_commands/command_request.h"

#include <gtest/gtest.h>

namespace pb::slash {
namespace {

InvocationParams params() {
  InvocationParams p;
  p.token = "tok";
  p.team_id = "team";
  p.team_domain = "dom";
  p.channel_id = "chan";
  p.channel_name = "town-square";
  p.user_id = "uid";
  p.user_name = "alice";
  p.command = "/deploy";
  p.text = "prod & more=1 ü";
  p.trigger_id = "trig";
  p.response_url = "http://h/hooks/commands/x";
  p.root_id = "";
  return p;
}

TEST(CommandRequest, FormIsSortedAndEscapedAsGo) {
  EXPECT_EQ(encode_params(params()),
            "channel_id=chan&channel_name=town-square&command=%2Fdeploy&response_url=http%3A%2F%2Fh%"
            "2Fhooks%2Fcommands%2Fx&root_id=&team_domain=dom&team_id=team&text=prod+%26+more%3D1+%"
            "C3%BC&token=tok&trigger_id=trig&user_id=uid&user_name=alice");
}

// Every byte value, as Go's url.QueryEscape writes it, appended after what `out` held (the
// escaper writes into room it reserves, then trims: nothing of that room may stay).
TEST(CommandRequest, EveryByteIsEscapedAsGoAfterWhatWasThere) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string expected = "head:";
  for (int c = 0; c < 256; ++c) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      expected += static_cast<char>(c);
    } else if (c == ' ') {
      expected += '+';
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      expected += '%';
      expected += kHex[c >> 4];
      expected += kHex[c & 0xF];
    }
  }
  std::string out = "head:";
  append_query_escaped(out, all);
  EXPECT_EQ(out, expected);
  append_query_escaped(out, "");
  EXPECT_EQ(out, expected);
}

TEST(CommandRequest, PostSendsTheFormAsBody) {
  OutboundRequest r = build_request("P", "http://x/cmd?keep=1", params());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://x/cmd?keep=1");
  EXPECT_TRUE(r.form_body);
  EXPECT_EQ(r.body, encode_params(params()));
  EXPECT_EQ(r.authorization, "Token tok");
}

// Wire spec §10 case 39: parameters already in the URL stay.
TEST(CommandRequest, GetMergesIntoTheQuery) {
  OutboundRequest r = build_request("G", "http://x/cmd?cmd=ourCommand#frag", params());
  EXPECT_EQ(r.method, "GET");
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.form_body);
  EXPECT_EQ(r.url, "http://x/cmd?cmd=ourCommand&" + encode_params(params()));
  EXPECT_EQ(build_request("G", "http://x/cmd", params()).url,
            "http://x/cmd?" + encode_params(params()));
  EXPECT_EQ(build_request("G", "http://x/cmd?", params()).url,
            "http://x/cmd?" + encode_params(params()));
}

// The plugin builds every request into one OutboundRequest: nothing of the previous request
// (a POST's body and form flag, a longer URL or token) stays in the next.
TEST(CommandRequest, AReusedRequestCarriesNothingOfThePreviousOne) {
  OutboundRequest r;
  InvocationParams long_one = params();
  std::string long_token(200, 't');
  long_one.token = long_token;
  build_request("P", "http://x/a-rather-long-path?keep=1", long_one, r);
  ASSERT_TRUE(r.form_body);
  build_request("G", "http://x/cmd", params(), r);
  EXPECT_EQ(r.method, "GET");
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.form_body);
  EXPECT_EQ(r.url, "http://x/cmd?" + encode_params(params()));
  EXPECT_EQ(r.authorization, "Token tok");
  build_request("P", "http://x/cmd", params(), r);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://x/cmd");
  EXPECT_EQ(r.body, encode_params(params()));
  EXPECT_TRUE(r.form_body);
  // append_params adds to what is there, with no leading '&'.
  std::string out = "prefix";
  append_params(out, params());
  EXPECT_EQ(out, "prefix" + encode_params(params()));
}

}  // namespace
}  // namespace pb::slash
