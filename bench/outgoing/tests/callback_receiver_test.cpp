// The callback endpoint: a delivery naming post n records its arrival, once; anything else is
// counted as unmatched or duplicate. Driven by a plain blocking socket, as a callback would be.
#include "bench/outgoing/callback_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace pb::bench {
namespace {

// Sends one POST with `body` on a new connection and returns the status line.
std::string post(uint16_t port, const std::string& body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return "connect failed";
  }
  std::string request = "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        "Connection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buf[1024];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
  close(fd);
  return response.substr(0, response.find("\r\n"));
}

TEST(CallbackReceiver, RecordsEachPostOnceAndCountsTheRest) {
  auto r = CallbackReceiver::start(0, "go", 10);
  ASSERT_TRUE(r) << r.error().message;
  CallbackReceiver& receiver = **r;
  ASSERT_NE(receiver.port(), 0);
  EXPECT_EQ(post(receiver.port(), "post_id=a&text=go+3&token=t"), "HTTP/1.1 200 OK");
  EXPECT_EQ(post(receiver.port(), "text=go+3"), "HTTP/1.1 200 OK");   // again: a duplicate
  EXPECT_EQ(post(receiver.port(), "text=go+10"), "HTTP/1.1 200 OK");  // beyond the run
  EXPECT_EQ(post(receiver.port(), "text=quiet+1"), "HTTP/1.1 200 OK");
  EXPECT_EQ(receiver.received(), 1u);
  receiver.stop();
  EXPECT_NE(receiver.receive_times()[3], 0u);
  EXPECT_EQ(receiver.receive_times()[2], 0u);
  EXPECT_EQ(receiver.requests(), 4u);
  EXPECT_EQ(receiver.duplicates(), 1u);
  EXPECT_EQ(receiver.unmatched(), 2u);
}

TEST(CallbackReceiver, ABusyPortIsAnError) {
  auto first = CallbackReceiver::start(0, "go", 1);
  ASSERT_TRUE(first);
  auto second = CallbackReceiver::start((*first)->port(), "go", 1);
  EXPECT_FALSE(second);
}

}  // namespace
}  // namespace pb::bench
