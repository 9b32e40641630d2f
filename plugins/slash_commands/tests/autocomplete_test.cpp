// Autocomplete arguments: the AutocompleteData reader and its limits (autocomplete_data.h), the
// suggestion engine over arguments of each kind, named and positional, quoted values
// (autocomplete_suggestions.h), and the DynamicList request URL (dynamic_list.h).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "plugins/slash_commands/autocomplete_suggestions.h"
#include "plugins/slash_commands/dynamic_list.h"

namespace pb::slash {
namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::optional<AutocompleteNode> tree(const std::string& json, const AutocompleteLimits& limits = {}) {
  return autocomplete_from_json(parse(json), limits);
}

// /jira create PROJECT SUMMARY [--assignee USER] [--priority high|low]
const char* kJira = R"({"Trigger":"jira","HelpText":"Jira","SubCommands":[
  {"Trigger":"create","Hint":"[project] [summary]","HelpText":"New issue","Arguments":[
    {"Name":"","HelpText":"Project","Type":"StaticList","Required":true,"Data":{"PossibleArguments":[
      {"Item":"core","Hint":"the core","HelpText":"Core team"},
      {"Item":"web","Hint":"","HelpText":"Web"},
      {"Item":"webhooks","Hint":"","HelpText":"Hooks"}]}},
    {"Name":"","HelpText":"Summary","Type":"TextInput","Required":true,"Data":{"Hint":"[summary]","Pattern":".+"}},
    {"Name":"assignee","HelpText":"Who","Type":"DynamicList","Required":false,"Data":{"FetchURL":"https://jira.example.com/users"}},
    {"Name":"priority","HelpText":"How urgent","Type":"StaticList","Required":false,"Data":{"PossibleArguments":[
      {"Item":"high","Hint":"","HelpText":"Now"},{"Item":"low","Hint":"","HelpText":"Later"}]}}]},
  {"Trigger":"close","Arguments":[{"Name":"","HelpText":"Issue key","Type":"TextInput","Required":true,"Data":{"Hint":"KEY-1","Pattern":""}}]}]})";

class Engine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = tree(kJira);
    ASSERT_TRUE(node);
    jira = std::move(*node);
  }

  std::vector<Suggestion> run(std::string_view input, const DynamicItemsFn& dynamic = {}) {
    return suggest({&jira}, input, false, dynamic);
  }

  // "Suggestion|Complete" of each suggestion.
  std::vector<std::string> pairs(std::string_view input, const DynamicItemsFn& dynamic = {}) {
    std::vector<std::string> out;
    for (const Suggestion& s : run(input, dynamic)) out.push_back(s.suggestion + "|" + s.complete);
    return out;
  }

  using V = std::vector<std::string>;
  AutocompleteNode jira;
};

TEST_F(Engine, SubCommandsBeforeArguments) {
  EXPECT_EQ(pairs("ji"), (V{"jira|jira"}));
  EXPECT_EQ(pairs("jira "), (V{"create|jira create", "close|jira close"}));
  EXPECT_EQ(pairs("JIRA cr"), (V{"create|JIRA create"}));
}

TEST_F(Engine, PositionalStaticListFilteredByPrefix) {
  EXPECT_EQ(pairs("jira create "),
            (V{"core|jira create core", "web|jira create web", "webhooks|jira create webhooks"}));
  EXPECT_EQ(pairs("jira create WE"), (V{"web|jira create web", "webhooks|jira create webhooks"}));
  auto s = run("jira create c");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].hint, "the core");
  EXPECT_EQ(s[0].description, "Core team");
  EXPECT_TRUE(run("jira create x").empty());
}

TEST_F(Engine, TextInputIsOneSuggestionWithItsHint) {
  auto s = run("jira create web ");  // the item and its space are consumed
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].suggestion, "");
  EXPECT_EQ(s[0].complete, "jira create web ");
  EXPECT_EQ(s[0].hint, "[summary]");
  EXPECT_EQ(s[0].description, "Summary");
  EXPECT_EQ(pairs("jira create web fix"), (V{"|jira create web fix"}));
  EXPECT_EQ(pairs("jira close AB-"), (V{"|jira close AB-"}));
}

