// The installed translators by name, loaded from rule-file directories (*.json). A later
// directory's translator replaces an earlier one of the same name (operators override bundled).
//
// Every rule file is compiled when it loads, so a broken one is reported at start-up, but only
// its text is kept: a translator is compiled again, once, when first asked for. An idle server
// thus holds the rule files' text (14 kB for the bundled six) instead of their compiled
// templates (~180 kB), and pays one compile (tens of µs) on a translator's first request.
//
// Threading: one thread (find() and all() fill the compiled cache).
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

  // The translator `name`, compiled on first use; nullptr when there is none.
  const Translator* find(std::string_view name) const;
  // Every translator by name, each compiled.
  std::vector<const Translator*> all() const;
  // The translators' names, sorted; compiles nothing.
  std::vector<std::string> names() const;
  // How many translators are held compiled (the rest are only text until asked for).
  size_t compiled_count() const;
  const Limits& limits() const { return limits_; }

 private:
  struct Entry {
    std::string text;   // the rule file, as loaded
    std::string label;  // names it in errors
    mutable std::shared_ptr<const Translator> compiled;  // once asked for
  };
  const Translator* compiled(const Entry& entry) const;

  Limits limits_;
  std::map<std::string, Entry, std::less<>> by_name_;
};

// Reads a whole file (at most kMaxRuleFileBytes + 1 bytes). False with `error` on failure.
bool read_file(const std::string& path, std::string& out, std::string& error);

}  // namespace pb::translators
