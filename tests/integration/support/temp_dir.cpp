#include "tests/integration/support/temp_dir.h"

#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace pb::itest {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pb-itest-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;  // best effort: a leftover temp dir must not fail a test
  std::filesystem::remove_all(path_, ignored);
}

bool write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out.good();
}

}  // namespace pb::itest
