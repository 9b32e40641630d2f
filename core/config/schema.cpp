#include "core/config/schema.h"

#include <fmt/format.h>

#include <cctype>
#include <iterator>

namespace pb::config {
namespace {

// One function per (section, field) pair, so a KeyDef holds plain function pointers.
template <auto Section, auto Field>
FieldRef mutable_field(Config& config) {
  return &((config.*Section).*Field);
}
template <auto Section, auto Field>
ConstFieldRef const_field(const Config& config) {
  return &((config.*Section).*Field);
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

KeyDef make_key(std::string_view section, std::string_view name, Check check,
                FieldRef (*field)(Config&), ConstFieldRef (*const_field)(const Config&)) {
  static const Config defaults;
  return KeyDef{section,
                name,
                fmt::format("{}.{}", section, name),
                fmt::format("PB_{}_{}", upper(section), upper(name)),
                static_cast<KeyType>(const_field(defaults).index()),
                std::move(check),
                field,
                const_field};
}

std::vector<KeyDef> build_schema() {
  using namespace checks;
  std::vector<KeyDef> keys;
  // Inside each section block, S is the section's type and kSection the Config member.
#define PB_CONFIG_KEY_DEF(Name, Type, default_value, check)                            \
  keys.push_back(make_key(kSectionName, #Name, check, &mutable_field<kSection, &S::Name>, \
                          &const_field<kSection, &S::Name>));
#define PB_CONFIG_SECTION_DEF(Name, member, KEYS)         \
  {                                                       \
    using S = Name;                                       \
    constexpr auto kSection = &Config::member;            \
    constexpr std::string_view kSectionName = #Name;      \
    KEYS(PB_CONFIG_KEY_DEF)                               \
  }
  PB_CONFIG_SECTIONS(PB_CONFIG_SECTION_DEF)
#undef PB_CONFIG_SECTION_DEF
#undef PB_CONFIG_KEY_DEF
  return keys;
}

std::vector<std::string_view> build_section_names() {
  std::vector<std::string_view> names;
  for (const KeyDef& key : schema()) {
    if (names.empty() || names.back() != key.section) names.push_back(key.section);
  }
  return names;
}

}  // namespace

std::span<const KeyDef> schema() {
  static const std::vector<KeyDef> keys = build_schema();
  return keys;
}

std::span<const std::string_view> section_names() {
  static const std::vector<std::string_view> names = build_section_names();
  return names;
}

const KeyDef* find_key(std::string_view section, std::string_view name) {
  for (const KeyDef& key : schema()) {
    if (key.section == section && key.name == name) return &key;
  }
  return nullptr;
}

const KeyDef* find_key_by_env(std::string_view env_var) {
  for (const KeyDef& key : schema()) {
    if (key.env_var == env_var) return &key;
  }
  return nullptr;
}

std::string describe_requirement(const KeyDef& key) {
  const Check& check = key.check;
  switch (key.type) {
    case KeyType::String:
      if (!check.allowed.empty()) {
        std::string list;
        for (std::string_view value : check.allowed) {
          fmt::format_to(std::back_inserter(list), "{}\"{}\"", list.empty() ? "" : ", ", value);
        }
        return fmt::format("must be one of {}", list);
      }
      if (check.syntax_ok != nullptr) return fmt::format("must be {}", check.syntax_description);
      return "must be a string";
    case KeyType::Bool:
      return "must be true or false";
    case KeyType::Int:
      if (check.has_range()) {
        return fmt::format("must be an integer between {} and {}", check.min, check.max);
      }
      return "must be an integer";
    case KeyType::StringList:
      return "must be an array of strings";
    case KeyType::PluginStateMap:
      return R"(must be an object mapping plugin ids to {"Enable": bool, "Required": bool})";
    case KeyType::RawObjectMap:
      return "must be an object mapping plugin ids to settings objects";
  }
  return "must be valid";
}

}  // namespace pb::config
