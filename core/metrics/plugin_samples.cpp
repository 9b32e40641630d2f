#include "core/metrics/plugin_samples.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>

#include "patchbay/plugin.h"

namespace pb::metrics {
namespace {

bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

Error refuse(int code, std::string message) { return make_error(code, std::move(message)); }

}  // namespace

std::string plugin_metric_prefix(std::string_view plugin_id) {
  std::string prefix = "patchbay_plugin_";
  for (char c : plugin_id) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    prefix.push_back(keep ? c : '_');
  }
  prefix.push_back('_');
  return prefix;
}

PluginSamples::PluginSamples(std::string_view plugin_id)
    : prefix_(plugin_metric_prefix(plugin_id)) {}

Result<void> PluginSamples::add(std::string_view name, std::string_view help, Type t,
                                std::span<const Label> labels, double value) {
  if (count_ >= kMaxSamples) {
    return refuse(PB_E_LIMIT, fmt::format("more than {} samples in one scrape", kMaxSamples));
  }
  if (name.size() > kMaxNameBytes || !valid_metric_name(name)) {
    return refuse(PB_E_INVALID, "the name is not a valid metric name");
  }
  if (!name.starts_with(prefix_) || name.size() == prefix_.size()) {
    return refuse(PB_E_INVALID, fmt::format("the name must start with {} and go on", prefix_));
  }
  if (name.ends_with("_bucket") || name.ends_with("_sum") || name.ends_with("_count")) {
    return refuse(PB_E_INVALID, "names ending in _bucket, _sum or _count are for histograms");
  }
  if (t != Type::counter && t != Type::gauge) {
    return refuse(PB_E_INVALID, "the type is neither a counter nor a gauge");
  }
  if (help.size() > kMaxHelpBytes || !valid_utf8(help)) {
    return refuse(PB_E_INVALID, "the help text is too long or not UTF-8");
  }
  if (labels.size() > kMaxLabels) {
    return refuse(PB_E_INVALID, fmt::format("more than {} labels", kMaxLabels));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    const Label& l = labels[i];
    if (!valid_label_name(l.name) || l.name == "le" || l.name == "quantile") {
      return refuse(PB_E_INVALID, "a label name is not valid");
    }
    for (size_t j = 0; j < i; ++j) {
      if (labels[j].name == l.name) return refuse(PB_E_INVALID, "a label name is repeated");
    }
    if (l.value.size() > kMaxLabelValueBytes || !valid_utf8(l.value)) {
      return refuse(PB_E_INVALID, "a label value is too long or not UTF-8");
    }
  }
  if (std::isnan(value) || (t == Type::counter && (!std::isfinite(value) || value < 0))) {
    return refuse(PB_E_INVALID, "the value is NaN, or a counter that is negative or infinite");
  }

  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{std::string(help), t, {}}).first;
  } else if (it->second.type != t || it->second.help != help) {
    return refuse(PB_E_INVALID, "an earlier sample of this name has another type or help");
  }
  std::string block;
  if (!labels.empty()) {
    block.push_back('{');
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) block.push_back(',');
      block.append(labels[i].name).append("=\"");
      append_label_value(block, labels[i].value);
      block.push_back('"');
    }
    block.push_back('}');
  }
  if (!it->second.samples.emplace(std::move(block), value).second) {
    return refuse(PB_E_EXISTS, "this name and label set were already sampled in this scrape");
  }
  ++count_;
  return {};
}

void PluginSamples::render(TextWriter& out) const {
  for (const auto& [name, family] : families_) {
    out.family(name, family.help, family.type);
    for (const auto& [block, value] : family.samples) {
      out.out().append(name).append(block).push_back(' ');
      append_value(out.out(), value);
      out.out().push_back('\n');
    }
  }
}

}  // namespace pb::metrics
