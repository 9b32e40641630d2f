#include "core/config/json_input.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <type_traits>

#include "patchbay/json_guard.hpp"
#include "patchbay/json_parse.hpp"

namespace pb::config::detail {
namespace {

constexpr std::size_t kRenderLimit = 60;

struct Position {
  std::size_t line = 1;
  std::size_t column = 1;
};

Position position_of(std::string_view text, std::size_t offset) {
  Position pos;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

std::string cut(std::string text) {
  if (text.size() > kRenderLimit) {
    text.resize(kRenderLimit);
    text += "...";
  }
  return text;
}

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void report(Diagnostics& diag, std::string_view where, const KeyDef& key,
            const rapidjson::Value& got) {
  diag.errors.push_back(
      fmt::format("{}: {}, got {}", where, describe_requirement(key), render_value(got)));
}

bool read_bool(const rapidjson::Value& value, bool& out) {
  if (!value.IsBool()) return false;
  out = value.GetBool();
  return true;
}

void assign_plugin_states(const KeyDef& key, key_types::PluginStateMap& field,
                          const rapidjson::Value& value, std::string_view where,
                          Diagnostics& diag) {
  if (!value.IsObject()) return report(diag, where, key, value);
  const std::size_t errors_before = diag.errors.size();
  key_types::PluginStateMap states;
  for (const auto& entry : value.GetObject()) {
    const std::string id(entry.name.GetString(), entry.name.GetStringLength());
    const std::string entry_path = fmt::format("{}.{}", where, id);
    if (!entry.value.IsObject()) {
      diag.errors.push_back(fmt::format(R"({}: must be an object like {{"Enable": true}}, got {})",
                                        entry_path, render_value(entry.value)));
      continue;
    }
    PluginState state;
    for (const auto& member : entry.value.GetObject()) {
      const std::string_view name(member.name.GetString(), member.name.GetStringLength());
      bool* target = name == "Enable" ? &state.Enable : name == "Required" ? &state.Required : nullptr;
      if (target == nullptr) {
        diag.warnings.push_back(fmt::format("{}.{}: unknown key, ignored", entry_path, name));
      } else if (!member.value.IsNull() && !read_bool(member.value, *target)) {
        diag.errors.push_back(fmt::format("{}.{}: must be true or false, got {}", entry_path, name,
                                          render_value(member.value)));
      }
    }
    states[id] = state;
  }
  if (diag.errors.size() == errors_before) field = std::move(states);
}

void assign_raw_objects(const KeyDef& key, key_types::RawObjectMap& field,
                        const rapidjson::Value& value, std::string_view where, Diagnostics& diag) {
  if (!value.IsObject()) return report(diag, where, key, value);
  const std::size_t errors_before = diag.errors.size();
  key_types::RawObjectMap objects;
  for (const auto& entry : value.GetObject()) {
    const std::string id(entry.name.GetString(), entry.name.GetStringLength());
    if (!entry.value.IsObject()) {
      diag.errors.push_back(fmt::format("{}.{}: must be an object (the plugin's settings), got {}",
                                        where, id, render_value(entry.value)));
      continue;
    }
    objects[id] = compact(entry.value);
  }
  if (diag.errors.size() == errors_before) field = std::move(objects);
}

}  // namespace

std::string parse_json(std::string_view json, rapidjson::Document& doc) {
  if (const std::size_t at = sdk::json_too_deep_at(json, kMaxJsonDepth); at != std::string_view::npos) {
    const Position pos = position_of(json, at);
    return fmt::format("invalid JSON at line {}, column {}: nested deeper than {} levels", pos.line,
                       pos.column, kMaxJsonDepth);
  }
  // Full precision, so that every number of a plugin's settings (kept as the compact text of its
  // tree) is written back as the same double: the default parse rounds some large ones
  // differently from how they are written, and each save would move them. The numbers that
  // RapidJSON's full-precision parse misreads are rewritten first, at the same length, so the
  // error offsets below stay the file's.
  std::string scratch;
  const std::optional<std::string_view> text = sdk::json_full_precision_safe(json, scratch);
  if (!text) return "invalid JSON: a number is out of range";
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseFullPrecisionFlag;
  doc.Parse<kFlags>(text->data(), text->size());
  if (!doc.HasParseError()) {
    // An unpaired "\udc00" must not become bytes that the written file could not be read with.
    if (json.find("\\u") != std::string_view::npos) sdk::replace_unpaired_surrogates(doc);
    return {};
  }
  const Position pos = position_of(json, doc.GetErrorOffset());
  return fmt::format("invalid JSON at line {}, column {}: {}", pos.line, pos.column,
                     rapidjson::GetParseError_En(doc.GetParseError()));
}

std::string render_value(const rapidjson::Value& value) { return cut(compact(value)); }

std::string render_text(std::string_view text) {
  rapidjson::Value value(rapidjson::StringRef(text.data(), text.size()));
  return render_value(value);
}

void assign_value(const KeyDef& key, FieldRef field, const rapidjson::Value& value,
                  std::string_view where, Diagnostics& diag) {
  std::visit(
      [&](auto* target) {
        using T = std::remove_pointer_t<decltype(target)>;
        if constexpr (std::is_same_v<T, key_types::String>) {
          if (!value.IsString()) return report(diag, where, key, value);
          const std::string_view text(value.GetString(), value.GetStringLength());
          if (!key.check.accepts(text)) return report(diag, where, key, value);
          target->assign(text);
        } else if constexpr (std::is_same_v<T, key_types::Bool>) {
          if (!read_bool(value, *target)) return report(diag, where, key, value);
        } else if constexpr (std::is_same_v<T, key_types::Int>) {
          // Only JSON integers: 30.0, "30" and 1e3 are refused, as Go's decoder does.
          if (!value.IsInt64() || !key.check.accepts(value.GetInt64())) {
            return report(diag, where, key, value);
          }
          *target = value.GetInt64();
        } else if constexpr (std::is_same_v<T, key_types::StringList>) {
          if (!value.IsArray()) return report(diag, where, key, value);
          key_types::StringList list;
          for (const auto& item : value.GetArray()) {
            if (!item.IsString()) return report(diag, where, key, value);
            list.emplace_back(item.GetString(), item.GetStringLength());
          }
          *target = std::move(list);
        } else if constexpr (std::is_same_v<T, key_types::PluginStateMap>) {
          assign_plugin_states(key, *target, value, where, diag);
        } else {
          static_assert(std::is_same_v<T, key_types::RawObjectMap>);
          assign_raw_objects(key, *target, value, where, diag);
        }
      },
      field);
}

}  // namespace pb::config::detail
