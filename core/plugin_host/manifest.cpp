#include "core/plugin_host/json_words.h"
#include "core/plugin_host/manifest.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "patchbay/plugin.h"

namespace pb::plugin_host {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

Error invalid(std::string_view file, std::string_view path, std::string_view cause) {
  return make_error(PB_E_INVALID, fmt::format("{}: {}: {}", file, path, cause));
}

std::string_view type_word(element_type t) { return json_type_word(t); }

bool is_number(element e) {
  auto t = e.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

double as_double(element e) {
  switch (e.type()) {
    case element_type::INT64:
      return static_cast<double>(int64_t(e));
    case element_type::UINT64:
      return static_cast<double>(uint64_t(e));
    default:
      return double(e);
  }
}

bool is_setting_key(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  if (!((k[0] >= 'A' && k[0] <= 'Z') || (k[0] >= 'a' && k[0] <= 'z'))) return false;
  for (char c : k) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Reads an optional string member; an error when present with another type.
Result<std::optional<std::string>> opt_string(object obj, std::string_view key,
                                              std::string_view file, std::string_view path) {
  element e;
  if (obj.at_key(key).get(e) != simdjson::SUCCESS) return std::optional<std::string>{};
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    return invalid(file, path, fmt::format("expected a string, found {}", type_word(e.type())));
  }
  return std::optional<std::string>{std::string(s)};
}

Result<uint32_t> small_uint(element e, std::string_view file, std::string_view path) {
  uint64_t v = 0;
  if (e.get_uint64().get(v) != simdjson::SUCCESS || v > 0xFFFF) {
    return invalid(file, path, "expected an integer between 0 and 65535");
  }
  return static_cast<uint32_t>(v);
}

// Parses settings_schema[index] into `spec`, checking the default against the entry itself.
Result<void> parse_spec_entry(element entry, size_t index, std::string_view file,
                              SettingSpec& spec) {
  const std::string base = fmt::format("settings_schema[{}]", index);
  object obj;
  if (entry.get_object().get(obj) != simdjson::SUCCESS) {
    return invalid(file, base,
                   fmt::format("expected an object, found {}", type_word(entry.type())));
  }
  static constexpr std::string_view kKnown[] = {
      "key", "type", "default", "min", "max", "options", "required", "help", "display_name",
      "live"};
  for (auto field : obj) {
    bool known = false;
    for (auto k : kKnown) known = known || field.key == k;
    if (!known) return invalid(file, fmt::format("{}.{}", base, field.key), "unknown field");
  }

  auto key = opt_string(obj, "key", file, base + ".key");
  if (!key) return key.error();
  if (!key.value() || !is_setting_key(**key)) {
    return invalid(file, base + ".key", "expected a key matching [A-Za-z][A-Za-z0-9_]{0,63}");
  }
  spec.key = **key;

  auto type = opt_string(obj, "type", file, base + ".type");
  if (!type) return type.error();
  const std::string t = type.value().value_or("");
  if (t == "bool")
    spec.type = SettingType::boolean;
  else if (t == "int")
    spec.type = SettingType::integer;
  else if (t == "number")
    spec.type = SettingType::number;
  else if (t == "string")
    spec.type = SettingType::string;
  else if (t == "enum")
    spec.type = SettingType::enumeration;
  else
    return invalid(file, base + ".type", "expected one of bool, int, number, string, enum");

  auto help = opt_string(obj, "help", file, base + ".help");
  if (!help) return help.error();
  spec.help = help.value().value_or("");

  element e;
  if (obj.at_key("required").get(e) == simdjson::SUCCESS) {
    bool b = false;
    if (e.get_bool().get(b) != simdjson::SUCCESS)
      return invalid(file, base + ".required", "expected a boolean");
    spec.required = b;
  }
  if (obj.at_key("live").get(e) == simdjson::SUCCESS) {
    bool b = false;
    if (e.get_bool().get(b) != simdjson::SUCCESS)
      return invalid(file, base + ".live", "expected a boolean");
    spec.live = b;
  }
  const bool numeric = spec.type == SettingType::integer || spec.type == SettingType::number;
  for (std::string_view bound : {"min", "max"}) {
    if (obj.at_key(bound).get(e) != simdjson::SUCCESS) continue;
    if (!numeric)
      return invalid(file, fmt::format("{}.{}", base, bound),
                     "only int and number settings have bounds");
    if (!is_number(e)) return invalid(file, fmt::format("{}.{}", base, bound), "expected a number");
    (bound == "min" ? spec.min : spec.max) = as_double(e);
  }
  if (spec.min && spec.max && *spec.min > *spec.max)
    return invalid(file, base, "min is greater than max");

  if (obj.at_key("options").get(e) == simdjson::SUCCESS) {
    if (spec.type != SettingType::enumeration)
      return invalid(file, base + ".options", "only enum settings have options");
    simdjson::dom::array arr;
    if (e.get_array().get(arr) != simdjson::SUCCESS)
      return invalid(file, base + ".options", "expected an array of strings");
    size_t i = 0;
    for (element opt : arr) {
      std::string_view s;
      if (opt.get_string().get(s) != simdjson::SUCCESS) {
        return invalid(file, fmt::format("{}.options[{}]", base, i), "expected a string");
      }
      spec.options.emplace_back(s);
      ++i;
    }
  }
  if (spec.type == SettingType::enumeration && spec.options.empty()) {
    return invalid(file, base + ".options", "an enum setting needs a non-empty options array");
  }

  if (obj.at_key("default").get(e) == simdjson::SUCCESS) {
    if (spec.required)
      return invalid(file, base + ".default", "a required setting cannot have a default");
    const std::string path = base + ".default";
    switch (spec.type) {
      case SettingType::boolean:
        if (e.type() != element_type::BOOL) return invalid(file, path, "expected a boolean");
        break;
      case SettingType::integer:
        if (e.type() != element_type::INT64 && e.type() != element_type::UINT64) {
          return invalid(file, path, "expected an integer");
        }
        break;
      case SettingType::number:
        if (!is_number(e)) return invalid(file, path, "expected a number");
        break;
      case SettingType::string:
      case SettingType::enumeration: {
        std::string_view s;
        if (e.get_string().get(s) != simdjson::SUCCESS)
          return invalid(file, path, "expected a string");
        if (spec.type == SettingType::enumeration) {
          bool found = false;
          for (auto& o : spec.options) found = found || o == s;
          if (!found) return invalid(file, path, "not one of the options");
        }
        break;
      }
    }
    if (numeric) {
      double v = as_double(e);
      if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
        return invalid(file, path, "outside min..max");
      }
    }
    spec.default_json = simdjson::minify(e);
  }
  return {};
}

}  // namespace

