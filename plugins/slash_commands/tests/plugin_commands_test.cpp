// Plugin commands' registration payloads, registry and invocation JSON (plugin_commands.h),
// and the rich autocomplete engine (autocomplete_suggestions.h).
#include "plugins/slash_commands/plugin_commands.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace pb::slash {
namespace {

const std::string kTeam = "team" + std::string(22, 't');
const std::string kOtherTeam = "othr" + std::string(22, 'o');

PluginCommand parsed(const std::string& json) {
  ApiError error;
  auto c = plugin_command_from_json(json, error);
  EXPECT_TRUE(c) << json << " → " << error.id;
  return c ? *c : PluginCommand{};
}

std::string refusal(const std::string& json) {
  ApiError error;
  auto c = plugin_command_from_json(json, error);
  EXPECT_FALSE(c) << json;
  return error.id;
}

PluginCommand command(std::string plugin, std::string trigger, std::string team = "") {
  PluginCommand c;
  c.plugin_id = std::move(plugin);
  c.trigger = std::move(trigger);
  c.team_id = std::move(team);
  return c;
}

TEST(PluginCommandJson, ReadsARegistrationAndLowerCasesTheTrigger) {
  auto c = parsed(R"({"plugin_id":"acme","trigger":"Deploy","team_id":")" + kTeam +
                  R"(","auto_complete_desc":"Ship it","auto_complete_hint":"[env]"})");
  EXPECT_EQ(c.plugin_id, "acme");
  EXPECT_EQ(c.trigger, "deploy");
  EXPECT_EQ(c.team_id, kTeam);
  EXPECT_TRUE(c.auto_complete);  // the default
  // Without a tree, the autocomplete node is the trigger with its hint and description.
  EXPECT_EQ(c.autocomplete.trigger, "deploy");
  EXPECT_EQ(c.autocomplete.hint, "[env]");
  EXPECT_EQ(c.autocomplete.help_text, "Ship it");
  EXPECT_TRUE(c.autocomplete_data_json.empty());
}

TEST(PluginCommandJson, RefusesBadRegistrations) {
  EXPECT_EQ(refusal(R"({"trigger":"x"})"), "model.command.is_valid.plugin_id.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":""})"), "model.command.is_valid.trigger.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"/x"})"), "model.command.is_valid.trigger.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"a b"})"), "model.command.is_valid.trigger.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":")" + std::string(129, 'x') + "\"}"),
            "model.command.is_valid.trigger.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"x","team_id":"short"})"),
            "model.command.is_valid.team_id.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"x","description":")" + std::string(129, 'd') + "\"}"),
            "model.command.is_valid.description.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":5})"), "api.context.invalid_body_param.app_error");
  EXPECT_EQ(refusal("[]"), "api.context.invalid_body_param.app_error");
  EXPECT_EQ(refusal(std::string(100, '[')), "api.context.invalid_body_param.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"x)"), "api.context.invalid_body_param.app_error");
  // A tree whose trigger is another command's, or malformed.
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"x","autocomplete_data":{"Trigger":"y"}})"),
            "model.command.is_valid.autocomplete_data.app_error");
  EXPECT_EQ(refusal(R"({"plugin_id":"a","trigger":"x","autocomplete_data":{"Trigger":"x","SubCommands":{}}})"),
            "model.command.is_valid.autocomplete_data.app_error");
}

TEST(PluginCommandJson, KeepsTheTreeAndListsTheCommandWithIt) {
  auto c = parsed(R"({"plugin_id":"acme","trigger":"deploy","autocomplete_data":{"Trigger":"Deploy","HelpText":"h","SubCommands":[{"Trigger":"prod","Hint":"[now]"}]}})");
  ASSERT_EQ(c.autocomplete.sub_commands.size(), 1u);
  EXPECT_EQ(c.autocomplete.sub_commands[0].trigger, "prod");
  rapidjson::Document doc;
  std::string listed = to_json(c);
  doc.Parse(listed.c_str());
  ASSERT_TRUE(doc.IsObject()) << listed;
  EXPECT_STREQ(doc["plugin_id"].GetString(), "acme");
  EXPECT_STREQ(doc["token"].GetString(), "");
  EXPECT_STREQ(doc["autocomplete_data"]["SubCommands"][0]["Trigger"].GetString(), "prod");
}

