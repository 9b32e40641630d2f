// PasswordSettings policy (wire spec §7.7): length in bytes between MinimumLength and 72, and the
// enabled character classes. Pure; any thread.
#pragma once

#include <string_view>

#include "plugins/auth/settings.h"

namespace pb::auth {

constexpr size_t kMaximumPasswordBytes = 72;

// "" when `password` satisfies `policy`, else Mattermost's error id: "model.user.is_valid.pwd"
// followed by "_lowercase", "_uppercase", "_number", "_symbol" for each ENABLED class (whichever
// rule failed, as Mattermost builds it), then ".app_error". Always answered with 400.
std::string_view password_policy_error(std::string_view password, const PasswordPolicy& policy);

// The human message that goes with the id.
const char* password_policy_message();

}  // namespace pb::auth
