// Fresh Mattermost-shaped ids and hook tokens: 26 characters of "ybndrfg8ejkmcpqxot1uwisza345h769"
// drawn uniformly from libsodium's CSPRNG (130 random bits; Mattermost's IsValidId only asks for
// 26 letters or digits). Thread-safe; needs sodium_init() to have run once (init does it).
#pragma once

#include <string>

namespace pb::outgoing {

std::string new_id();

}  // namespace pb::outgoing
