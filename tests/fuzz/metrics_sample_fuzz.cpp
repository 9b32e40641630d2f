// Plugin-supplied /metrics samples (core/metrics/plugin_samples.h): whatever names, help texts,
// labels and values a plugin sends, the accepted ones render into a page that a strict
// Prometheus text parser reads back (tests/integration/metrics/prometheus_text.h), with every
// accepted name under the plugin's prefix. Input: fields separated by '\x01', samples by '\x02':
// name, help, type byte, then label name/value pairs; the value is taken from the help's length
// and a few special values.
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics/plugin_samples.h"
#include "tests/integration/metrics/prometheus_text.h"

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (true) {
    size_t end = s.find(sep, at);
    out.push_back(s.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos) return out;
    at = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pb::metrics;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  PluginSamples samples("fuzz.plugin-x");
  const double kValues[] = {0, 1, -1, 0.5, 1e300, INFINITY, -INFINITY, NAN};
  for (std::string_view record : split(input, '\x02')) {
    auto fields = split(record, '\x01');
    if (fields.size() < 3) continue;
    std::vector<Label> labels;
    for (size_t i = 3; i + 1 < fields.size(); i += 2) labels.push_back({fields[i], fields[i + 1]});
    Type type = fields[2].empty() ? Type::gauge : static_cast<Type>(static_cast<uint8_t>(fields[2][0]) % 3);
    double value = kValues[fields[1].size() % 8];
    (void)samples.add(fields[0], fields[1], type, labels, value);
  }
  std::string page;
  TextWriter out(page);
  samples.render(out);
  std::string error;
  auto parsed = pb::test::prom::parse(page, &error);
  if (!parsed) abort();  // an accepted sample broke the format
  for (const auto& sample : parsed->samples) {
    if (!sample.name.starts_with("patchbay_plugin_fuzz_plugin_x_")) abort();
  }
  return 0;
}
