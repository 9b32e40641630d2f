// ServiceSettings.ListenAddress: Mattermost's Go-style "host:port".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace pb::config {

struct ListenAddress {
  std::string host;  // "0.0.0.0" for ":PORT"; IPv6 without brackets ("::1"); or a host name
  std::uint16_t port = 0;  // 0 lets the OS choose (tests use "127.0.0.1:0")
  bool operator==(const ListenAddress&) const = default;
};

// Accepts ":PORT" (all IPv4 interfaces, 0.0.0.0), "HOST:PORT" (IPv4 address or host name) and
// "[IPv6]:PORT". PORT is 0..65535 in decimal. An IPv6 address without brackets is refused (the
// port would be ambiguous). Error: PB_E_INVALID, message naming the input and what is wrong.
// Pure; any thread.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace pb::config