TEST_F(Engine, QuotedValueMayHoldSpaces) {
  EXPECT_EQ(pairs(R"(jira create web "fix the)"), (V{R"(|jira create web "fix the)"}));
  EXPECT_EQ(pairs(R"(jira create web "fix the bug" )"),
            (V{R"(--assignee|jira create web "fix the bug" --assignee )",
               R"(--priority|jira create web "fix the bug" --priority )"}));
  EXPECT_EQ(pairs(R"(jira create web "fix the bug" --priority l)"),
            (V{R"(low|jira create web "fix the bug" --priority low)"}));
}

TEST_F(Engine, NamedArgumentsNameThenValue) {
  // A started name is completed; a name that matches nothing offers nothing from it.
  EXPECT_EQ(pairs("jira create web fix --p"), (V{"--priority|jira create web fix --priority "}));
  EXPECT_EQ(pairs("jira create web fix --PR"), (V{"--priority|jira create web fix --PRiority "}));
  EXPECT_TRUE(run("jira create web fix --zzz").empty());
  EXPECT_EQ(pairs("jira create web fix --priority "),
            (V{"high|jira create web fix --priority high", "low|jira create web fix --priority low"}));
  EXPECT_EQ(pairs("jira create web fix --priority h"), (V{"high|jira create web fix --priority high"}));
  // The arguments are walked in order: once --priority is given, the --assignee before it is
  // not offered any more (as in Mattermost).
  EXPECT_TRUE(run("jira create web fix --priority high ").empty());
}

TEST_F(Engine, DynamicListAsksForItemsAndFiltersThem) {
  std::vector<AutocompleteListItem> users{{"alice", "", "Alice"}, {"bob", "", "Bob"}, {"alan", "", ""}};
  std::vector<std::string> asked;
  DynamicItemsFn dynamic = [&](const AutocompleteNode& root, const AutocompleteArgument& arg,
                               std::string_view parsed, std::string_view rest) {
    EXPECT_EQ(root.trigger, "jira");
    asked.push_back(arg.fetch_url + " " + std::string(parsed) + "|" + std::string(rest));
    return &users;
  };
  EXPECT_EQ(pairs("jira create web fix --assignee a", dynamic),
            (V{"alice|jira create web fix --assignee alice", "alan|jira create web fix --assignee alan"}));
  ASSERT_FALSE(asked.empty());
  // A given value is consumed; the next named argument is offered.
  EXPECT_EQ(pairs("jira create web fix --assignee bob ", dynamic),
            (V{"--priority|jira create web fix --assignee bob --priority "}));
  EXPECT_EQ(asked[0], "https://jira.example.com/users jira create web fix --assignee |a");
  // Without items (not fetched, or failed) the argument offers nothing; the next one is offered.
  EXPECT_EQ(pairs("jira create web fix --assignee "),
            (V{"--priority|jira create web fix --assignee --priority "}));
  auto none = [](const AutocompleteNode&, const AutocompleteArgument&, std::string_view,
                 std::string_view) -> const std::vector<AutocompleteListItem>* { return nullptr; };
  EXPECT_EQ(pairs("jira create web fix --assignee ", none),
            (V{"--priority|jira create web fix --assignee --priority "}));
}

TEST_F(Engine, RoleHidesNodesFromUsers) {
  auto node = tree(R"({"Trigger":"ops","SubCommands":[{"Trigger":"purge","RoleID":"system_admin"},{"Trigger":"peek"}]})");
  ASSERT_TRUE(node);
  EXPECT_EQ(suggest({&*node}, "ops p", false).size(), 1u);
  EXPECT_EQ(suggest({&*node}, "ops p", true).size(), 2u);
}

