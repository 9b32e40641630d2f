#include "core/metrics/text_format.h"

#include <fmt/format.h>

#include <cmath>

namespace pb::metrics {
namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::string_view type_name(Type type) {
  switch (type) {
    case Type::counter: return "counter";
    case Type::gauge: return "gauge";
    case Type::histogram: return "histogram";
  }
  return "untyped";
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(name_start(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!name_char(c) && c != ':') return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !name_start(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!name_char(c)) return false;
  }
  return true;
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out.append("\\\\"); break;
      case '"': out.append("\\\""); break;
      case '\n': out.append("\\n"); break;
      default: out.push_back(c);
    }
  }
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
  } else if (std::isinf(value)) {
    out.append(value > 0 ? "+Inf" : "-Inf");
  } else if (value == std::trunc(value) && std::fabs(value) < 9.007199254740992e15) {
    // Whole numbers (every counter) without an exponent or a trailing ".0".
    fmt::format_to(std::back_inserter(out), "{}", static_cast<int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);  // shortest round-trip form
  }
}

void TextWriter::family(std::string_view name, std::string_view help, Type type) {
  out_.append("# HELP ").append(name).push_back(' ');
  // Help text escapes only backslash and newline.
  for (char c : help) {
    if (c == '\\') {
      out_.append("\\\\");
    } else if (c == '\n') {
      out_.append("\\n");
    } else {
      out_.push_back(c);
    }
  }
  out_.append("\n# TYPE ").append(name).push_back(' ');
  out_.append(type_name(type)).push_back('\n');
}

void TextWriter::labels(std::span<const Label> labels, const Label* extra) {
  if (labels.empty() && extra == nullptr) return;
  out_.push_back('{');
  bool first = true;
  auto one = [&](const Label& l) {
    if (!first) out_.push_back(',');
    first = false;
    out_.append(l.name).append("=\"");
    append_label_value(out_, l.value);
    out_.push_back('"');
  };
  for (const Label& l : labels) one(l);
  if (extra != nullptr) one(*extra);
  out_.push_back('}');
}

void TextWriter::sample(std::string_view name, std::span<const Label> labels, double value) {
  out_.append(name);
  this->labels(labels, nullptr);
  out_.push_back(' ');
  append_value(out_, value);
  out_.push_back('\n');
}

void TextWriter::sample(std::string_view name, std::span<const Label> labels, Label extra,
                        double value) {
  out_.append(name);
  this->labels(labels, &extra);
  out_.push_back(' ');
  append_value(out_, value);
  out_.push_back('\n');
}

}  // namespace pb::metrics
