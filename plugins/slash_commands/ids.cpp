#include "plugins/slash_commands/ids.h"

#include <sodium.h>

namespace pb::slash {

std::string new_id() {
  static constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
  std::string out(26, '\0');
  for (char& c : out) c = kAlphabet[randombytes_uniform(32)];
  return out;
}

}  // namespace pb::slash