TEST(AutocompleteWalk, BoundedInStepsAndSuggestions) {
  // Twelve optional positional lists: every "x " typed may be any of them, 2^12 paths.
  std::string json = R"({"Trigger":"t","Arguments":[)";
  for (int i = 0; i < 12; ++i) {
    json += std::string(i ? "," : "") +
            R"({"Name":"","Type":"StaticList","Required":false,"Data":{"PossibleArguments":[{"Item":"x"},{"Item":"xy"}]}})";
  }
  json += "]}";
  auto node = tree(json);
  ASSERT_TRUE(node);
  std::string input = "t x x x x x x x x x x x x";
  SuggestLimits small;
  small.max_steps = 3;
  EXPECT_LT(suggest({&*node}, input, false, {}, small).size(),
            suggest({&*node}, input, false).size());
  EXPECT_LE(suggest({&*node}, input, false).size(), SuggestLimits{}.max_suggestions);

  std::string many = R"({"Trigger":"t","Arguments":[{"Name":"","Type":"StaticList","Required":true,"Data":{"PossibleArguments":[)";
  for (int i = 0; i < 600; ++i) many += std::string(i ? "," : "") + R"({"Item":"i)" + std::to_string(i) + "\"}";
  many += "]}}]}";
  auto big = tree(many);
  ASSERT_TRUE(big);
  EXPECT_EQ(suggest({&*big}, "t ", false).size(), SuggestLimits{}.max_suggestions);
}

TEST(AutocompleteData, ReadsEachArgumentKind) {
  auto node = tree(kJira);
  ASSERT_TRUE(node);
  const auto& args = node->sub_commands.at(0).arguments;
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0].type, ArgumentType::kStaticList);
  EXPECT_EQ(args[0].items.size(), 3u);
  EXPECT_TRUE(args[0].required);
  EXPECT_EQ(args[1].type, ArgumentType::kText);
  EXPECT_EQ(args[1].hint, "[summary]");
  EXPECT_EQ(args[1].pattern, ".+");
  EXPECT_EQ(args[2].type, ArgumentType::kDynamicList);
  EXPECT_EQ(args[2].name, "assignee");
  EXPECT_EQ(args[2].fetch_url, "https://jira.example.com/users");
  EXPECT_FALSE(args[2].required);
}

TEST(AutocompleteData, RefusesWhatMattermostRefusesAndMalformedShapes) {
  const std::string text = R"({"Name":"","Type":"TextInput","Required":true,"Data":{"Hint":"h"}})";
  const std::string named = R"({"Name":"n","Type":"TextInput","Required":false,"Data":{"Hint":"h"}})";
  EXPECT_TRUE(tree(R"({"Trigger":"t","Arguments":[)" + text + "," + named + "]}"));
  for (const std::string& bad : std::vector<std::string>{
           R"({"Trigger":"t","Arguments":[)" + text + R"(],"SubCommands":[{"Trigger":"s"}]})",
           R"({"Trigger":"t","Arguments":[)" + named + "," + text + "]}",  // positional after named
           R"({"Trigger":"t","Arguments":[{"Name":"","Type":"TextInput","Required":false,"Data":{}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"Date","Required":false,"Data":{}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"StaticList","Data":{"PossibleArguments":[{"Item":""}]}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"DynamicList","Data":{}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"DynamicList"}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"DynamicList","Data":{"FetchURL":"http://x/a b"}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a b","Type":"TextInput","Data":{}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"TextInput","Required":"yes","Data":{}}]})",
           R"({"Trigger":"t","Arguments":[{"Name":"a","Type":"TextInput","Data":[]}]})",
           R"({"Trigger":"t","Arguments":{}})",
           R"({"Trigger":"t","RoleID":"root"})",
           R"({"Trigger":"t","SubCommands":[{"Trigger":""}]})",
           R"({"Trigger":"t","Hint":)" + std::string("\"") + std::string(1025, 'h') + "\"}",
       }) {
    EXPECT_FALSE(tree(bad)) << bad;
  }
}

