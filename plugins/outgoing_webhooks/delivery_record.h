// What one pending delivery needs (a triggering post and the hook it fires), the store key and
// record it lives under until every callback URL was called, and the body sent to each callback
// URL (wire spec §4.3).
//
// Pure: no host. Threading: any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pb::outgoing {

struct DeliveryRecord {
  std::string hook_id;
  std::string post_id;
  std::string root_id;  // the triggering post's root ("" for a root post): replies thread there
  std::string channel_id;
  std::string channel_name;
  std::string team_id;
  std::string team_domain;
  std::string user_id;
  std::string user_name;
  std::string text;
  std::string trigger_word;
  std::string file_ids;  // comma-joined
  int64_t timestamp_ms = 0;
};

// Key prefix of every pending delivery in the plugin's kv namespace.
inline constexpr std::string_view kDeliveryPrefix = "q/";

// "q/<create_at, 13 digits>/<post id>/<hook id>": resumed in post order after a restart.
std::string delivery_key(const DeliveryRecord& record);

std::string to_record_json(const DeliveryRecord& record);
// nullopt when the stored text is damaged.
std::optional<DeliveryRecord> record_from_json(std::string_view json);

// The callback body: JSON (timestamp in milliseconds) or, for any other content type, a form
// with keys sorted as Go's url.Values.Encode sorts them (timestamp in seconds). `token` is the
// hook's token at the time of the call.
std::string callback_body(const DeliveryRecord& record, std::string_view token, bool json);

// Go's url.QueryEscape of `s`, appended to `out`.
void append_query_escaped(std::string& out, std::string_view s);

}  // namespace pb::outgoing
