// Which post a delivery is for: the load tool posts "<word> <n>" and the outgoing webhook sends
// that text back in its callback body, so <n> (the post's sequence number in the run) matches
// the delivery to the post without a map from post ids.
//
// Reads both bodies the plugin sends (plugins/outgoing_webhooks/delivery_record.cpp):
//   form (default):  ...&text=go+123&...     (space as '+' or "%20")
//   JSON:            {...,"text":"go 123",...}
// Pure function, no allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pb::bench {

// The <n> of a delivery body whose text is exactly "<word> <n>" (n: 1 to 18 decimal digits).
// nullopt for anything else (no text field, another word, trailing text, no digits).
std::optional<uint64_t> delivery_sequence(std::string_view body, std::string_view word);

}  // namespace pb::bench