TEST(AutocompleteData, LimitsBoundTheWholeTree) {
  auto arguments = [](int n) {
    std::string json = R"({"Trigger":"t","Arguments":[)";
    for (int i = 0; i < n; ++i) {
      json += std::string(i ? "," : "") + R"({"Name":"a)" + std::to_string(i) +
              R"(","Type":"TextInput","Data":{}})";
    }
    return json + "]}";
  };
  EXPECT_TRUE(tree(arguments(12)));
  EXPECT_FALSE(tree(arguments(13)));

  // 20 sub-commands of 20 sub-commands: 421 nodes, past 256 in all though each level is small.
  std::string wide = R"({"Trigger":"t","SubCommands":[)";
  for (int i = 0; i < 20; ++i) {
    wide += std::string(i ? "," : "") + R"({"Trigger":"s","SubCommands":[)";
    for (int k = 0; k < 20; ++k) wide += std::string(k ? "," : "") + R"({"Trigger":"l"})";
    wide += "]}";
  }
  wide += "]}";
  EXPECT_FALSE(tree(wide));
  AutocompleteLimits roomy;
  roomy.max_nodes = 500;
  EXPECT_TRUE(tree(wide, roomy));

  // List items are counted over the whole tree.
  auto lists = [](int per_list) {
    std::string json = R"({"Trigger":"t","Arguments":[)";
    for (int a = 0; a < 2; ++a) {
      json += std::string(a ? "," : "") + R"({"Name":"a)" + std::to_string(a) +
              R"(","Type":"StaticList","Data":{"PossibleArguments":[)";
      for (int i = 0; i < per_list; ++i) json += std::string(i ? "," : "") + R"({"Item":"i"})";
      json += "]}}";
    }
    return json + "]}";
  };
  EXPECT_TRUE(tree(lists(512)));
  EXPECT_FALSE(tree(lists(513)));
}

TEST(AutocompleteData, TreeDepthIsBounded) {
  std::string json = R"({"Trigger":"a","SubCommands":[)";
  for (int i = 0; i < 10; ++i) json += R"({"Trigger":"a","SubCommands":[)";
  for (int i = 0; i < 10; ++i) json += "]}";
  json += "]}";
  EXPECT_FALSE(tree(json));
  AutocompleteLimits deep;
  deep.max_depth = 12;
  EXPECT_TRUE(tree(json, deep));
}

TEST(DynamicListAnswer, ReadsItemsAndRefusesWhatIsNoList) {
  auto items = list_items_from_json(
      R"([{"Item":"alice","Hint":"h","HelpText":"Alice"},{"Hint":"no item"},7,{"Item":"bob"}])");
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].help_text, "Alice");
  EXPECT_EQ((*items)[1].item, "bob");
  EXPECT_EQ(list_items_from_json("[]")->size(), 0u);
  EXPECT_EQ(list_items_from_json(R"([{"Item":"a"},{"Item":"b"},{"Item":"c"}])", 2)->size(), 2u);
  for (std::string bad : std::vector<std::string>{"", "garbage", R"({"Item":"a"})", "[{\"Item\":\"a\"}", "[[[[[]]]]]",
                          "[{\"Item\":\"\xff\"}]", "null"}) {
    EXPECT_FALSE(list_items_from_json(bad)) << bad;
  }
}

TEST(DynamicListUrl, QueryAsMattermostSendsIt) {
  DynamicListQuery q;
  q.user_input = "jira create web fix --assignee a b";
  q.parsed = "jira create web fix --assignee ";
  q.channel_id = "c";
  q.team_id = "t";
  q.user_id = "u";
  q.site_url = "https://chat.example.com";
  EXPECT_EQ(dynamic_list_url("https://jira.example.com/users?x=1#frag", q),
            "https://jira.example.com/users?x=1&accept_language=&channel_id=c&ip_address="
            "&parsed=jira+create+web+fix+--assignee+&request_id=&root_id=&session_id="
            "&site_url=https%3A%2F%2Fchat.example.com&team_id=t&user_agent=&user_id=u"
            "&user_input=jira+create+web+fix+--assignee+a+b");
  auto relative = dynamic_list_url("/api/v4/acme/users", q);
  ASSERT_TRUE(relative);
  EXPECT_TRUE(relative->starts_with("https://chat.example.com/api/v4/acme/users?accept_language="))
      << *relative;
  for (std::string bad : std::vector<std::string>{"users", "//evil.example.com/x", "/a/../b", "/..", "ftp://x/y", ""}) {
    EXPECT_FALSE(dynamic_list_url(bad, q)) << bad;
  }
  EXPECT_TRUE(dynamic_list_url("/a/..b/c", q));
}

}  // namespace
}  // namespace pb::slash
