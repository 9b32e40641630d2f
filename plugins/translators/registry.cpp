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
  auto loaded = Translator::load(text, label, limits_);
  if (auto* e = std::get_if<std::string>(&loaded)) return *e;
  const std::string& name = std::get<std::shared_ptr<const Translator>>(loaded)->name();
  by_name_.insert_or_assign(name, Entry{std::string(text), std::move(label), nullptr});
  return {};  // the compiled form is dropped here: compiled() makes it again when needed
}

const Translator* Registry::compiled(const Entry& entry) const {
  if (!entry.compiled) {
    // The same text compiled under the same limits when it loaded, so this cannot fail short of
    // memory; a failure is treated as "no such translator".
    auto loaded = Translator::load(entry.text, entry.label, limits_);
    auto* t = std::get_if<std::shared_ptr<const Translator>>(&loaded);
    if (t == nullptr) return nullptr;
    entry.compiled = std::move(*t);
  }
  return entry.compiled.get();
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
  return it == by_name_.end() ? nullptr : compiled(it->second);
}

std::vector<const Translator*> Registry::all() const {
  std::vector<const Translator*> out;
  for (const auto& [name, entry] : by_name_) {
    if (const Translator* t = compiled(entry)) out.push_back(t);
  }
  return out;
}

size_t Registry::compiled_count() const {
  return static_cast<size_t>(std::count_if(by_name_.begin(), by_name_.end(),
                                           [](const auto& e) { return e.second.compiled != nullptr; }));
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : by_name_) out.push_back(name);
  return out;
}

}  // namespace pb::translators
