// The outbound address guard (SSRF): which addresses an outgoing request may connect to.
//
// Internal addresses are refused: loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16),
// CGNAT (100.64/10), link-local (169.254/16, fe80::/10), unique-local (fc00::/7), multicast
// (224/4, ff00::/8), unspecified and "this network" (0/8, ::), reserved/broadcast (240/4), and
// IPv4-mapped IPv6 (::ffff:a.b.c.d) of any of those. An internal address is still allowed when
// ServiceSettings.AllowedUntrustedInternalConnections (entries separated by spaces or commas)
// lists the URL's host name, the address itself, or a CIDR containing it.
//
// The client asks the guard about the address it is about to connect to (after resolution), so
// a name that resolves differently later (DNS rebinding) gains nothing. Immutable after
// construction: any thread.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pb::http_client {

// An IP address in the IPv6 space (IPv4 as ::ffff:a.b.c.d), which makes v4 CIDRs match mapped
// addresses without a second code path.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
};

// Parses "1.2.3.4" or "::1" (no brackets, no zone). False when it is neither.
bool parse_ip(std::string_view text, IpAddress* out);
// The address of an AF_INET/AF_INET6 sockaddr. False for other families.
bool from_sockaddr(const sockaddr* address, IpAddress* out);
// "1.2.3.4" for mapped IPv4, the canonical IPv6 text otherwise.
std::string to_string(const IpAddress& address);

// True when the address is in one of the internal ranges above.
bool is_internal(const IpAddress& address);

class AddressGuard {
 public:
  // `allow_list`: AllowedUntrustedInternalConnections. Entries that are neither an IP, a CIDR
  // nor a host name are ignored (the config validator reports them).
  explicit AddressGuard(std::string_view allow_list = {});

  // May a request whose URL names `host` (lower case, no brackets) connect to `address`?
  bool allows(std::string_view host, const IpAddress& address) const;

 private:
  struct Cidr {
    IpAddress network;
    int prefix_bits;  // of the 128-bit form
  };
  std::vector<std::string> names_;
  std::vector<Cidr> cidrs_;
};

}  // namespace pb::http_client
