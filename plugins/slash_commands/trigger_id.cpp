#include "plugins/slash_commands/trigger_id.h"

#include <sodium.h>

#include <charconv>
#include <cstdint>
#include <cstring>

namespace pb::slash {
namespace {

std::optional<std::string> unbase64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

// Appends base64 of `data` to `out` (standard alphabet, '=' padding: the bytes
// sodium_bin2base64's VARIANT_ORIGINAL writes). Not constant-time, and need not be: what it
// encodes is public (the signed id is sent to the command's URL, its MAC included); libsodium's
// constant-time encoder cost ~430 ns of the ~1.2 us a trigger id took on every execute.
void append_base64(std::string& out, const unsigned char* data, size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t at = out.size();
  out.resize(at + (size + 2) / 3 * 4);
  char* dst = out.data() + at;
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = kAlphabet[(v >> 6) & 63];
    *dst++ = kAlphabet[v & 63];
  }
  if (i < size) {  // one or two bytes left: two or three symbols, then padding
    uint32_t v = uint32_t{data[i]} << 16 | (i + 1 < size ? uint32_t{data[i + 1]} << 8 : 0);
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = i + 1 < size ? kAlphabet[(v >> 6) & 63] : '=';
    *dst++ = '=';
  }
}

void append_mac_base64(std::string& out, const TriggerKey& key, std::string_view data) {
  crypto_auth_hmacsha256_state state = key.keyed;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  append_base64(out, mac, sizeof mac);
}

}  // namespace

void key_ready(TriggerKey& key) {
  crypto_auth_hmacsha256_init(&key.keyed, key.bytes.data(), key.bytes.size());
}

TriggerKey new_trigger_key() {
  TriggerKey key;
  randombytes_buf(key.bytes.data(), key.bytes.size());
  key_ready(key);
  return key;
}

std::string_view trigger_key_record(const TriggerKey& key) {
  return {reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()};
}

std::optional<TriggerKey> trigger_key_from_record(std::string_view record) {
  TriggerKey key;
  if (record.size() != key.bytes.size()) return std::nullopt;
  std::memcpy(key.bytes.data(), record.data(), record.size());
  key_ready(key);
  return key;
}

std::string sign_trigger_id(const TriggerKey& key, std::string_view client_trigger_id,
                            std::string_view user_id, int64_t now_ms) {
  char millis[24];
  auto [end, ec] = std::to_chars(millis, millis + sizeof millis, now_ms);
  std::string data;
  data.reserve(client_trigger_id.size() + user_id.size() + (end - millis) + 3 + 45);
  data.append(client_trigger_id).append(1, ':').append(user_id).append(1, ':');
  data.append(millis, end).append(1, ':');
  append_mac_base64(data, key, data);
  std::string out;
  append_base64(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::optional<VerifiedTrigger> verify_trigger_id(const TriggerKey& key, std::string_view trigger_id,
                                                 int64_t now_ms, int64_t max_age_ms) {
  auto decoded = unbase64(trigger_id);
  if (!decoded) return std::nullopt;
  std::string_view text = *decoded;
  size_t first = text.find(':');
  size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
  size_t third = second == std::string_view::npos ? second : text.find(':', second + 1);
  if (third == std::string_view::npos) return std::nullopt;
  std::string expected;
  append_mac_base64(expected, key, text.substr(0, third + 1));
  std::string_view given = text.substr(third + 1);
  if (given.size() != expected.size() ||
      sodium_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  VerifiedTrigger out;
  std::string_view millis = text.substr(second + 1, third - second - 1);
  auto [end, ec] = std::from_chars(millis.data(), millis.data() + millis.size(), out.created_ms);
  if (ec != std::errc() || end != millis.data() + millis.size()) return std::nullopt;
  if (out.created_ms > now_ms || now_ms - out.created_ms > max_age_ms) return std::nullopt;
  out.client_trigger_id.assign(text.substr(0, first));
  out.user_id.assign(text.substr(first + 1, second - first - 1));
  return out;
}

}  // namespace pb::slash
