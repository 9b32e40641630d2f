#include "core/http_client/response_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace pb::http_client {
namespace {

std::string_view sv(pb_str s) { return {s.data, s.len}; }

// Feeds `bytes` in pieces of `piece` bytes (0: all at once); returns the last outcome.
ResponseParser::Outcome feed_split(ResponseParser& p, std::string_view bytes, size_t piece,
                                   size_t* consumed_total = nullptr) {
  size_t consumed = 0;
  ResponseParser::Outcome last = ResponseParser::Outcome::kNeedMore;
  size_t step = piece == 0 ? bytes.size() : piece;
  for (size_t at = 0; at < bytes.size(); at += step) {
    auto s = p.feed(bytes.substr(at, step));
    consumed += s.consumed;
    last = s.outcome;
    if (last != ResponseParser::Outcome::kNeedMore) break;
  }
  if (consumed_total) *consumed_total = consumed;
  return last;
}

// Every split point of every response below gives the same answer as feeding it whole.
void expect_complete_everywhere(std::string_view wire, int status, std::string_view body,
                                bool keep_alive, bool head = false) {
  for (size_t piece : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}}) {
    ResponseParser p;
    p.begin(head, 1 << 20);
    auto outcome = feed_split(p, wire, piece);
    if (outcome == ResponseParser::Outcome::kNeedMore) outcome = p.finish();
    ASSERT_EQ(outcome, ResponseParser::Outcome::kComplete) << "piece " << piece << ": " << p.error();
    EXPECT_EQ(p.status(), status);
    EXPECT_EQ(p.body(), body) << "piece " << piece;
    EXPECT_EQ(p.keep_alive(), keep_alive);
  }
}

TEST(ResponseParser, ContentLength) {
  expect_complete_everywhere("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello", 200,
                             "hello", true);
}

TEST(ResponseParser, Chunked) {
  expect_complete_everywhere(
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
      201, "hello, world", true);
}

