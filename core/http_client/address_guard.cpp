#include "core/http_client/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace pb::http_client {
namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_mapped_v4(const IpAddress& a) {
  return std::memcmp(a.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0;
}

// True when the first `bits` bits of a and b agree.
bool same_prefix(const IpAddress& a, const IpAddress& b, int bits) {
  int whole = bits / 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), static_cast<size_t>(whole)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress out;
  std::memcpy(out.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size());
  out.bytes[12] = a;
  out.bytes[13] = b;
  out.bytes[14] = c;
  out.bytes[15] = d;
  return out;
}

IpAddress v6_prefix(uint8_t first, uint8_t second) {
  IpAddress out;
  out.bytes[0] = first;
  out.bytes[1] = second;
  return out;
}

struct Range {
  IpAddress network;
  int bits;  // of the 128-bit form: a v4 /n is 96 + n
};

const Range kInternal[] = {
    {v4(0, 0, 0, 0), 96 + 8},        // "this network", incl. the unspecified 0.0.0.0
    {v4(10, 0, 0, 0), 96 + 8},       // private
    {v4(100, 64, 0, 0), 96 + 10},    // CGNAT (shared address space)
    {v4(127, 0, 0, 0), 96 + 8},      // loopback
    {v4(169, 254, 0, 0), 96 + 16},   // link-local (cloud metadata lives here)
    {v4(172, 16, 0, 0), 96 + 12},    // private
    {v4(192, 168, 0, 0), 96 + 16},   // private
    {v4(224, 0, 0, 0), 96 + 4},      // multicast
    {v4(240, 0, 0, 0), 96 + 4},      // reserved, incl. broadcast 255.255.255.255
    {IpAddress{}, 128},              // :: unspecified
    {[] { IpAddress a; a.bytes[15] = 1; return a; }(), 128},  // ::1 loopback
    {v6_prefix(0xfe, 0x80), 10},     // link-local
    {v6_prefix(0xfc, 0x00), 7},      // unique-local
    {v6_prefix(0xff, 0x00), 8},      // multicast
};

bool split_cidr(std::string_view entry, std::string_view* ip, int* bits) {
  size_t slash = entry.find('/');
  *ip = entry.substr(0, slash);
  if (slash == std::string_view::npos) {
    *bits = -1;
    return true;
  }
  std::string_view digits = entry.substr(slash + 1);
  if (digits.empty() || digits.size() > 3) return false;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *bits = n;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  }
  return out;
}

}  // namespace

bool parse_ip(std::string_view text, IpAddress* out) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  in_addr a4;
  if (inet_pton(AF_INET, buf, &a4) == 1) {
    const auto* b = reinterpret_cast<const uint8_t*>(&a4.s_addr);
    *out = v4(b[0], b[1], b[2], b[3]);
    return true;
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, buf, &a6) == 1) {
    std::memcpy(out->bytes.data(), a6.s6_addr, 16);
    return true;
  }
  return false;
}

bool from_sockaddr(const sockaddr* address, IpAddress* out) {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    const auto* b = reinterpret_cast<const uint8_t*>(&in->sin_addr.s_addr);
    *out = v4(b[0], b[1], b[2], b[3]);
    return true;
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    std::memcpy(out->bytes.data(), in6->sin6_addr.s6_addr, 16);
    return true;
  }
  return false;
}

std::string to_string(const IpAddress& address) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_mapped_v4(address)) {
    inet_ntop(AF_INET, address.bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, address.bytes.data(), buf, sizeof buf);
  }
  return buf;
}

bool is_internal(const IpAddress& address) {
  for (const Range& r : kInternal) {
    if (same_prefix(address, r.network, r.bits)) return true;
  }
  return false;
}

AddressGuard::AddressGuard(std::string_view allow_list) {
  size_t at = 0;
  while (at < allow_list.size()) {
    size_t end = allow_list.find_first_of(" ,\t", at);
    if (end == std::string_view::npos) end = allow_list.size();
    std::string_view entry = allow_list.substr(at, end - at);
    at = end + 1;
    if (entry.empty()) continue;
    std::string_view ip_text;
    int bits = -1;
    IpAddress ip;
    if (split_cidr(entry, &ip_text, &bits) && parse_ip(ip_text, &ip)) {
      bool v4_text = ip_text.find(':') == std::string_view::npos;
      int max_bits = v4_text ? 32 : 128;
      if (bits > max_bits) continue;
      int full = bits < 0 ? 128 : (v4_text ? 96 + bits : bits);
      cidrs_.push_back(Cidr{ip, full});
      continue;
    }
    if (entry.find('/') != std::string_view::npos) continue;  // a malformed CIDR
    std::string name = lower(entry);
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (!name.empty()) names_.push_back(std::move(name));
  }
}

bool AddressGuard::allows(std::string_view host, const IpAddress& address) const {
  if (!is_internal(address)) return true;
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  for (const std::string& name : names_) {
    if (name == host) return true;
  }
  for (const Cidr& cidr : cidrs_) {
    if (same_prefix(address, cidr.network, cidr.prefix_bits)) return true;
  }
  return false;
}

}  // namespace pb::http_client
