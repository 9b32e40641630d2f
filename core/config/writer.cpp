#include "core/config/writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <type_traits>

#include "core/config/schema.h"

namespace pb::config {
namespace {

template <typename Writer>
void write_string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename Writer>
void write_key(Writer& writer, std::string_view text) {
  writer.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename Writer>
void write_field(Writer& writer, ConstFieldRef field) {
  std::visit(
      [&](const auto* value) {
        using T = std::remove_cv_t<std::remove_pointer_t<decltype(value)>>;
        if constexpr (std::is_same_v<T, key_types::String>) {
          write_string(writer, *value);
        } else if constexpr (std::is_same_v<T, key_types::Bool>) {
          writer.Bool(*value);
        } else if constexpr (std::is_same_v<T, key_types::Int>) {
          writer.Int64(*value);
        } else if constexpr (std::is_same_v<T, key_types::StringList>) {
          writer.StartArray();
          for (const std::string& item : *value) write_string(writer, item);
          writer.EndArray();
        } else if constexpr (std::is_same_v<T, key_types::PluginStateMap>) {
          writer.StartObject();
          for (const auto& [id, state] : *value) {
            write_key(writer, id);
            writer.StartObject();
            writer.Key("Enable");
            writer.Bool(state.Enable);
            writer.Key("Required");
            writer.Bool(state.Required);
            writer.EndObject();
          }
          writer.EndObject();
        } else {
          static_assert(std::is_same_v<T, key_types::RawObjectMap>);
          writer.StartObject();
          for (const auto& [id, settings] : *value) {
            write_key(writer, id);
            writer.RawValue(settings.data(), settings.size(), rapidjson::kObjectType);
          }
          writer.EndObject();
        }
      },
      field);
}

template <typename Writer>
void write_config(Writer& writer, const Config& config) {
  writer.StartObject();
  std::string_view open_section;
  for (const KeyDef& key : schema()) {
    if (key.section != open_section) {
      if (!open_section.empty()) writer.EndObject();
      write_key(writer, key.section);
      writer.StartObject();
      open_section = key.section;
    }
    write_key(writer, key.name);
    write_field(writer, key.const_field(config));
  }
  if (!open_section.empty()) writer.EndObject();
  writer.EndObject();
}

}  // namespace

std::string to_json(const Config& config, bool pretty) {
  rapidjson::StringBuffer buffer;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    write_config(writer, config);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    write_config(writer, config);
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace pb::config
