// Fresh Mattermost-shaped ids and tokens: 26 characters of "ybndrfg8ejkmcpqxot1uwisza345h769"
// drawn uniformly from libsodium's CSPRNG. Thread-safe; needs sodium_init() (init does it).
#pragma once

#include <string>

namespace pb::slash {

std::string new_id();

}  // namespace pb::slash
