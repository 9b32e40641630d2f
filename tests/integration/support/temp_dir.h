// A private temporary directory for one test: created under $TMPDIR (or /tmp) with mkdtemp, removed
// with everything in it when the object goes away. Tests run in parallel, each in its own process;
// nothing here is shared between them.
#pragma once

#include <filesystem>

namespace pb::itest {

class TempDir {
 public:
  // Creates the directory; aborts the test process if it cannot (nothing useful can follow).
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (truncating). Returns false if the file cannot be written.
bool write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace pb::itest
