// Mattermost's AutocompleteData: the tree a command brings for the client's command box
// (wire spec §5.2), read from its JSON and validated, and the item list a DynamicList
// argument's URL answers.
//
// A node is a trigger with either sub-commands or arguments (not both, as Mattermost's
// IsValid). An argument is positional (Name "") or named ("--name value"), of one of three
// kinds: TextInput (a hint and a pattern), StaticList (items with Item, Hint, HelpText) or
// DynamicList (a FetchURL answering such items). JSON keys are capitalised as Mattermost's:
//   {"Trigger","Hint","HelpText","RoleID","SubCommands":[...],
//    "Arguments":[{"Name","HelpText","Type":"TextInput|StaticList|DynamicList","Required",
//                  "Data":{"Hint","Pattern"} | {"PossibleArguments":[{"Item","Hint","HelpText"}]}
//                        | {"FetchURL"}}]}
//
// The tree comes from another plugin (command.register): every dimension is bounded
// (AutocompleteLimits), so a hostile tree is refused rather than held or walked.
//
// Pure. Threading: any thread. Errors: nullopt from the readers, nothing thrown.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace pb::slash {

struct AutocompleteListItem {
  std::string item;
  std::string hint;
  std::string help_text;
};

enum class ArgumentType { kText, kStaticList, kDynamicList };

struct AutocompleteArgument {
  std::string name;  // "" positional; else typed as "--name"
  std::string help_text;
  ArgumentType type = ArgumentType::kText;
  bool required = false;
  std::string hint, pattern;                // TextInput
  std::vector<AutocompleteListItem> items;  // StaticList
  std::string fetch_url;                    // DynamicList: absolute, or relative to the plugin
};

struct AutocompleteNode {
  std::string trigger;
  std::string hint;
  std::string help_text;
  std::string role_id;  // "" or "system_user": everyone; "system_admin": system admins only
  std::vector<AutocompleteNode> sub_commands;
  std::vector<AutocompleteArgument> arguments;
};

// A node of its own: how a command without a tree (custom, built-in, or a plugin command that
// sent none) is offered, as Mattermost's NewAutocompleteData.
AutocompleteNode leaf_node(std::string_view trigger, std::string_view hint,
                           std::string_view help_text);

// What one registration may hold. Arguments per node are few because each optional argument
// doubles the paths the suggestion engine walks (autocomplete_suggestions.h bounds the walk too).
struct AutocompleteLimits {
  int max_depth = 8;                 // sub-command levels
  size_t max_nodes = 256;            // in the whole tree
  size_t max_sub_commands = 64;      // per node
  size_t max_arguments = 12;         // per node
  size_t max_list_items = 1024;      // StaticList items in the whole tree
  size_t max_trigger_bytes = 128;
  size_t max_text_bytes = 1024;      // hints, help texts, names, patterns, items, URLs
};

// Reads and validates an AutocompleteData object (already parsed; nesting bounded by the
// caller's json_guard). nullopt when a known key has the wrong type, the trigger is empty or
// holds a space, the role is unknown, a node has both arguments and sub-commands, a positional
// argument follows a named one, a positional TextInput is optional, a StaticList item is empty,
// a DynamicList has no FetchURL, the Type is unknown, or a limit is passed. Triggers are
// lower-cased.
std::optional<AutocompleteNode> autocomplete_from_json(const rapidjson::Value& value,
                                                       const AutocompleteLimits& limits = {});

// A DynamicList URL's answer: a JSON array of {"Item","Hint","HelpText"} (untrusted text: the
// nesting is bounded before parsing). Items without a string Item are skipped, as Go's decoder
// leaves them empty; at most `max_items` are kept. nullopt when the text is not such an array.
std::optional<std::vector<AutocompleteListItem>> list_items_from_json(std::string_view json,
                                                                      size_t max_items = 512);

}  // namespace pb::slash
