// Prometheus text exposition format (version 0.0.4): the writer every /metrics sample goes
// through, and the name and label rules it enforces.
//
// The format, in short: for each metric family a "# HELP name text" and a "# TYPE name type"
// line, then its samples "name{label="value",...} value", all lines of a family together.
// Histograms are families of type histogram whose samples are name_bucket{le="..."} (cumulative),
// name_sum and name_count.
//
// Threading: plain values; no shared state. Cost: appends to one std::string, no allocation per
// sample once the string has grown.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace pb::metrics {

enum class Type { counter, gauge, histogram };
std::string_view type_name(Type type);  // "counter", "gauge", "histogram"

struct Label {
  std::string_view name;
  std::string_view value;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*, not empty.
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not empty, not starting with "__" (reserved by Prometheus).
bool valid_label_name(std::string_view name);
// A label value as it goes between the quotes: backslash, double quote and newline escaped.
void append_label_value(std::string& out, std::string_view value);
// A sample value: integers exactly, others in the shortest form that reads back the same;
// "+Inf", "-Inf", "NaN" as the format spells them.
void append_value(std::string& out, double value);

// Writes into a caller-owned string. The caller passes valid names (the host's own are
// constants; plugin-supplied ones are checked by plugin_samples.h first): the writer does not
// validate, it only escapes label values and help text.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  // "# HELP" and "# TYPE" lines opening the family `name`.
  void family(std::string_view name, std::string_view help, Type type);
  // One sample line: `name` is the family name or, for histograms, name + "_bucket" / "_sum" /
  // "_count".
  void sample(std::string_view name, std::span<const Label> labels, double value);
  void sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  // A sample with the family's labels plus one more (histogram buckets: le="...").
  void sample(std::string_view name, std::span<const Label> labels, Label extra, double value);

  std::string& out() { return out_; }

 private:
  void labels(std::span<const Label> labels, const Label* extra);
  std::string& out_;
};

}  // namespace pb::metrics