TEST(ResponseParser, CloseDelimitedCompletesAtEof) {
  expect_complete_everywhere("HTTP/1.1 200 OK\r\n\r\nuntil the end", 200, "until the end", false);
  expect_complete_everywhere("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false);
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  expect_complete_everywhere(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nA: 1\r\n\r\nok",
      200, "ok", true);
  ResponseParser p;
  p.begin(false, 100);
  ASSERT_EQ(p.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nA: 1\r\nContent-Length: 0\r\n\r\n").outcome,
            ResponseParser::Outcome::kComplete);
  ASSERT_EQ(p.headers().size(), 2u);  // only the final response's headers
  EXPECT_EQ(sv(p.headers()[0].name), "A");
  EXPECT_EQ(sv(p.headers()[1].name), "Content-Length");
}

TEST(ResponseParser, NoBodyForHead204And304) {
  {
    SCOPED_TRACE("HEAD");
    expect_complete_everywhere("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 200, "", true, true);
  }
  {
    SCOPED_TRACE("204");
    expect_complete_everywhere("HTTP/1.1 204 No Content\r\n\r\n", 204, "", true);
  }
  {
    SCOPED_TRACE("304");
    expect_complete_everywhere("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 304, "", true);
  }
}

TEST(ResponseParser, HeadersInOrderWithSplitNamesAndValues) {
  std::string wire = "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nSet-Cookie: a=1\r\n"
                     "Set-Cookie: b=2\r\nEmpty:\r\nContent-Length: 0\r\n\r\n";
  for (size_t piece : {size_t{1}, size_t{5}, size_t{0}}) {
    ResponseParser p;
    p.begin(false, 10);
    ASSERT_EQ(feed_split(p, wire, piece), ResponseParser::Outcome::kComplete);
    EXPECT_EQ(p.status(), 302);
    ASSERT_EQ(p.headers().size(), 5u);
    EXPECT_EQ(sv(p.headers()[0].name), "Location");
    EXPECT_EQ(sv(p.headers()[0].value), "/elsewhere");
    EXPECT_EQ(sv(p.headers()[2].value), "b=2");
    EXPECT_EQ(sv(p.headers()[3].name), "Empty");
    EXPECT_EQ(sv(p.headers()[3].value), "");
  }
}

TEST(ResponseParser, AnnouncedLengthOverTheCapIsRefusedBeforeTheBody) {
  ResponseParser p;
  p.begin(false, 10);
  auto s = p.feed("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(s.outcome, ResponseParser::Outcome::kTooLarge);
  EXPECT_TRUE(p.body().empty());
}

TEST(ResponseParser, ChunkedBodyOverTheCapStopsAtTheCap) {
  ResponseParser p;
  p.begin(false, 10);
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n").outcome,
            ResponseParser::Outcome::kNeedMore);
  EXPECT_EQ(p.feed("8\r\n12345678\r\n").outcome, ResponseParser::Outcome::kTooLarge);
  EXPECT_LE(p.body().size(), 10u);
  // Exactly the cap is fine.
  ResponseParser q;
  q.begin(false, 10);
  EXPECT_EQ(q.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789").outcome,
            ResponseParser::Outcome::kComplete);
}

TEST(ResponseParser, CloseDelimitedOverTheCap) {
  ResponseParser p;
  p.begin(false, 4);
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\n\r\n1234").outcome, ResponseParser::Outcome::kNeedMore);
  EXPECT_EQ(p.feed("5").outcome, ResponseParser::Outcome::kTooLarge);
}

TEST(ResponseParser, GarbageAndTruncationAreErrors) {
  for (const char* garbage : {"garbage\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
                              "HTTP/1.1 600 OK\r\n\r\n", "HTTP/1.1 099 OK\r\n\r\n", "HTTP/9.9 200 OK\r\n\r\n",
                              "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                              "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"}) {
    ResponseParser p;
    p.begin(false, 100);
    EXPECT_EQ(p.feed(garbage).outcome, ResponseParser::Outcome::kError) << garbage;
    EXPECT_FALSE(p.error().empty());
  }
  for (const char* truncated : {"", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                                "HTTP/1.1 200 OK\r\nX: y"}) {
    ResponseParser p;
    p.begin(false, 100);
    EXPECT_EQ(p.feed(truncated).outcome, ResponseParser::Outcome::kNeedMore) << truncated;
    EXPECT_EQ(p.finish(), ResponseParser::Outcome::kError) << truncated;
  }
}

TEST(ResponseParser, TooManyOrTooLargeHeaders) {
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 129; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  ResponseParser p;
  p.begin(false, 100);
  EXPECT_EQ(p.feed(many).outcome, ResponseParser::Outcome::kError);
  std::string large = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'a');
  ResponseParser q;
  q.begin(false, 100);
  EXPECT_EQ(q.feed(large).outcome, ResponseParser::Outcome::kError);
}

TEST(ResponseParser, BytesAfterTheResponseAreNotConsumed) {
  ResponseParser p;
  p.begin(false, 100);
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
  auto s = p.feed(wire);
  EXPECT_EQ(s.outcome, ResponseParser::Outcome::kComplete);
  EXPECT_EQ(s.consumed, wire.size() - 5);
}

TEST(ResponseParser, ReusableAcrossResponses) {
  ResponseParser p;
  for (int i = 0; i < 3; ++i) {
    p.begin(false, 100);
    EXPECT_FALSE(p.started());
    ASSERT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + std::to_string(i)).outcome,
              ResponseParser::Outcome::kComplete);
    EXPECT_TRUE(p.started());
    EXPECT_EQ(p.body(), std::to_string(i));
    EXPECT_EQ(p.headers().size(), 1u);
  }
}

TEST(ResponseParser, ConnectionCloseIsNotKeepAlive) {
  ResponseParser p;
  p.begin(false, 100);
  ASSERT_EQ(p.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").outcome,
            ResponseParser::Outcome::kComplete);
  EXPECT_FALSE(p.keep_alive());
}

}  // namespace
}  // namespace pb::http_client
