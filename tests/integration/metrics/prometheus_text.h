// A strict reader of the Prometheus text format (0.0.4) for tests: it parses a /metrics page
// line by line and checks what a scraper relies on, so a test can both assert on values and
// know the page as a whole is well formed.
//
// Checked: every line is a comment, blank, or a sample "name{labels} value"; every sample's
// family has a "# TYPE" line before it (histogram samples belong to NAME via _bucket/_sum/_count);
// each family's lines are contiguous and its TYPE appears once; label values are quoted with
// only \\, \" and \n escapes; a label name is not repeated; no two samples have the same name
// and labels; histogram buckets are cumulative (non-decreasing in le order) and le="+Inf"
// equals _count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pb::test::prom {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Page {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram|...
  std::map<std::string, std::string> helps;

  // The value of the sample `name` whose labels include all of `match`; nullopt if none.
  std::optional<double> value(std::string_view name,
                              const std::map<std::string, std::string>& match = {}) const {
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const auto& [k, v] : match) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) all = false;
      }
      if (all) return s.value;
    }
    return std::nullopt;
  }
  // Every value of label `label` among samples named `name`.
  std::set<std::string> label_values(std::string_view name, const std::string& label) const {
    std::set<std::string> out;
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      if (auto it = s.labels.find(label); it != s.labels.end()) out.insert(it->second);
    }
    return out;
  }
};

inline bool name_char(char c, bool first) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

// The family a sample belongs to, given the declared types.
inline std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      std::string base = name.substr(0, name.size() - suffix.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

// Parses `text`; on the first violation returns nullopt and sets *error (line number + what).
inline std::optional<Page> parse(std::string_view text, std::string* error) {
  Page page;
  std::set<std::string> closed;  // families whose lines ended
  std::string current;           // the family of the previous line
  std::set<std::string> seen_series;
  size_t line_no = 0;
  auto fail = [&](const std::string& what) {
    *error = "line " + std::to_string(line_no) + ": " + what;
    return std::nullopt;
  };
  auto enter = [&](const std::string& family) -> bool {
    if (family == current) return true;
    if (!current.empty()) closed.insert(current);
    current = family;
    return closed.count(family) == 0;
  };
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) return fail("the page does not end with a newline");
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      bool help = line.starts_with("# HELP ");
      bool type = line.starts_with("# TYPE ");
      if (!help && !type) continue;  // a plain comment
      std::string_view rest = line.substr(7);
      size_t sp = rest.find(' ');
      if (sp == std::string_view::npos) return fail("HELP/TYPE without text");
      std::string name(rest.substr(0, sp));
      if (!enter(name)) return fail("family " + name + " is not contiguous");
      if (type) {
        std::string t(rest.substr(sp + 1));
        if (t != "counter" && t != "gauge" && t != "histogram" && t != "summary" && t != "untyped")
          return fail("unknown type " + t);
        if (!page.types.emplace(name, t).second) return fail("second TYPE for " + name);
      } else {
        if (!page.helps.emplace(name, std::string(rest.substr(sp + 1))).second)
          return fail("second HELP for " + name);
      }
      continue;
    }
    Sample s;
    size_t i = 0;
    while (i < line.size() && name_char(line[i], i == 0)) ++i;
    if (i == 0) return fail("a sample line without a metric name");
    s.name = std::string(line.substr(0, i));
    std::string series = s.name;
    if (i < line.size() && line[i] == '{') {
      ++i;
      series += '{';
      while (true) {
        if (i < line.size() && line[i] == '}') { ++i; break; }
        size_t n0 = i;
        while (i < line.size() && name_char(line[i], i == n0) && line[i] != ':') ++i;
        if (i == n0) return fail("a bad label name");
        std::string label(line.substr(n0, i - n0));
        if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return fail("label " + label + " without =\"");
        i += 2;
        std::string value;
        while (true) {
          if (i >= line.size()) return fail("an unterminated label value");
          char c = line[i++];
          if (c == '"') break;
          if (c == '\\') {
            if (i >= line.size()) return fail("a dangling backslash");
            char e = line[i++];
            if (e == 'n') value += '\n';
            else if (e == '\\' || e == '"') value += e;
            else return fail("a bad escape in a label value");
          } else if (c == '\n') {
            return fail("a raw newline in a label value");
          } else {
            value += c;
          }
        }
        if (!s.labels.emplace(label, value).second) return fail("label " + label + " repeated");
        series += label + "=" + value + ",";
        if (i < line.size() && line[i] == ',') ++i;
      }
      series += '}';
    }
    if (i >= line.size() || line[i] != ' ') return fail("no space before the value");
    std::string v(line.substr(i + 1));
    if (v == "+Inf") s.value = INFINITY;
    else if (v == "-Inf") s.value = -INFINITY;
    else if (v == "NaN") s.value = NAN;
    else {
      char* stop = nullptr;
      s.value = std::strtod(v.c_str(), &stop);
      if (v.empty() || *stop != '\0') return fail("value '" + v + "' is not a number");
    }
    std::string family = family_of(s.name, page.types);
    if (page.types.count(family) == 0) return fail("sample " + s.name + " has no TYPE before it");
    if (!enter(family)) return fail("family " + family + " is not contiguous");
    if (!seen_series.insert(series).second) return fail("series repeated: " + series);
    page.samples.push_back(std::move(s));
  }
  // Histograms: per label set (without le), buckets cumulative and +Inf == _count.
  for (const auto& [family, type] : page.types) {
    if (type != "histogram") continue;
    std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // key -> (le, n)
    std::map<std::string, double> counts;
    for (const Sample& s : page.samples) {
      std::map<std::string, std::string> rest = s.labels;
      rest.erase("le");
      std::string key;
      for (const auto& [k, v] : rest) key += k + "=" + v + ",";
      if (s.name == family + "_bucket") {
        auto le = s.labels.find("le");
        if (le == s.labels.end()) { *error = family + ": a bucket without le"; return std::nullopt; }
        double bound = le->second == "+Inf" ? INFINITY : std::strtod(le->second.c_str(), nullptr);
        buckets[key].emplace_back(bound, s.value);
      } else if (s.name == family + "_count") {
        counts[key] = s.value;
      }
    }
    for (auto& [key, list] : buckets) {
      std::sort(list.begin(), list.end());
      for (size_t k = 1; k < list.size(); ++k) {
        if (list[k].second < list[k - 1].second) {
          *error = family + "{" + key + "}: buckets are not cumulative";
          return std::nullopt;
        }
      }
      if (list.empty() || !std::isinf(list.back().first)) {
        *error = family + "{" + key + "}: no le=\"+Inf\" bucket";
        return std::nullopt;
      }
      if (counts.count(key) == 0 || counts[key] != list.back().second) {
        *error = family + "{" + key + "}: le=\"+Inf\" differs from _count";
        return std::nullopt;
      }
    }
  }
  return page;
}

}  // namespace pb::test::prom
