// The samples a plugin contributes to /metrics (ABI minor 5: metrics_register / metrics_sample),
// checked before they reach the page: a plugin can add series but cannot break the format, pose
// as the core or as another plugin, or blow up the page.
//
// Rules (each refusal is PB_E_INVALID unless said otherwise; a refused sample is dropped, the
// plugin's others stay):
// - name: a valid metric name of at most kMaxNameBytes under the plugin's own prefix
//   "patchbay_plugin_<id>_" (the id with every byte outside [A-Za-z0-9_] as '_'), with something
//   after the prefix; and not ending in _bucket, _sum or _count (reserved for histograms, which
//   plugins do not emit);
// - type: counter or gauge; the first sample of a name fixes its type and
//   help, a later one that disagrees is refused;
// - help: at most kMaxHelpBytes of valid UTF-8 (may be empty);
// - labels: at most kMaxLabels, each a valid label name (not "__"-prefixed, not "le" or
//   "quantile"), names unique within the sample, values at most kMaxLabelValueBytes of valid
//   UTF-8 (escaped when rendered);
// - value: not NaN; a counter's finite and >= 0;
// - the same name and label set twice in one scrape: PB_E_EXISTS;
// - more than kMaxSamples samples from one plugin in one scrape: PB_E_LIMIT.
//
// Threading: one PluginSamples per plugin per scrape, on the loop thread.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics/text_format.h"
#include "core/util/result.h"

namespace pb::metrics {

// "patchbay_plugin_" + sanitised id + "_".
std::string plugin_metric_prefix(std::string_view plugin_id);

class PluginSamples {
 public:
  static constexpr size_t kMaxSamples = 1000;
  static constexpr size_t kMaxLabels = 8;
  static constexpr size_t kMaxNameBytes = 200;
  static constexpr size_t kMaxHelpBytes = 512;
  static constexpr size_t kMaxLabelValueBytes = 256;

  explicit PluginSamples(std::string_view plugin_id);

  // `type` counter or gauge (histogram is refused). Returns ok, or an Error whose code is PB_E_INVALID,
  // PB_E_EXISTS or PB_E_LIMIT and whose message says which rule the sample broke.
  Result<void> add(std::string_view name, std::string_view help, Type type,
                   std::span<const Label> labels, double value);

  size_t size() const { return count_; }
  // Every accepted family, in name order, each with its HELP and TYPE lines.
  void render(TextWriter& out) const;

 private:
  struct Family {
    std::string help;
    Type type;
    std::map<std::string, double> samples;  // rendered label block "{a=\"x\"}" -> value
  };
  std::string prefix_;
  std::map<std::string, Family, std::less<>> families_;
  size_t count_ = 0;
};

}  // namespace pb::metrics
