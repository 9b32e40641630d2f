#include "plugins/slash_commands/autocomplete_suggestions.h"

#include <span>

#include "plugins/slash_commands/json_text.h"

namespace pb::slash {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequal(s.substr(0, prefix.size()), prefix);
}

// `s` starts with `word` then a space (case-insensitively).
bool starts_with_word(std::string_view s, std::string_view word) {
  return s.size() > word.size() && s[word.size()] == ' ' && istarts_with(s, word);
}

std::string_view without_one_space(std::string_view s) {
  if (s.starts_with(' ')) s.remove_prefix(1);
  return s;
}

std::string concat(std::string_view a, std::string_view b, std::string_view c = {},
                   std::string_view d = {}) {
  std::string out;
  out.reserve(a.size() + b.size() + c.size() + d.size());
  out.append(a).append(b).append(c).append(d);
  return out;
}

bool visible(const AutocompleteNode& node, bool system_admin) {
  return system_admin || node.role_id.empty() || node.role_id == "system_user";
}

// Where a parse stands: `found` when it produced this branch's suggestions (then nothing more
// is parsed on it); else the input consumed so far and the rest, a suffix of the user input.
struct Step {
  bool found = false;
  std::string parsed;
  std::string_view rest;
};

// One walk over the commands for one input. Invariant: suggestions are added only on a path
// that returns found.
class Walk {
 public:
  Walk(bool system_admin, const DynamicItemsFn& dynamic, const SuggestLimits& limits)
      : system_admin_(system_admin), dynamic_(dynamic), limits_(limits) {}

  void level(std::span<const AutocompleteNode* const> nodes, const std::string& parsed,
             std::string_view rest) {
    size_t space = rest.find(' ');
    if (space == std::string_view::npos) {
      for (const AutocompleteNode* node : nodes) {
        if (!visible(*node, system_admin_) || !istarts_with(node->trigger, rest)) continue;
        add({parsed + node->trigger, node->trigger, node->hint, node->help_text});
      }
      return;
    }
    std::string_view word = rest.substr(0, space);
    std::string deeper = concat(parsed, rest.substr(0, space + 1));
    std::string_view after = rest.substr(space + 1);
    for (const AutocompleteNode* node : nodes) {
      if (!iequal(node->trigger, word) || !visible(*node, system_admin_)) continue;
      if (parsed.empty()) root_ = node;
      if (node->arguments.empty()) {
        std::vector<const AutocompleteNode*> subs;
        subs.reserve(node->sub_commands.size());
        for (const AutocompleteNode& sub : node->sub_commands) subs.push_back(&sub);
        level(subs, deeper, after);
      } else {
        parse_arguments(node->arguments, deeper, after);
      }
    }
  }

  std::vector<Suggestion> take() { return std::move(out_); }

 private:
  void add(Suggestion s) {
    if (out_.size() < limits_.max_suggestions) out_.push_back(std::move(s));
  }

  bool tick() { return ++steps_ <= limits_.max_steps; }

  Step parse_arguments(std::span<const AutocompleteArgument> args, const std::string& parsed,
                       std::string_view rest) {
    if (args.empty() || !tick()) return {false, parsed, rest};
    const AutocompleteArgument& arg = args.front();
    if (arg.required) {
      Step given = parse_argument(arg, parsed, rest);
      if (given.found) return given;
      return parse_arguments(args.subspan(1), given.parsed, given.rest);
    }
    // Optional: offered both given and skipped.
    Step given = parse_argument(arg, parsed, rest);
    if (!given.found) given = parse_arguments(args.subspan(1), given.parsed, given.rest);
    Step skipped = parse_arguments(args.subspan(1), parsed, rest);
    if (given.found || skipped.found) return {true, concat(parsed, rest), rest.substr(rest.size())};
    if (given.parsed != parsed && given.rest != rest) return given;  // it was typed
    return skipped;
  }

