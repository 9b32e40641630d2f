// Go's fmt "%v" of a value that encoding/json decoded into interface{} — how Mattermost turns a
// Slack attachment field's non-string `value` into the string it stores (wire spec §6.3).
//
// JSON numbers are float64 in Go: printed with strconv's shortest 'g' form, exponent form when
// the exponent is < -4 or >= 6 (1234567 → "1.234567e+06", 42 → "42"). Strings print as they are,
// arrays as "[a b]", objects as Go maps "map[k:v]" with keys sorted, null inside them as "<nil>".
//
// Pure function, no state. Error: a number outside float64's range (Go's decoder refuses it).
#pragma once

#include <string>

#include "plugins/attachments/json_value.h"

namespace pb::attachments {

// Appends %v of `value` to `out`. Returns false (out partly written) when a number in it does not
// fit a float64.
bool append_go_value(std::string& out, const JsonValue& value);

// %v of a float64 (finite).
std::string go_format_float(double value);

}  // namespace pb::attachments
