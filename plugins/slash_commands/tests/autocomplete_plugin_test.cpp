// The autocomplete_suggestions route with a plugin command whose tree has a DynamicList
// argument (autocomplete_route.cpp), on a FakeHost: the URL is fetched with Mattermost's query,
// a short timeout and a small body cap, and the items answer the request; a timeout, an error
// status or a body that is no list gives no suggestions and a 200; a command unregistered while
// its list is fetched is simply gone. Also what a registration with arguments must satisfy.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "plugins/slash_commands/tests/chat_fake.h"

namespace pb::slash {
namespace {

using testing::ChatFake;

const std::string kTeam = "team" + std::string(22, 't');
const std::string kChannel = "chan" + std::string(22, 'c');
const std::string kAlice = "alic" + std::string(22, 'a');

const char* kRegistration = R"({"plugin_id":"acme","trigger":"jira","autocomplete_data":
  {"Trigger":"jira","SubCommands":[{"Trigger":"assign","Arguments":[
    {"Name":"","HelpText":"Issue","Type":"TextInput","Required":true,"Data":{"Hint":"KEY-1","Pattern":""}},
    {"Name":"to","HelpText":"Assignee","Type":"DynamicList","Required":false,
     "Data":{"FetchURL":"https://jira.example.com/users?project=core"}}]}]}})";

class AutocompletePlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    chat.fake().set_config_json(R"({"ServiceSettings":{"SiteURL":"https://chat.example.com"}})");
    sdk::FakeHost::User u;
    u.id = kAlice;
    u.username = "alice";
    u.roles = "system_user";
    chat.fake().add_user(u);
    chat.fake().add_team_member(kTeam, kAlice);
    ASSERT_EQ(chat.init(), PB_OK);
    ASSERT_EQ(chat.start(), PB_OK);
    const auto& reg = chat.fake().publish_intercept("command.register", kRegistration);
    ASSERT_EQ(reg.verdict, PB_VERDICT_ALLOW) << reg.error_id;
    chat.flush();
    chat.act_as(kAlice);
  }

  const sdk::FakeHost::Response& suggestions(const std::string& encoded_input) {
    return chat.call("GET", "/api/v4/teams/" + kTeam +
                                "/commands/autocomplete_suggestions?user_input=" + encoded_input +
                                "&channel_id=" + kChannel);
  }

  ChatFake chat;
};

TEST_F(AutocompletePlugin, DynamicListItemsAreFetchedAndFiltered) {
  const auto& r = suggestions("%2Fjira%20assign%20KEY-1%20--to%20a");
  EXPECT_FALSE(r.answered);  // waits for the list
  ASSERT_EQ(chat.fetches().size(), 1u);
  const auto& f = chat.fetches()[0];
  EXPECT_EQ(f.method, "GET");
  // The host's request id is the request's; it is not ours to predict.
  std::string url = f.url;
  size_t id = url.find("&request_id=") + 12;
  ASSERT_NE(url.find('&', id), id) << url;  // not empty
  url.erase(id, url.find('&', id) - id);
  EXPECT_EQ(url,
            "https://jira.example.com/users?project=core&accept_language=&channel_id=" + kChannel +
                "&ip_address=&parsed=jira+assign+KEY-1+--to+&request_id=&root_id=&session_id=sess"
                "&site_url=https%3A%2F%2Fchat.example.com&team_id=" + kTeam +
                "&user_agent=&user_id=" + kAlice + "&user_input=jira+assign+KEY-1+--to+a");
  EXPECT_EQ(f.timeout_ms, 2000u);
  EXPECT_EQ(f.max_response_bytes, 64u * 1024);
  chat.answer(0, 200, R"([{"Item":"alice","Hint":"","HelpText":"Alice"},{"Item":"bob"},{"Item":"alan"}])");
  ASSERT_TRUE(r.answered);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"([{"Complete":"jira assign KEY-1 --to alice","Suggestion":"alice","Hint":"","Description":"Alice","IconData":""},)"
            R"({"Complete":"jira assign KEY-1 --to alan","Suggestion":"alan","Hint":"","Description":"","IconData":""}])");
  EXPECT_EQ(chat.fetches().size(), 1u);  // the second walk found the answer
}

