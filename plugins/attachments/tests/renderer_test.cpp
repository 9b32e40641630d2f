// The Markdown rendering of attachments offered as "attachments.render".
#include <gtest/gtest.h>

#include "plugins/attachments/renderer.h"

namespace pb::attachments {
namespace {

TEST(Renderer, RendersEveryPartOfAnAttachment) {
  auto out = render_attachments(
      R"([{"fallback":"fb","color":"#36a64f","pretext":"Pre","author_name":"Bobby",)"
      R"("author_link":"http://a.example","title":"Build 7","title_link":"http://ci.example/7",)"
      R"("text":"line 1\nline 2","fields":[{"title":"Priority","value":"High","short":false},)"
      R"({"title":"A","value":"1","short":true},{"title":"B","value":"x|y","short":true},)"
      R"({"title":"C","value":"3","short":true}],"footer":"CI","ts":1700000000}])");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "Pre\n"
            "> [#36A64F]\n"
            "> [Bobby](http://a.example)\n"
            "> **[Build 7](http://ci.example/7)**\n"
            "> line 1\n"
            "> line 2\n"
            "> **Priority**\n"
            "> High\n"
            "> | **A** | **B** |\n"
            "> |:--|:--|\n"
            "> | 1 | x\\|y |\n"
            "> | **C** |  |\n"
            "> |:--|:--|\n"
            "> | 3 |  |\n"
            "> _CI · 1700000000_\n");
}

TEST(Renderer, ColourNamesMapToSlackHexAndInvalidOnesAreLeftOut) {
  EXPECT_EQ(resolve_color("good"), "#2EB886");
  EXPECT_EQ(resolve_color("warning"), "#DAA038");
  EXPECT_EQ(resolve_color("danger"), "#A30200");
  EXPECT_EQ(resolve_color("#a1b2c3"), "#A1B2C3");
  EXPECT_EQ(resolve_color("blue"), "");
  auto out = render_attachments(R"([{"color":"blue","text":"t"},{"color":"danger","title":"T"}])");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "> t\n\n> [#A30200]\n> **T**\n");
}

TEST(Renderer, FallbackOnlyWhenNothingElseShows) {
  EXPECT_EQ(*render_attachments(R"([{"fallback":"plain"}])"), "> plain\n");
  EXPECT_EQ(*render_attachments(R"([{"fallback":"plain","text":"rich"}])"), "> rich\n");
  EXPECT_EQ(*render_attachments(R"([{}, null, 5])"), "");
}

TEST(Renderer, RefusesWhatIsNotAnArray) {
  EXPECT_FALSE(render_attachments("{}"));
  EXPECT_FALSE(render_attachments("[1,"));
  EXPECT_TRUE(render_attachments("[]"));
}

}  // namespace
}  // namespace pb::attachments
