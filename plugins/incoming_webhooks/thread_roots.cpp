#include "plugins/incoming_webhooks/thread_roots.h"

#include <patchbay/ids.hpp>

namespace pb::incoming_webhooks {
namespace {

std::string marker_member(std::string_view token) {
  std::string m = "\"";
  m += kThreadMarkerProp;
  m += "\":\"";
  m += token;
  m += '"';
  return m;
}

// The token in a props text, if it has the marker (tokens are ids: no escapes to decode).
std::string_view find_token(std::string_view props) {
  std::string needle = "\"";
  needle += kThreadMarkerProp;
  needle += "\":\"";
  size_t at = props.find(needle);
  if (at == std::string_view::npos) return {};
  size_t start = at + needle.size();
  size_t end = props.find('"', start);
  if (end == std::string_view::npos) return {};
  return props.substr(start, end - start);
}

}  // namespace

std::string ThreadRoots::record_key(std::string_view channel_id, std::string_view key) {
  std::string out = "thread/";
  out += channel_id;
  out += '/';
  out += key;
  return out;
}

std::string ThreadRoots::with_marker(std::string_view props_json, std::string_view token) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!props_json.empty() && is_space(props_json.back())) props_json.remove_suffix(1);
  if (props_json.empty() || props_json.back() != '}') return "{" + marker_member(token) + "}";
  std::string_view head = props_json.substr(0, props_json.size() - 1);  // without the '}'
  while (!head.empty() && is_space(head.back())) head.remove_suffix(1);
  std::string out;
  out.reserve(head.size() + 48);
  out.assign(head);
  if (!head.empty() && head.back() != '{') out += ',';  // members before it
  out += marker_member(token);
  out += '}';
  return out;
}

bool strip_thread_marker(std::string_view props, std::string_view token, std::string& out) {
  std::string member = marker_member(token);
  std::string tail = "," + member + "}";
  if (props.size() >= tail.size() && props.substr(props.size() - tail.size()) == tail) {
    out.assign(props.substr(0, props.size() - tail.size()));
    out += '}';
    return true;
  }
  if (props.size() >= member.size() + 2 && props.back() == '}' &&
      props.substr(props.size() - member.size() - 1, member.size()) == member) {
    // The only member: whatever preceded it is "{" and white space.
    std::string_view head = props.substr(0, props.size() - member.size() - 1);
    if (head.find_first_not_of(" \n\r\t") == head.size() - 1 && head.back() == '{') {
      out.assign(head);
      out += '}';
      return true;
    }
  }
  return false;
}

int ThreadRoots::init() {
  return host_.intercept(PB_EVENT_POST_WILL_BE_CREATED, kThreadInterceptPriority,
                         [this](sdk::Intercept t, uint32_t, const void* p) {
                           return on_post(t, *static_cast<const pb_post_v1*>(p));
                         });
}

void ThreadRoots::acquire(std::string_view channel_id, std::string_view key, Ready ready,
                          std::string_view stale_root) {
  std::string record = record_key(channel_id, key);
  auto root = host_.kv_get(record);
  if (root && *root != stale_root) return ready(Slot{std::move(*root), {}});
  auto pending = token_of_.find(record);
  if (pending != token_of_.end()) {
    by_token_.find(pending->second)->second.waiters.push_back(std::move(ready));
    return;
  }
  std::string token = sdk::new_id();
  by_token_.emplace(token, Pending{std::string(channel_id), std::string(key), false, {}});
  token_of_.emplace(std::move(record), token);
  ready(Slot{{}, std::move(token)});
}

void ThreadRoots::root_done(const std::string& token, std::string_view post_id) {
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return;
  Pending pending = std::move(it->second);
  by_token_.erase(it);
  std::string record = record_key(pending.channel_id, pending.key);
  token_of_.erase(record);
  if (!post_id.empty() && !pending.staged) {
    // The marker did not reach the interceptor: write the record now (the documented window).
    int rc = host_.kv_put(record, post_id, [this, record](int status) {
      if (status != PB_OK) host_.error("could not store thread root " + record);
    });
    if (rc != PB_OK) host_.error("could not store thread root " + record);
  }
  for (auto& waiter : pending.waiters) {
    if (!post_id.empty()) {
      waiter(Slot{std::string(post_id), {}});
    } else {
      acquire(pending.channel_id, pending.key, std::move(waiter));  // the next one tries
    }
  }
}

int ThreadRoots::on_post(const sdk::Intercept& turn, const pb_post_v1& post) {
  if (by_token_.empty() || (post.flags & PB_POST_FROM_WEBHOOK) == 0) return PB_VERDICT_CONTINUE;
  std::string_view props = sdk::to_sv(post.props_json);
  std::string_view token = find_token(props);
  if (token.empty()) return PB_VERDICT_CONTINUE;
  auto it = by_token_.find(token);
  if (it == by_token_.end() || it->second.channel_id != sdk::to_sv(post.channel_id)) {
    return PB_VERDICT_CONTINUE;
  }
  std::string stripped;
  if (!strip_thread_marker(props, token, stripped)) return PB_VERDICT_CONTINUE;
  std::string record = record_key(it->second.channel_id, it->second.key);
  int rc = host_.api()->intercept_stage_kv_put(turn.raw(), sdk::to_pb(record), post.id);
  if (rc != PB_OK) {
    host_.error("could not stage thread root " + record + ": " +
                std::string(host_.status_name(rc)));
  } else {
    it->second.staged = true;
  }
  pb_post_v1 out = post;
  out.props_json = sdk::to_pb(stripped);
  turn.replace(&out);
  return PB_VERDICT_CONTINUE;
}

}  // namespace pb::incoming_webhooks
