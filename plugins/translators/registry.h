// The installed translators by name, loaded from rule-file directories (*.json). A later
// directory's translator replaces an earlier one of the same name (operators override bundled).
//
// Threading: load on one thread; afterwards find() and all() are read-only.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/translators/translator.h"

namespace pb::translators {

class Registry {
 public:
  explicit Registry(Limits limits = {}) : limits_(limits) {}

  // Loads every *.json file of `dir` (sorted by name, so the result does not depend on the file
  // system's order). Returns one message per file that did not load (named in the message), and
  // per directory that cannot be read; such files are skipped, the rest load.
  std::vector<std::string> load_directory(const std::string& dir);

  // Loads one rule file's text; "" or the error.
  std::string load_text(std::string_view text, std::string label);

  const Translator* find(std::string_view name) const;
  std::vector<const Translator*> all() const;
  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  std::map<std::string, std::shared_ptr<const Translator>, std::less<>> by_name_;
};

// Reads a whole file (at most kMaxRuleFileBytes + 1 bytes). False with `error` on failure.
bool read_file(const std::string& path, std::string& out, std::string& error);

}  // namespace pb::translators
