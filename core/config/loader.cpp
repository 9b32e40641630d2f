#include "core/config/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include "core/config/json_input.h"
#include "core/config/schema.h"
#include "patchbay/plugin.h"

extern char** environ;

namespace pb::config {
namespace {

constexpr std::size_t kMaxConfigFileBytes = 16u << 20;

bool is_known_section(std::string_view name) {
  for (std::string_view section : section_names()) {
    if (section == name) return true;
  }
  return false;
}

// Warns once per repeated name within one JSON object.
class DuplicateNames {
 public:
  void see(std::string_view name, std::string_view path, detail::Diagnostics& diag) {
    if (!seen_.emplace(name).second) {
      diag.warnings.push_back(fmt::format("{}: duplicate key, the last value is used", path));
    }
  }

 private:
  std::set<std::string, std::less<>> seen_;
};

void apply_section(std::string_view section, const rapidjson::Value& object, Config& config,
                   detail::Diagnostics& diag) {
  DuplicateNames duplicates;
  for (const auto& member : object.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const std::string path = fmt::format("{}.{}", section, name);
    duplicates.see(name, path, diag);
    const KeyDef* key = find_key(section, name);
    if (key == nullptr) {
      diag.warnings.push_back(fmt::format("{}: unknown key, ignored", path));
    } else if (!member.value.IsNull()) {
      detail::assign_value(*key, key->field(config), member.value, path, diag);
    }
  }
}

void apply_document(const rapidjson::Value& root, Config& config, detail::Diagnostics& diag) {
  if (!root.IsObject()) {
    diag.errors.push_back(fmt::format("the configuration must be a JSON object, got {}",
                                      detail::render_value(root)));
    return;
  }
  DuplicateNames duplicates;
  for (const auto& member : root.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    duplicates.see(name, name, diag);
    if (!is_known_section(name)) {
      diag.warnings.push_back(fmt::format("{}: unknown section, ignored", name));
    } else if (member.value.IsObject()) {
      apply_section(name, member.value, config, diag);
    } else if (!member.value.IsNull()) {
      diag.errors.push_back(
          fmt::format("{}: must be an object, got {}", name, detail::render_value(member.value)));
    }
  }
}

bool names_a_section(std::string_view var) {
  for (std::string_view section : section_names()) {
    const std::string prefix = fmt::format("PB_{}_", section);
    if (var.size() > prefix.size() &&
        std::equal(prefix.begin(), prefix.end(), var.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
      return true;
    }
  }
  return false;
}

void apply_environment(const Environment& env, Config& config, detail::Diagnostics& diag) {
  for (const auto& [var, text] : env) {
    const KeyDef* key = find_key_by_env(var);
    if (key == nullptr) {
      if (names_a_section(var)) {
        diag.warnings.push_back(fmt::format("{}: names no configuration key, ignored", var));
      }
      continue;
    }
    if (key->type == KeyType::String) {
      rapidjson::Value value(rapidjson::StringRef(text.data(), text.size()));
      detail::assign_value(*key, key->field(config), value, var, diag);
      continue;
    }
    rapidjson::Document doc;
    if (!detail::parse_json(text, doc).empty()) {
      diag.errors.push_back(fmt::format("{}: {}, got {}", var, describe_requirement(*key),
                                        detail::render_text(text)));
      continue;
    }
    detail::assign_value(*key, key->field(config), doc, var, diag);
  }
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

Environment environment_from_process() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.substr(0, 3) != "PB_") continue;
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return env;
}

Result<LoadedConfig> parse_config(std::string_view json, const Environment& env) {
  rapidjson::Document doc;
  if (std::string syntax = detail::parse_json(json, doc); !syntax.empty()) {
    return make_error(PB_E_INVALID, std::move(syntax));
  }
  LoadedConfig loaded;
  detail::Diagnostics diag;
  apply_document(doc, loaded.config, diag);
  apply_environment(env, loaded.config, diag);
  if (!diag.errors.empty()) return make_error(PB_E_INVALID, join_lines(diag.errors));
  loaded.warnings = std::move(diag.warnings);
  return loaded;
}

Result<LoadedConfig> load_config(std::string_view path, const Environment& env) {
  const std::string path_text(path);
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path_text.c_str(), "rb"));
  if (!file) {
    if (errno == ENOENT) {
      auto loaded = parse_config("{}", env);
      if (loaded) {
        loaded->warnings.insert(loaded->warnings.begin(),
                                fmt::format("{}: not found, using the built-in defaults", path));
      }
      return loaded;
    }
    return make_error(PB_E_IO, fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  std::string text;
  char chunk[16384];
  while (true) {
    const std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    text.append(chunk, n);
    if (text.size() > kMaxConfigFileBytes) {
      return make_error(PB_E_IO, fmt::format("{}: cannot read: larger than {} bytes", path,
                                             kMaxConfigFileBytes));
    }
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) {
    // fread() on a directory fails with EISDIR here.
    return make_error(PB_E_IO, fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  auto loaded = parse_config(text, env);
  if (!loaded && loaded.error().message.rfind("invalid JSON", 0) == 0) {
    return make_error(PB_E_INVALID, fmt::format("{}: {}", path, loaded.error().message));
  }
  return loaded;
}

std::vector<std::string> error_lines(const Error& error) {
  std::vector<std::string> lines;
  std::string_view rest = error.message;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    lines.emplace_back(rest.substr(0, newline));
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return lines;
}

}  // namespace pb::config
