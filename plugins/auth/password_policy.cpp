#include "plugins/auth/password_policy.h"

#include <array>
#include <string>

namespace pb::auth {
namespace {

constexpr std::string_view kSymbols = " !\"\\#$%&'()*+,-./:;<=>?@[]^_`|~";

template <typename Pred>
bool has_any(std::string_view s, Pred pred) {
  for (char c : s) {
    if (pred(c)) return true;
  }
  return false;
}

// Mattermost builds the id from the ENABLED rules, not from the one that failed, so each of the
// 16 flag combinations has its own id. Built once; indexed by the flag bits.
const std::array<std::string, 16>& ids() {
  static const std::array<std::string, 16> table = [] {
    std::array<std::string, 16> out;
    for (int bits = 0; bits < 16; ++bits) {
      std::string id = "model.user.is_valid.pwd";
      if (bits & 1) id += "_lowercase";
      if (bits & 2) id += "_uppercase";
      if (bits & 4) id += "_number";
      if (bits & 8) id += "_symbol";
      id += ".app_error";
      out[bits] = std::move(id);
    }
    return out;
  }();
  return table;
}

}  // namespace

std::string_view password_policy_error(std::string_view password, const PasswordPolicy& p) {
  bool ok = password.size() >= static_cast<size_t>(p.minimum_length) &&
            password.size() <= kMaximumPasswordBytes;
  if (ok && p.lowercase) ok = has_any(password, [](char c) { return c >= 'a' && c <= 'z'; });
  if (ok && p.uppercase) ok = has_any(password, [](char c) { return c >= 'A' && c <= 'Z'; });
  if (ok && p.number) ok = has_any(password, [](char c) { return c >= '0' && c <= '9'; });
  if (ok && p.symbol) {
    ok = has_any(password, [](char c) { return kSymbols.find(c) != std::string_view::npos; });
  }
  if (ok) return {};
  int bits = (p.lowercase ? 1 : 0) | (p.uppercase ? 2 : 0) | (p.number ? 4 : 0) | (p.symbol ? 8 : 0);
  return ids()[bits];
}

const char* password_policy_message() {
  return "Your password does not meet the password requirements.";
}

}  // namespace pb::auth
