// The one user the attachments tests mention, and the username lookup that knows only her.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "plugins/attachments/slack_markup.h"

namespace pb::attachments::fixtures {

inline const std::string kAliceId = "8ebfmhzpbjgyzgdpd3qpisnbhh";

inline UsernameLookup users() {
  return [](std::string_view id) -> std::optional<std::string> {
    if (id == kAliceId) return "alice";
    return std::nullopt;
  };
}

}  // namespace pb::attachments::fixtures
