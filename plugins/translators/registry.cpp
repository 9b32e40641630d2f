#include "plugins/translators/registry.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace pb::translators {

bool read_file(const std::string& path, std::string& out, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  out.clear();
  char buf[16384];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out.append(buf, n);
    if (out.size() > kMaxRuleFileBytes) break;  // Translator::load reports the size
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    error = path + ": read error";
    return false;
  }
  return true;
}

std::string Registry::load_text(std::string_view text, std::string label) {
  auto loaded = Translator::load(text, std::move(label), limits_);
  if (auto* e = std::get_if<std::string>(&loaded)) return *e;
  auto t = std::get<std::shared_ptr<const Translator>>(std::move(loaded));
  by_name_[t->name()] = std::move(t);
  return {};
}

std::vector<std::string> Registry::load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> errors;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    errors.push_back(dir + ": " + ec.message());
    return errors;
  }
  std::sort(files.begin(), files.end());
  std::string text, error;
  for (const auto& path : files) {
    if (!read_file(path, text, error)) {
      errors.push_back(error);
      continue;
    }
    if (auto e = load_text(text, path); !e.empty()) errors.push_back(std::move(e));
  }
  return errors;
}

const Translator* Registry::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

std::vector<const Translator*> Registry::all() const {
  std::vector<const Translator*> out;
  for (const auto& [name, t] : by_name_) out.push_back(t.get());
  return out;
}

}  // namespace pb::translators