std::string_view setting_type_name(SettingType type) {
  switch (type) {
    case SettingType::boolean:
      return "bool";
    case SettingType::integer:
      return "int";
    case SettingType::number:
      return "number";
    case SettingType::string:
      return "string";
    case SettingType::enumeration:
      return "enum";
  }
  return "?";
}

bool is_valid_plugin_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(id[0])) return false;
  for (char c : id) {
    if (!(lower_or_digit(c) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<Manifest> parse_manifest(std::string_view json, std::string_view file) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return invalid(file, "$", fmt::format("not valid JSON ({})", simdjson::error_message(err)));
  }
  object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return invalid(file, "$", fmt::format("expected an object, found {}", type_word(doc.type())));
  }
  Manifest m;
  struct Field {
    std::string_view key;
    std::string* out;
    bool required;
  };
  for (Field f :
       {Field{"id", &m.id, true}, Field{"name", &m.name, false}, Field{"version", &m.version, true},
        Field{"description", &m.description, false}, Field{"library", &m.library, false}}) {
    auto v = opt_string(root, f.key, file, f.key);
    if (!v) return v.error();
    if (!v.value()) {
      if (f.required) return invalid(file, f.key, "missing");
      continue;
    }
    *f.out = **v;
  }
  if (!is_valid_plugin_id(m.id)) {
    return invalid(file, "id",
                   fmt::format("'{}' does not match [a-z0-9][a-z0-9._-]{{0,63}}", m.id));
  }
  if (m.version.empty()) return invalid(file, "version", "must not be empty");
  if (m.name.empty()) m.name = m.id;
  if (m.library.empty()) m.library = "lib" + m.id + ".so";
  if (m.library.find('/') != std::string::npos || m.library == "." || m.library == "..") {
    return invalid(file, "library", "must be a file name inside the plugin folder, without '/'");
  }

  element abi;
  if (root.at_key("abi").get(abi) != simdjson::SUCCESS) return invalid(file, "abi", "missing");
  object abi_obj;
  if (abi.get_object().get(abi_obj) != simdjson::SUCCESS) {
    return invalid(file, "abi", "expected an object {\"major\": N, \"minor\": N}");
  }
  element e;
  if (abi_obj.at_key("major").get(e) != simdjson::SUCCESS)
    return invalid(file, "abi.major", "missing");
  auto major = small_uint(e, file, "abi.major");
  if (!major) return major.error();
  m.abi_major = *major;
  if (abi_obj.at_key("minor").get(e) == simdjson::SUCCESS) {
    auto minor = small_uint(e, file, "abi.minor");
    if (!minor) return minor.error();
    m.abi_min_minor = *minor;
  }

  if (root.at_key("settings_schema").get(e) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (e.get_array().get(arr) != simdjson::SUCCESS)
      return invalid(file, "settings_schema", "expected an array");
    size_t i = 0;
    for (element entry : arr) {
      SettingSpec spec;
      if (auto r = parse_spec_entry(entry, i, file, spec); !r) return r.error();
      for (auto& prev : m.settings) {
        if (prev.key == spec.key) {
          return invalid(file, fmt::format("settings_schema[{}].key", i),
                         fmt::format("duplicate key '{}'", spec.key));
        }
      }
      m.settings.push_back(std::move(spec));
      ++i;
    }
  }
  return m;
}

Result<Manifest> load_manifest(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(PB_E_NOT_FOUND, fmt::format("{}: manifest missing", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) return make_error(PB_E_IO, fmt::format("{}: cannot be read", path));
  return parse_manifest(text.str(), path);
}

}  // namespace pb::plugin_host
