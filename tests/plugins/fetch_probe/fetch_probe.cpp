// fetch_probe: a plugin for tests, built exactly like a third-party plugin.
//   GET /api/v4/fetch_probe?url=U[&method=M][&body=B][&timeout_ms=T][&max=N][&cancel=1]
//     performs http_fetch (the query values percent-decoded) and answers 200 with what happened:
//     {"status":"PB_OK","http_status":201,"body":"...","detail":"..."}; with cancel=1 it calls
//     http_cancel right after starting. A refused start answers {"start":"PB_E_INVALID"}.
//   GET /api/v4/fetch_probe/pending
//     starts a request to `url` and answers {"started":true} at once, leaving it in flight, so a
//     test can stop the server with requests in flight (the completion is logged).
#include <patchbay/plugin.hpp>

#include <string>

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// The decoded value of `key` in a query string, or "".
std::string query_value(std::string_view query, std::string_view key) {
  size_t at = 0;
  while (at <= query.size()) {
    size_t end = query.find('&', at);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(at, end - at);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    at = end + 1;
  }
  return {};
}

class FetchProbe : public pb::sdk::Plugin {
 public:
  int init(std::string_view) override {
    auto& h = host();
    int rc = h.route("GET", "/api/v4/fetch_probe", [this](pb::sdk::Request req) { return probe(req); });
    if (rc != PB_OK) return rc;
    return h.route("GET", "/api/v4/fetch_probe/pending", [this](pb::sdk::Request req) {
      std::string url = query_value(req.query(), "url");
      pb::sdk::FetchRequest fetch;
      fetch.url = url;
      int rc = host().http_fetch(fetch, [this](int status, const pb::sdk::FetchResponse*, std::string_view detail) {
        host().info("pending fetch ended: " + std::string(host().status_name(status)) + " " + std::string(detail));
      });
      return req.respond_json(200, rc == PB_OK ? "{\"started\":true}" : "{\"started\":false}");
    });
  }

 private:
  int probe(pb::sdk::Request req) {
    std::string url = query_value(req.query(), "url");
    std::string method = query_value(req.query(), "method");
    std::string body = query_value(req.query(), "body");
    std::string timeout = query_value(req.query(), "timeout_ms");
    std::string max = query_value(req.query(), "max");
    pb::sdk::FetchRequest fetch;
    fetch.url = url;
    if (!method.empty()) fetch.method = method;
    fetch.body = body;
    fetch.headers.push_back(pb::sdk::http_header("X-Probe", "1"));
    fetch.timeout_ms = timeout.empty() ? 0 : static_cast<uint32_t>(std::stoul(timeout));
    fetch.max_response_bytes = max.empty() ? 0 : std::stoul(max);
    uint64_t id = 0;
    int rc = host().http_fetch(
        fetch,
        [this, req](int status, const pb::sdk::FetchResponse* response, std::string_view detail) {
          std::string json = "{\"status\":" + pb::sdk::json_string(host().status_name(status));
          if (response != nullptr) {
            json += ",\"http_status\":" + std::to_string(response->status());
            json += ",\"body\":" + pb::sdk::json_string(response->body());
          }
          json += ",\"detail\":" + pb::sdk::json_string(detail) + "}";
          req.respond_json(200, json);
        },
        &id);
    if (rc != PB_OK) {
      return req.respond_json(200, "{\"start\":" + pb::sdk::json_string(host().status_name(rc)) + "}");
    }
    if (query_value(req.query(), "cancel") == "1") {
      int cancelled = host().http_cancel(id);
      if (cancelled != PB_OK) host().error("http_cancel failed");
    }
    return PB_OK;
  }
};

}  // namespace

PB_PLUGIN(FetchProbe, "fetch_probe", "1.0.0")
