#include "tests/integration/support/recording_server.h"

#include <algorithm>
#include <cctype>
#include <thread>

namespace pb::itest {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequal(k, name)) return v;
  }
  return {};
}

bool parse_recorded_request(std::string_view raw, RecordedRequest* out) {
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return false;
  std::string_view head = raw.substr(0, head_end);
  size_t line_end = std::min(head.find("\r\n"), head.size());
  std::string_view start = head.substr(0, line_end);
  size_t sp1 = start.find(' '), sp2 = start.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1) return false;
  out->method = std::string(start.substr(0, sp1));
  out->target = std::string(start.substr(sp1 + 1, sp2 - sp1 - 1));
  out->headers.clear();
  for (size_t pos = line_end; pos < head.size();) {
    size_t next = std::min(head.find("\r\n", pos + 2), head.size());
    std::string_view line = head.substr(pos + 2, next - pos - 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    pos = next;
  }
  // read_request() already cut the body to Content-Length: everything after the head is it.
  out->body = std::string(raw.substr(head_end + 4));
  return true;
}

RecordingServer::RecordingServer()
    : server_([this](LoopbackConnection& connection) { serve(connection); }) {}

std::string RecordingServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
}

void RecordingServer::answer(int status, std::string body, std::chrono::milliseconds delay,
                             std::string content_type) {
  std::lock_guard lock(mu_);
  never_answer_ = false;
  status_ = status;
  body_ = std::move(body);
  delay_ = delay;
  content_type_ = std::move(content_type);
}

void RecordingServer::never_answer() {
  std::lock_guard lock(mu_);
  never_answer_ = true;
}

void RecordingServer::close_after_each(bool on) {
  std::lock_guard lock(mu_);
  close_after_each_ = on;
}

bool RecordingServer::wait_for(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::vector<RecordedRequest> RecordingServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t RecordingServer::count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

void RecordingServer::serve(LoopbackConnection& connection) {
  for (;;) {
    std::string raw = connection.read_request();
    if (raw.empty()) return;  // the peer closed (or the server is shutting down)
    RecordedRequest request;
    if (!parse_recorded_request(raw, &request)) {
      connection.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    request.received_at = std::chrono::steady_clock::now();
    bool never, close;
    int status;
    std::string body, content_type;
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(request));
      never = never_answer_;
      close = close_after_each_;
      status = status_;
      body = body_;
      content_type = content_type_;
      delay = delay_;
    }
    cv_.notify_all();
    if (never) {
      connection.wait_closed();  // hold it until the peer gives up or the server goes away
      return;
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::string response = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
    if (!content_type.empty()) response += "Content-Type: " + content_type + "\r\n";
    if (close) response += "Connection: close\r\n";
    response += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    connection.write(response);
    if (close) return;
  }
}

}  // namespace pb::itest
