#include "plugins/attachments/renderer.h"

#include <vector>

#include "plugins/attachments/normaliser.h"

namespace pb::attachments {
namespace {

// The string member `key` (exact spelling: the normaliser wrote canonical keys), or "".
std::string_view string_member(const JsonValue& object, std::string_view key) {
  std::string_view found;
  for (const auto& m : object.members) {
    if (m.key == key && m.value.kind == JsonValue::Kind::String) found = m.value.text;
  }
  return found;
}

const JsonValue* member(const JsonValue& object, std::string_view key) {
  const JsonValue* found = nullptr;
  for (const auto& m : object.members) {
    if (m.key == key) found = &m.value;
  }
  return found;
}

// Appends `text` with every line prefixed by "> ".
void quote(std::string& out, std::string_view text) {
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    out += "> ";
    out.append(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    out += '\n';
    if (nl == std::string_view::npos) return;
    start = nl + 1;
  }
}

// A value fit for one Markdown table cell: '|' escaped, newlines as spaces.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

struct FieldView {
  std::string title, value;
  bool is_short = false;
};

std::vector<FieldView> fields_of(const JsonValue& attachment) {
  std::vector<FieldView> out;
  const JsonValue* fields = member(attachment, "fields");
  if (fields == nullptr || fields->kind != JsonValue::Kind::Array) return out;
  for (const auto& f : fields->items) {
    if (f.kind != JsonValue::Kind::Object) continue;
    FieldView v;
    v.title = std::string(string_member(f, "title"));
    if (const JsonValue* value = member(f, "value"); value != nullptr) {
      if (value->kind == JsonValue::Kind::String) v.value = value->text;
      else if (value->kind != JsonValue::Kind::Null) v.value = std::string(value->raw);
    }
    const JsonValue* s = member(f, "short");
    v.is_short = s != nullptr && s->kind == JsonValue::Kind::Bool && s->boolean;
    if (v.title.empty() && v.value.empty()) continue;
    out.push_back(std::move(v));
  }
  return out;
}

void render_short_row(std::string& out, const FieldView* a, const FieldView* b) {
  auto title = [](const FieldView* f) { return f ? "**" + cell(f->title) + "**" : std::string(); };
  auto value = [](const FieldView* f) { return f ? cell(f->value) : std::string(); };
  out += "> | " + title(a) + " | " + title(b) + " |\n";
  out += "> |:--|:--|\n";
  out += "> | " + value(a) + " | " + value(b) + " |\n";
}

}  // namespace

std::string resolve_color(std::string_view color) {
  if (color == "good") return "#2EB886";
  if (color == "warning") return "#DAA038";
  if (color == "danger") return "#A30200";
  if (!is_valid_attachment_color(color)) return {};
  std::string out(color);
  for (char& c : out) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string render_attachment(const JsonValue& a) {
  if (a.kind != JsonValue::Kind::Object) return {};
  std::string out;
  std::string_view pretext = string_member(a, "pretext");
  if (!pretext.empty()) {
    out.append(pretext);
    out += '\n';
  }
  std::string body;
  std::string_view author = string_member(a, "author_name");
  std::string_view author_link = string_member(a, "author_link");
  if (!author.empty()) {
    quote(body, author_link.empty() ? std::string(author)
                                    : "[" + std::string(author) + "](" + std::string(author_link) + ")");
  }
  std::string_view title = string_member(a, "title");
  std::string_view title_link = string_member(a, "title_link");
  if (!title.empty()) {
    quote(body, title_link.empty()
                    ? "**" + std::string(title) + "**"
                    : "**[" + std::string(title) + "](" + std::string(title_link) + ")**");
  }
  std::string_view text = string_member(a, "text");
  if (!text.empty()) quote(body, text);

  std::vector<FieldView> fields = fields_of(a);
  for (size_t i = 0; i < fields.size();) {
    if (!fields[i].is_short) {
      quote(body, "**" + fields[i].title + "**");
      if (!fields[i].value.empty()) quote(body, fields[i].value);
      ++i;
      continue;
    }
    const FieldView* second =
        i + 1 < fields.size() && fields[i + 1].is_short ? &fields[i + 1] : nullptr;
    render_short_row(body, &fields[i], second);
    i += second ? 2 : 1;
  }

  std::string_view footer = string_member(a, "footer");
  std::string ts;
  if (const JsonValue* t = member(a, "ts"); t != nullptr) {
    ts = t->kind == JsonValue::Kind::String ? std::string(t->text)
         : t->kind == JsonValue::Kind::Number ? std::string(t->raw)
                                               : std::string();
  }
  if (!footer.empty() || !ts.empty()) {
    std::string line = "_" + std::string(footer);
    if (!ts.empty()) line += (footer.empty() ? "" : " · ") + ts;
    quote(body, line + "_");
  }

  if (body.empty() && pretext.empty()) {
    std::string_view fallback = string_member(a, "fallback");
    if (!fallback.empty()) quote(body, fallback);
  }
  if (!body.empty()) {
    std::string color = resolve_color(string_member(a, "color"));
    if (!color.empty()) out += "> [" + color + "]\n";
    out += body;
  }
  return out;
}

std::optional<std::string> render_attachments(std::string_view attachments_json) {
  auto list = parse_json(attachments_json);
  if (!list || list->kind != JsonValue::Kind::Array) return std::nullopt;
  std::string out;
  for (const auto& a : list->items) {
    std::string block = render_attachment(a);
    if (block.empty()) continue;
    if (!out.empty()) out += '\n';
    out += block;
  }
  return out;
}

}  // namespace pb::attachments
