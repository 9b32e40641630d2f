#include "bench/outgoing/proc_stats.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>

#include "patchbay/plugin.h"

namespace pb::bench {
namespace {

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(PB_E_IO, "cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The number after "key:" at the start of a line, in kB (as /proc/PID/status writes it).
bool field_kb(std::string_view text, std::string_view key, uint64_t* out) {
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == ':') {
      std::string_view rest = line.substr(key.size() + 1);
      size_t digits = rest.find_first_of("0123456789");
      if (digits == std::string_view::npos) return false;
      rest.remove_prefix(digits);
      return std::from_chars(rest.data(), rest.data() + rest.size(), *out).ec == std::errc{};
    }
    at = end + 1;
  }
  return false;
}

}  // namespace

bool parse_memory(std::string_view status_text, MemorySample* out) {
  MemorySample m;
  if (!field_kb(status_text, "VmRSS", &m.rss_kb)) return false;
  field_kb(status_text, "RssAnon", &m.anon_kb);  // absent on old kernels: 0
  *out = m;
  return true;
}

bool parse_cpu_ticks(std::string_view stat_text, uint64_t* out) {
  size_t paren = stat_text.rfind(')');
  if (paren == std::string_view::npos) return false;
  std::string_view rest = stat_text.substr(paren + 1);
  // After ")": field 3 (state) is the first; utime is field 14, stime field 15.
  uint64_t ticks = 0;
  int field = 2;
  for (size_t at = 0; at < rest.size() && field < 15;) {
    while (at < rest.size() && rest[at] == ' ') ++at;
    size_t end = rest.find(' ', at);
    if (end == std::string_view::npos) end = rest.size();
    if (end == at) break;
    ++field;
    if (field == 14 || field == 15) {
      uint64_t v = 0;
      if (std::from_chars(rest.data() + at, rest.data() + end, v).ec != std::errc{}) return false;
      ticks += v;
    }
    at = end;
  }
  if (field < 15) return false;
  *out = ticks;
  return true;
}

bool parse_schedstat(std::string_view text, SchedSample* out) {
  uint64_t values[2] = {};
  size_t at = 0;
  for (uint64_t& v : values) {
    while (at < text.size() && text[at] == ' ') ++at;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), v);
    if (ec != std::errc{}) return false;
    at = static_cast<size_t>(end - text.data());
  }
  *out = SchedSample{values[0], values[1]};
  return true;
}

Result<SchedSample> read_schedstat(pid_t pid, pid_t tid) {
  auto text = read_text("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/schedstat");
  if (!text) return text.error();
  SchedSample s;
  if (!parse_schedstat(*text, &s)) return make_error(PB_E_IO, "unreadable schedstat");
  return s;
}

Result<MemorySample> read_memory(pid_t pid) {
  auto text = read_text("/proc/" + std::to_string(pid) + "/status");
  if (!text) return text.error();
  MemorySample m;
  if (!parse_memory(*text, &m)) return make_error(PB_E_IO, "no VmRSS in /proc/PID/status");
  return m;
}

Result<uint64_t> read_cpu_ns(pid_t pid) {
  auto text = read_text("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return text.error();
  uint64_t ticks = 0;
  if (!parse_cpu_ticks(*text, &ticks)) return make_error(PB_E_IO, "unreadable /proc/PID/stat");
  return ticks * (1'000'000'000 / static_cast<uint64_t>(sysconf(_SC_CLK_TCK)));
}

std::string load_average() {
  auto text = read_text("/proc/loadavg");
  if (!text) return "unknown";
  std::istringstream in(*text);
  std::string a, b, c;
  if (!(in >> a >> b >> c)) return "unknown";
  return a + " " + b + " " + c;
}

}  // namespace pb::bench