  Step parse_argument(const AutocompleteArgument& arg, std::string parsed,
                      std::string_view rest) {
    if (!arg.name.empty()) {
      Step name = parse_name(arg, parsed, rest);
      if (name.found || name.rest.empty()) return {true, std::move(name.parsed), name.rest};
      if (name.rest == " ") name.rest.remove_prefix(1);
      parsed = std::move(name.parsed);
      rest = name.rest;
    }
    switch (arg.type) {
      case ArgumentType::kText:
        return parse_text(arg, parsed, rest);
      case ArgumentType::kStaticList:
        return parse_list(arg.items, parsed, rest);
      case ArgumentType::kDynamicList: {
        const std::vector<AutocompleteListItem>* items =
            dynamic_ && root_ != nullptr ? dynamic_(*root_, arg, parsed, rest) : nullptr;
        if (items == nullptr) return {false, parsed, rest};
        return parse_list(*items, parsed, rest);
      }
    }
    return {false, parsed, rest};
  }

  // "--name": suggested while it is being typed; consumed with its space once typed. Any other
  // word ends this argument's parse with nothing to offer (found, without suggestions).
  Step parse_name(const AutocompleteArgument& arg, const std::string& parsed,
                  std::string_view rest) {
    std::string_view in = without_one_space(rest);
    std::string named = "--" + arg.name;
    std::string_view end = rest.substr(rest.size());
    if (istarts_with(named, in)) {  // also when nothing is typed yet
      add({concat(parsed, rest, std::string_view(named).substr(in.size()), " "), named, "",
           arg.help_text});
      return {true, concat(parsed, rest), end};
    }
    if (!starts_with_word(in, named)) return {false, concat(parsed, rest), end};
    return {false, concat(parsed, named, " "), in.substr(named.size() + (in.size() == named.size() + 1 ? 0 : 1))};
  }

  // A word, or a "quoted value" with spaces: the hint while it is typed, consumed once ended.
  Step parse_text(const AutocompleteArgument& arg, const std::string& parsed,
                  std::string_view rest) {
    std::string_view in = without_one_space(rest);
    size_t end = std::string_view::npos;
    if (in.starts_with('"')) {
      size_t quote = in.find('"', 1);
      if (quote != std::string_view::npos) {
        end = quote + 1;
        if (end < in.size() && in[end] == ' ') ++end;
      }
    } else if (size_t space = in.find(' '); space != std::string_view::npos) {
      end = space + 1;
    }
    if (in.empty() || end == std::string_view::npos) {
      add({concat(parsed, rest), "", arg.hint, arg.help_text});
      return {true, concat(parsed, rest), rest.substr(rest.size())};
    }
    return {false, concat(parsed, in.substr(0, end)), in.substr(end)};
  }

  // A typed item and a space are consumed (the longest such item); else the items that start
  // with what is typed.
  Step parse_list(const std::vector<AutocompleteListItem>& items, const std::string& parsed,
                  std::string_view rest) {
    std::string_view in = without_one_space(rest);
    size_t typed = 0;
    for (const AutocompleteListItem& item : items) {
      if (item.item.size() + 1 > typed && starts_with_word(in, item.item)) {
        typed = item.item.size() + 1;
      }
    }
    if (typed > 0) return {false, concat(parsed, in.substr(0, typed)), in.substr(typed)};
    for (const AutocompleteListItem& item : items) {
      if (istarts_with(item.item, in)) {
        add({parsed + item.item, item.item, item.hint, item.help_text});
      }
    }
    return {true, concat(parsed, rest), rest.substr(rest.size())};
  }

  const bool system_admin_;
  const DynamicItemsFn& dynamic_;
  const SuggestLimits& limits_;
  const AutocompleteNode* root_ = nullptr;  // the top-level command being walked
  size_t steps_ = 0;
  std::vector<Suggestion> out_;
};

}  // namespace

std::vector<Suggestion> suggest(const std::vector<const AutocompleteNode*>& commands,
                                std::string_view user_input, bool system_admin,
                                const DynamicItemsFn& dynamic, const SuggestLimits& limits) {
  Walk walk(system_admin, dynamic, limits);
  walk.level(commands, std::string(), user_input);
  return walk.take();
}

std::string suggestions_to_json(const std::vector<Suggestion>& suggestions) {
  std::string out = "[";
  for (const Suggestion& s : suggestions) {
    if (out.size() > 1) out += ',';
    out += '{';
    append_string_member(out, "Complete", s.complete);
    append_string_member(out, "Suggestion", s.suggestion);
    append_string_member(out, "Hint", s.hint);
    append_string_member(out, "Description", s.description);
    out += ",\"IconData\":\"\"}";
  }
  out += ']';
  return out;
}

}  // namespace pb::slash
