// patchbay-translator: the operator's command line for translator rule files (README.md "Tool").
// core's CLI runs `patchbay translator ARGS` as this program.
//
//   patchbay-translator test RULEFILE PAYLOAD [--header K:V]... [--var K=V]...
//       loads RULEFILE (errors name file, rule, JSON path), translates the JSON in file PAYLOAD
//       ("-": stdin) exactly as the plugin would, prints the answer JSON. Exit 0 translated,
//       1 the translation failed (the error answer is printed), 2 usage or rule-file error.
//   patchbay-translator list [--rules-dir DIR]...
//       the installed translators (bundled rules beside the binary's plugins, then each DIR):
//       name, variables, description, file. Exit 2 when a rule file does not load.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include "plugins/translators/json_text.h"
#include "plugins/translators/registry.h"
#include "plugins/translators/translate_request.h"

namespace {

using namespace pb::translators;

int usage() {
  std::cerr << "usage: patchbay-translator test RULEFILE PAYLOAD [--header K:V]... [--var K=V]...\n"
               "       patchbay-translator list [--rules-dir DIR]...\n";
  return 2;
}

std::string executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

bool read_stream(std::FILE* f, std::string& out) {
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return std::ferror(f) == 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

int run_test(int argc, char** argv) {
  if (argc < 4) return usage();
  std::string rule_path = argv[2], payload_path = argv[3];
  std::vector<std::pair<std::string, std::string>> headers, variables;
  for (int i = 4; i < argc; ++i) {
    std::string_view flag = argv[i];
    if ((flag != "--header" && flag != "--var") || i + 1 >= argc) return usage();
    std::string_view kv = argv[++i];
    size_t sep = kv.find(flag == "--header" ? ':' : '=');
    if (sep == std::string_view::npos || sep == 0) return usage();
    std::string_view value = kv.substr(sep + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (flag == "--header") headers.emplace_back(lower(kv.substr(0, sep)), std::string(value));
    else variables.emplace_back(std::string(kv.substr(0, sep)), std::string(value));
  }
  Registry registry;
  std::string text, error;
  if (!read_file(rule_path, text, error)) {
    std::cerr << error << "\n";
    return 2;
  }
  if (auto e = registry.load_text(text, rule_path); !e.empty()) {
    std::cerr << e << "\n";
    return 2;
  }
  std::string payload;
  if (payload_path == "-") {
    if (!read_stream(stdin, payload)) return std::cerr << "stdin: read error\n", 2;
  } else {
    std::FILE* f = std::fopen(payload_path.c_str(), "rb");
    if (f == nullptr) return std::perror(payload_path.c_str()), 2;
    bool ok = read_stream(f, payload);
    std::fclose(f);
    if (!ok) return std::cerr << payload_path << ": read error\n", 2;
  }
  // The same request the incoming webhooks plugin publishes; an unparsable payload is embedded
  // as is and answered as a payload error, as the plugin would.
  std::string request = "{\"op\":\"translate\",\"translator\":";
  append_json_string(request, registry.all().front()->name());
  request += ",\"variables\":{";
  for (size_t i = 0; i < variables.size(); ++i) {
    if (i) request += ',';
    append_json_string(request, variables[i].first);
    request += ':';
    append_json_string(request, variables[i].second);
  }
  request += "},\"headers\":{";
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i) request += ',';
    append_json_string(request, headers[i].first);
    request += ':';
    append_json_string(request, headers[i].second);
  }
  request += "},\"body\":";
  request += payload;
  request += '}';
  RequestHandler handler(registry);
  Answer answer;
  handler.handle(request, answer);
  std::cout << answer.json << "\n";
  if (!answer.error_id.empty()) {
    std::cerr << answer.status << " " << answer.error_id << ": " << answer.message << "\n";
    return 1;
  }
  return 0;
}

int run_list(int argc, char** argv) {
  std::vector<std::string> dirs;
  std::string exe_dir = executable_dir();
  if (!exe_dir.empty()) dirs.push_back(exe_dir + "/../plugins/translators/rules");
  for (int i = 2; i < argc; ++i) {
    if (std::string_view(argv[i]) != "--rules-dir" || i + 1 >= argc) return usage();
    dirs.emplace_back(argv[++i]);
  }
  Registry registry;
  int rc = 0;
  for (const auto& dir : dirs) {
    for (const auto& e : registry.load_directory(dir)) {
      std::cerr << e << "\n";
      rc = 2;
    }
  }
  for (const Translator* t : registry.all()) {
    std::cout << t->name() << "\t";
    for (size_t i = 0; i < t->variables().size(); ++i) {
      std::cout << (i ? "," : "") << "@" << t->variables()[i];
    }
    std::cout << "\t" << t->rules().size() << " rule(s)" << (t->has_fallback() ? " + fallback" : "")
              << "\t" << t->description() << "\t" << t->source() << "\n";
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string_view command = argv[1];
  if (command == "test") return run_test(argc, argv);
  if (command == "list") return run_list(argc, argv);
  return usage();
}
