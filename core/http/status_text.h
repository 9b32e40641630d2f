// Reason phrases for the status line.
#pragma once

#include <string_view>

namespace pb::http {

// "OK" for 200, "Not Found" for 404, ...; "Unknown" for codes without a registered phrase.
std::string_view status_text(int status);

}  // namespace pb::http
