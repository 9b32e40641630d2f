#include "core/http/error_body.h"

#include <rapidjson/encodings.h>
#include <rapidjson/writer.h>

namespace pb::http {
namespace {

// rapidjson output stream appending to a std::string we own (so its capacity is reused).
class StringSink {
 public:
  using Ch = char;
  explicit StringSink(std::string& out) : out_(out) {}
  void Put(char c) { out_.push_back(c); }
  void Flush() {}

 private:
  std::string& out_;
};

// Writes `s` as a JSON string; bytes that are not valid UTF-8 become U+FFFD so that whatever a
// client sent us (echoed in a message) can never produce invalid JSON.
template <typename W>
void write_string(W& w, std::string& scratch, std::string_view s) {
  scratch.clear();
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len > 1) {
      // Reject overlong forms, surrogates and code points past U+10FFFF.
      uint32_t cp = c & (0x7F >> len);
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (ok) {
      scratch.append(s.data() + i, len);
      i += len;
    } else {
      scratch.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  w.String(scratch.data(), static_cast<rapidjson::SizeType>(scratch.size()));
}

}  // namespace

void append_error_body(std::string& out, int status, std::string_view id,
                       std::string_view message, std::string_view detailed,
                       std::string_view request_id) {
  StringSink sink(out);
  rapidjson::Writer<StringSink> w(sink);
  std::string scratch;
  w.StartObject();
  w.Key("id");
  write_string(w, scratch, id);
  w.Key("message");
  write_string(w, scratch, message);
  w.Key("detailed_error");
  write_string(w, scratch, detailed);
  if (!request_id.empty()) {
    w.Key("request_id");
    write_string(w, scratch, request_id);
  }
  if (status != 0) {
    w.Key("status_code");
    w.Int(status);
  }
  w.EndObject();
}

std::string error_body(int status, std::string_view id, std::string_view message,
                       std::string_view detailed, std::string_view request_id) {
  std::string out;
  append_error_body(out, status, id, message, detailed, request_id);
  return out;
}

}  // namespace pb::http