TEST_F(AutocompletePlugin, NoListIsNoSuggestionsNeverAnError) {
  struct Case {
    const char* what;
    std::function<void(ChatFake&)> end;
  };
  const Case cases[] = {
      {"timeout", [](ChatFake& c) { c.fail(c.fetches().size() - 1, PB_E_TIMEOUT); }},
      {"refused by the guard", [](ChatFake& c) { c.fail(c.fetches().size() - 1, PB_E_DENIED); }},
      {"500", [](ChatFake& c) { c.answer(c.fetches().size() - 1, 500, R"([{"Item":"x"}])"); }},
      {"garbage", [](ChatFake& c) { c.answer(c.fetches().size() - 1, 200, "<html>nope"); }},
      {"an object", [](ChatFake& c) { c.answer(c.fetches().size() - 1, 200, R"({"Item":"x"})"); }},
      {"deep", [](ChatFake& c) { c.answer(c.fetches().size() - 1, 200, std::string(5000, '[')); }},
  };
  for (const Case& c : cases) {
    const auto& r = suggestions("jira%20assign%20KEY-1%20--to%20");
    ASSERT_FALSE(r.answered) << c.what;
    c.end(chat);
    ASSERT_TRUE(r.answered) << c.what;
    EXPECT_EQ(r.status, 200) << c.what;
    EXPECT_EQ(r.body, "[]") << c.what;
  }
}

TEST_F(AutocompletePlugin, NothingIsFetchedUntilTheValueIsReached) {
  const auto& name = suggestions("jira%20assign%20KEY-1%20--t");
  ASSERT_TRUE(name.answered);
  EXPECT_NE(name.body.find(R"("Suggestion":"--to")"), std::string::npos) << name.body;
  const auto& hint = suggestions("jira%20assign%20KE");
  ASSERT_TRUE(hint.answered);
  EXPECT_NE(hint.body.find(R"("Hint":"KEY-1")"), std::string::npos) << hint.body;
  EXPECT_TRUE(chat.fetches().empty());
}

TEST_F(AutocompletePlugin, CommandUnregisteredDuringTheFetchIsGone) {
  const auto& r = suggestions("jira%20assign%20KEY-1%20--to%20");
  ASSERT_EQ(chat.fetches().size(), 1u);
  const auto& gone = chat.fake().publish_intercept("command.unregister",
                                                   R"({"plugin_id":"acme","trigger":"jira"})");
  ASSERT_EQ(gone.verdict, PB_VERDICT_ALLOW);
  chat.flush();
  chat.answer(0, 200, R"([{"Item":"alice"}])");
  ASSERT_TRUE(r.answered);
  EXPECT_EQ(r.body, "[]");
}

TEST_F(AutocompletePlugin, OverlongInputIsNoCommandLine) {
  const auto& r = suggestions("jira%20assign%20" + std::string(5000, 'k'));
  ASSERT_TRUE(r.answered);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[]");
}

TEST_F(AutocompletePlugin, RegistrationWithBadArgumentsIsRefused) {
  for (std::string data : {
           // a positional text after a named argument
           R"({"Trigger":"bad","Arguments":[{"Name":"x","Type":"TextInput","Data":{}},{"Name":"","Type":"TextInput","Required":true,"Data":{}}]})",
           // arguments and sub-commands together
           R"({"Trigger":"bad","SubCommands":[{"Trigger":"s"}],"Arguments":[{"Name":"x","Type":"TextInput","Data":{}}]})",
           // a DynamicList with nothing to fetch
           R"({"Trigger":"bad","Arguments":[{"Name":"x","Type":"DynamicList","Data":{"FetchURL":""}}]})",
       }) {
    const auto& reg = chat.fake().publish_intercept(
        "command.register", R"({"plugin_id":"acme","trigger":"bad","autocomplete_data":)" + data + "}");
    EXPECT_EQ(reg.verdict, PB_VERDICT_REJECT) << data;
    EXPECT_EQ(reg.error_id, "model.command.is_valid.autocomplete_data.app_error") << data;
  }
}

}  // namespace
}  // namespace pb::slash
