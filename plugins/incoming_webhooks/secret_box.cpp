#include "plugins/incoming_webhooks/secret_box.h"

#include <vector>

namespace pb::incoming_webhooks {
namespace {

constexpr std::string_view kSealed = "box1:";
constexpr std::string_view kPlain = "plain:";

}  // namespace

std::optional<SecretBox> SecretBox::from_hex_key(std::string_view hex_key) {
  SecretBox box;
  if (hex_key.empty()) return box;
  size_t written = 0;
  if (hex_key.size() != box.key_.size() * 2 ||
      sodium_hex2bin(box.key_.data(), box.key_.size(), hex_key.data(), hex_key.size(), nullptr,
                     &written, nullptr) != 0 ||
      written != box.key_.size()) {
    return std::nullopt;
  }
  box.has_key_ = true;
  return box;
}

std::string SecretBox::seal(std::string_view secret) const {
  if (!has_key_) return std::string(kPlain) + std::string(secret);
  std::vector<unsigned char> bin(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 secret.size());
  randombytes_buf(bin.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(bin.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                        bin.data(), key_.data());
  std::string out(kSealed);
  size_t start = out.size();
  out.resize(start + bin.size() * 2 + 1);
  sodium_bin2hex(out.data() + start, bin.size() * 2 + 1, bin.data(), bin.size());
  out.pop_back();  // sodium_bin2hex's NUL
  return out;
}

std::optional<std::string> SecretBox::open(std::string_view sealed) const {
  if (sealed.substr(0, kPlain.size()) == kPlain) return std::string(sealed.substr(kPlain.size()));
  if (sealed.substr(0, kSealed.size()) != kSealed || !has_key_) return std::nullopt;
  std::string_view hex = sealed.substr(kSealed.size());
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (hex.size() % 2 != 0 || hex.size() / 2 < kOverhead) return std::nullopt;
  std::vector<unsigned char> bin(hex.size() / 2);
  size_t written = 0;
  if (sodium_hex2bin(bin.data(), bin.size(), hex.data(), hex.size(), nullptr, &written, nullptr) !=
          0 ||
      written != bin.size()) {
    return std::nullopt;
  }
  std::string out(bin.size() - kOverhead, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 bin.data() + crypto_secretbox_NONCEBYTES,
                                 bin.size() - crypto_secretbox_NONCEBYTES, bin.data(),
                                 key_.data()) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace pb::incoming_webhooks