TEST(PluginCommandRegistry, ScopesAndOwners) {
  PluginCommandRegistry r;
  EXPECT_FALSE(r.add(command("a", "deploy", kTeam)));
  // Another plugin may not take the trigger where the scopes overlap...
  EXPECT_EQ(r.add(command("b", "deploy", kTeam))->id, "api.command.duplicate_trigger.app_error");
  EXPECT_TRUE(r.add(command("b", "deploy")));
  // ...but may in another team.
  EXPECT_FALSE(r.add(command("b", "deploy", kOtherTeam)));
  // The same plugin registering again replaces its command.
  auto again = command("a", "deploy", kTeam);
  again.description = "new";
  EXPECT_FALSE(r.add(again));
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.find(kTeam, "deploy")->description, "new");
  EXPECT_EQ(r.find(kOtherTeam, "deploy")->plugin_id, "b");
  EXPECT_EQ(r.find("x" + kTeam.substr(1), "deploy"), nullptr);

  EXPECT_FALSE(r.add(command("c", "everywhere")));
  EXPECT_EQ(r.find(kTeam, "everywhere")->plugin_id, "c");
  EXPECT_EQ(r.of_team(kTeam).size(), 2u);
  EXPECT_TRUE(r.remove({"c", "everywhere", ""}));
  EXPECT_FALSE(r.remove({"c", "everywhere", ""}));
  EXPECT_EQ(r.find(kTeam, "everywhere"), nullptr);
}

TEST(PluginInvocationJson, CarriesTheCommandLine) {
  PluginInvocation inv{"acme", "deploy", "prod \"now\"", "u", "alice", "c", "town", kTeam, "", "t"};
  rapidjson::Document doc;
  std::string json = invocation_json(inv);
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject()) << json;
  EXPECT_STREQ(doc["command"].GetString(), "/deploy prod \"now\"");
  EXPECT_STREQ(doc["text"].GetString(), "prod \"now\"");
  EXPECT_STREQ(doc["user_name"].GetString(), "alice");
  inv.text = "";
  EXPECT_NE(invocation_json(inv).find(R"("command":"/deploy")"), std::string::npos);
}

TEST(AutocompleteSuggestions, PrefixesThenSubCommandsWithRoles) {
  AutocompleteNode deploy = leaf_node("deploy", "[env]", "Ship");
  deploy.sub_commands.push_back(leaf_node("prod", "", "Production"));
  deploy.sub_commands.push_back(leaf_node("purge", "", "Admins only"));
  deploy.sub_commands.back().role_id = "system_admin";
  AutocompleteNode dance = leaf_node("dance", "", "Dance");
  AutocompleteNode secret = leaf_node("debug", "", "");
  secret.role_id = "system_admin";
  std::vector<const AutocompleteNode*> all{&deploy, &dance, &secret};

  auto names = [](const std::vector<Suggestion>& s) {
    std::vector<std::string> out;
    for (const auto& x : s) out.push_back(x.suggestion);
    return out;
  };
  EXPECT_EQ(names(suggest(all, "d", false)), (std::vector<std::string>{"deploy", "dance"}));
  EXPECT_EQ(names(suggest(all, "D", true)), (std::vector<std::string>{"deploy", "dance", "debug"}));
  EXPECT_EQ(names(suggest(all, "deploy ", false)), (std::vector<std::string>{"prod"}));
  EXPECT_EQ(names(suggest(all, "deploy p", true)), (std::vector<std::string>{"prod", "purge"}));
  EXPECT_TRUE(suggest(all, "dance ", false).empty());
  EXPECT_TRUE(suggest(all, "x", false).empty());
  auto s = suggest(all, "Deploy pr", false);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].complete, "Deploy prod");
  EXPECT_EQ(s[0].description, "Production");
  EXPECT_EQ(suggestions_to_json(s),
            R"([{"Complete":"Deploy prod","Suggestion":"prod","Hint":"","Description":"Production","IconData":""}])");
}

TEST(AutocompleteSuggestions, TreeDepthIsBounded) {
  std::string json = R"({"Trigger":"a","SubCommands":[)";
  for (int i = 0; i < 10; ++i) json += R"({"Trigger":"a","SubCommands":[)";
  for (int i = 0; i < 10; ++i) json += "]}";
  json += "]}";
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_FALSE(autocomplete_from_json(doc));
  AutocompleteLimits deep;
  deep.max_depth = 12;
  EXPECT_TRUE(autocomplete_from_json(doc, deep));
}

}  // namespace
}  // namespace pb::slash
