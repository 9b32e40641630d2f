#include "core/plugin_host/json_words.h"
#include "core/plugin_host/settings_schema.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <vector>

#include "patchbay/plugin.h"

namespace pb::plugin_host {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view found_word(element e) { return json_type_word(e.type()); }

std::string format_bound(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15)
    return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

// The problem with `value` for `spec`, or "" when it fits.
std::string check_value(const SettingSpec& spec, element value) {
  const auto t = value.type();
  double number = 0;
  switch (spec.type) {
    case SettingType::boolean:
      if (t != element_type::BOOL)
        return fmt::format("expected a boolean, found {}", found_word(value));
      return {};
    case SettingType::integer:
      if (t == element_type::INT64)
        number = static_cast<double>(int64_t(value));
      else if (t == element_type::UINT64)
        number = static_cast<double>(uint64_t(value));
      else
        return fmt::format("expected an integer, found {}", found_word(value));
      break;
    case SettingType::number:
      if (t == element_type::INT64)
        number = static_cast<double>(int64_t(value));
      else if (t == element_type::UINT64)
        number = static_cast<double>(uint64_t(value));
      else if (t == element_type::DOUBLE)
        number = double(value);
      else
        return fmt::format("expected a number, found {}", found_word(value));
      break;
    case SettingType::string:
      if (t != element_type::STRING)
        return fmt::format("expected a string, found {}", found_word(value));
      return {};
    case SettingType::enumeration: {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) {
        return fmt::format("expected a string, found {}", found_word(value));
      }
      for (const auto& o : spec.options) {
        if (o == s) return {};
      }
      return fmt::format("'{}' is not one of: {}", s, fmt::join(spec.options, ", "));
    }
  }
  if (spec.min && number < *spec.min) {
    return fmt::format("{} is below the minimum {}", format_bound(number), format_bound(*spec.min));
  }
  if (spec.max && number > *spec.max) {
    return fmt::format("{} is above the maximum {}", format_bound(number), format_bound(*spec.max));
  }
  return {};
}

}  // namespace

Result<std::string> validate_settings(const Manifest& manifest, std::string_view settings_json) {
  const std::string base = "PluginSettings.Plugins." + manifest.id;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(is_blank(settings_json) ? std::string_view("{}") : settings_json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return make_error(PB_E_INVALID,
                      fmt::format("{}: not valid JSON ({})", base, simdjson::error_message(err)));
  }
  simdjson::dom::object given;
  if (doc.get_object().get(given) != simdjson::SUCCESS) {
    return make_error(PB_E_INVALID,
                      fmt::format("{}: expected an object, found {}", base, found_word(doc)));
  }

  std::vector<std::string> errors;
  for (auto field : given) {
    bool known = false;
    for (const auto& spec : manifest.settings) known = known || spec.key == field.key;
    if (!known) errors.push_back(fmt::format("{}.{}: unknown setting", base, field.key));
  }

  std::string out = "{";
  bool first = true;
  for (const auto& spec : manifest.settings) {
    element value;
    std::string value_json;
    if (given.at_key(spec.key).get(value) == simdjson::SUCCESS) {
      if (auto problem = check_value(spec, value); !problem.empty()) {
        errors.push_back(fmt::format("{}.{}: {}", base, spec.key, problem));
        continue;
      }
      value_json = simdjson::minify(value);
    } else if (spec.required) {
      errors.push_back(fmt::format("{}.{}: required but not set", base, spec.key));
      continue;
    } else if (spec.default_json) {
      value_json = *spec.default_json;
    } else {
      continue;
    }
    if (!first) out += ',';
    first = false;
    out += '"';
    out += spec.key;  // keys are [A-Za-z][A-Za-z0-9_]*: nothing to escape
    out += "\":";
    out += value_json;
  }
  out += '}';
  if (!errors.empty()) return make_error(PB_E_INVALID, fmt::format("{}", fmt::join(errors, "; ")));
  return out;
}

}  // namespace pb::plugin_host
