# The HTTP client's response parser is pure (llhttp comes with pb_http): compile it in rather
# than linking pb_http_client, which would pull in OpenSSL and libuv for nothing.
set(http_response_fuzz_EXTRA_SOURCES ${CMAKE_SOURCE_DIR}/core/http_client/response_parser.cpp)
