#include "core/chat/repository.h"

#include <algorithm>

namespace pb::chat {
namespace {

using store::Table;

std::string cat(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size());
  out.append(a).append(b);
  return out;
}

// a + b (a membership key: two 26-byte ids) in a buffer on the stack; longer keys (ids a plugin
// passed unchecked) on the heap.
class JoinedKey {
 public:
  JoinedKey(std::string_view a, std::string_view b) {
    if (a.size() + b.size() <= sizeof inline_) {
      std::copy(a.begin(), a.end(), inline_);
      std::copy(b.begin(), b.end(), inline_ + a.size());
      view_ = std::string_view(inline_, a.size() + b.size());
    } else {
      heap_ = cat(a, b);
      view_ = heap_;
    }
  }
  JoinedKey(const JoinedKey&) = delete;
  JoinedKey& operator=(const JoinedKey&) = delete;
  std::string_view view() const { return view_; }

 private:
  char inline_[64];
  std::string heap_;
  std::string_view view_;
};

std::string channel_name_key(std::string_view team_id, std::string_view name) {
  std::string out(team_id);
  out += ':';
  out.append(name);
  return out;
}

// channel id, create_at as 8 big-endian bytes (so the bytewise key order is time order), post id;
// written into `out`, which is cleared first.
void write_time_key(std::string& out, std::string_view channel_id, int64_t create_at,
                    std::string_view post_id) {
  out.clear();
  out.reserve(channel_id.size() + 8 + post_id.size());
  out.append(channel_id);
  auto t = static_cast<uint64_t>(create_at);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((t >> shift) & 0xff);
  out.append(post_id);
}

}  // namespace

template <typename Parse>
auto Repository::read(Table table, std::string_view key, Parse parse) const {
  using Out = decltype(parse(std::string_view()));
  auto txn = store_->begin_read();
  if (!txn.ok()) return Out();
  auto value = store_->get(*txn, table, key);
  return value ? parse(*value) : Out();
}

namespace {

// A cached record for `id` when the calling thread owns `cache`, else a fresh parse.
template <typename T, typename Parse>
std::shared_ptr<const T> lookup(const store::Store& store, const store::ReadTxn& txn, Table table,
                                std::string_view id, bool owner, RowCache<T>& cache, Parse parse) {
  auto value = store.get(txn, table, id);
  if (!owner) return value ? RowCache<T>::parse_uncached(*value, parse) : nullptr;
  if (!value) {
    cache.forget(id);
    return nullptr;
  }
  return cache.get(id, *value, parse, store::Store::snapshot_of(txn));
}

template <typename T>
std::optional<T> copy_of(const std::shared_ptr<const T>& record) {
  return record ? std::optional<T>(*record) : std::nullopt;
}

}  // namespace

std::shared_ptr<const User> Repository::cached_user(const store::ReadTxn& txn,
                                                    std::string_view id) const {
  bool owner = parsed_.owner == std::this_thread::get_id();
  return lookup(*store_, txn, Table::users, id, owner, parsed_.users, parse_user);
}

std::shared_ptr<const Team> Repository::cached_team(const store::ReadTxn& txn,
                                                    std::string_view id) const {
  bool owner = parsed_.owner == std::this_thread::get_id();
  return lookup(*store_, txn, Table::teams, id, owner, parsed_.teams, parse_team);
}

std::shared_ptr<const Channel> Repository::cached_channel(const store::ReadTxn& txn,
                                                          std::string_view id) const {
  bool owner = parsed_.owner == std::this_thread::get_id();
  return lookup(*store_, txn, Table::channels, id, owner, parsed_.channels, parse_channel);
}

template <typename T, typename Parse>
std::shared_ptr<const T> Repository::cached_row(Table table, std::string_view key,
                                                RowCache<T>& cache, Parse parse) const {
  bool owner = parsed_.owner == std::this_thread::get_id();
  if (owner) {
    if (auto unchanged = cache.current(key, store_->newest_txnid())) return unchanged;
  }
  auto txn = store_->begin_read();
  if (!txn.ok()) return nullptr;
  return lookup(*store_, *txn, table, key, owner, cache, parse);
}

std::shared_ptr<const User> Repository::user_ref(std::string_view id) const {
  return cached_row(Table::users, id, parsed_.users, parse_user);
}

std::shared_ptr<const User> Repository::user_via(Table index, std::string_view key) const {
  auto txn = store_->begin_read();
  if (!txn.ok()) return nullptr;
  auto id = store_->get(*txn, index, key);
  return id ? cached_user(*txn, *id) : nullptr;
}

std::shared_ptr<const User> Repository::user_ref_by_username(std::string_view username) const {
  return user_via(Table::users_by_username, lower(username));
}

std::shared_ptr<const User> Repository::user_ref_by_email(std::string_view email) const {
  return user_via(Table::users_by_email, lower(email));
}

std::optional<User> Repository::user(std::string_view id) const { return copy_of(user_ref(id)); }

std::optional<User> Repository::user_by_username(std::string_view username) const {
  return copy_of(user_ref_by_username(username));
}

std::optional<User> Repository::user_by_email(std::string_view email) const {
  return copy_of(user_ref_by_email(email));
}

bool Repository::has_users() const {
  auto txn = store_->begin_read();
  if (!txn.ok()) return true;  // cannot tell: never hand out the first-user privilege
  bool any = false;
  store_->for_each_prefix(*txn, Table::users, "", [&](std::string_view, std::string_view) {
    any = true;
    return false;
  });
  return any;
}

std::shared_ptr<const Team> Repository::team_ref(std::string_view id) const {
  return cached_row(Table::teams, id, parsed_.teams, parse_team);
}

std::optional<Team> Repository::team(std::string_view id) const { return copy_of(team_ref(id)); }

std::optional<Team> Repository::team_by_name(std::string_view name) const {
  auto txn = store_->begin_read();
  if (!txn.ok()) return std::nullopt;
  auto id = store_->get(*txn, Table::teams_by_name, name);
  return id ? copy_of(cached_team(*txn, *id)) : std::nullopt;
}

std::vector<Team> Repository::all_teams() const {
  std::vector<Team> out;
  auto txn = store_->begin_read();
  if (!txn.ok()) return out;
  store_->for_each_prefix(*txn, Table::teams, "", [&](std::string_view, std::string_view v) {
    if (auto t = parse_team(v)) out.push_back(std::move(*t));
    return true;
  });
  return out;
}

std::shared_ptr<const TeamMember> Repository::team_member_ref(std::string_view team_id,
                                                              std::string_view user_id) const {
  JoinedKey key(team_id, user_id);
  auto m = cached_row(Table::team_members, key.view(), parsed_.team_members, parse_team_member);
  if (!m || m->delete_at != 0) return nullptr;
  return m;
}

std::optional<TeamMember> Repository::team_member(std::string_view team_id,
                                                  std::string_view user_id) const {
  return copy_of(team_member_ref(team_id, user_id));
}

std::vector<Team> Repository::teams_of_user(std::string_view user_id) const {
  std::vector<std::string> ids;
  {
    auto txn = store_->begin_read();
    if (!txn.ok()) return {};
    store_->for_each_prefix(*txn, Table::user_teams, user_id, [&](std::string_view k, std::string_view) {
      ids.emplace_back(k.substr(user_id.size()));
      return true;
    });
  }
  std::vector<Team> out;
  for (const auto& id : ids) {
    if (!team_member(id, user_id)) continue;
    if (auto t = team(id)) out.push_back(std::move(*t));
  }
  return out;
}

std::shared_ptr<const Channel> Repository::channel_ref(std::string_view id) const {
  return cached_row(Table::channels, id, parsed_.channels, parse_channel);
}

std::shared_ptr<const Channel> Repository::channel_via(std::string_view name_key) const {
  auto txn = store_->begin_read();
  if (!txn.ok()) return nullptr;
  auto id = store_->get(*txn, Table::channels_by_name, name_key);
  return id ? cached_channel(*txn, *id) : nullptr;
}

std::shared_ptr<const Channel> Repository::channel_ref_by_name(std::string_view team_id,
                                                               std::string_view name) const {
  return channel_via(channel_name_key(team_id, name));
}

std::optional<Channel> Repository::channel(std::string_view id) const {
  return copy_of(channel_ref(id));
}

std::optional<Channel> Repository::channel_by_name(std::string_view team_id,
                                                   std::string_view name) const {
  return copy_of(channel_ref_by_name(team_id, name));
}

std::shared_ptr<const ChannelMember> Repository::channel_member_ref(
    std::string_view channel_id, std::string_view user_id) const {
  JoinedKey key(channel_id, user_id);
  return cached_row(Table::channel_members, key.view(), parsed_.channel_members,
                    parse_channel_member);
}

std::optional<ChannelMember> Repository::channel_member(std::string_view channel_id,
                                                        std::string_view user_id) const {
  return copy_of(channel_member_ref(channel_id, user_id));
}

std::vector<ChannelMember> Repository::channel_members(std::string_view channel_id) const {
  std::vector<ChannelMember> out;
  auto txn = store_->begin_read();
  if (!txn.ok()) return out;
  store_->for_each_prefix(*txn, Table::channel_members, channel_id,
                          [&](std::string_view, std::string_view v) {
                            if (auto m = parse_channel_member(v)) out.push_back(std::move(*m));
                            return true;
                          });
  return out;
}

std::vector<Channel> Repository::channels_of_user(std::string_view user_id,
                                                  std::string_view team_id) const {
  std::vector<Channel> out;
  auto txn = store_->begin_read();
  if (!txn.ok()) return out;
  store_->for_each_prefix(*txn, Table::user_channels, user_id,
                          [&](std::string_view k, std::string_view team) {
                            if (team == team_id || team.empty()) {
                              if (auto c = cached_channel(*txn, k.substr(user_id.size()))) {
                                out.push_back(*c);
                              }
                            }
                            return true;
                          });
  return out;
}

std::optional<Post> Repository::post(std::string_view id) const {
  return read(Table::posts, id, parse_post);
}

std::vector<Post> Repository::channel_posts(std::string_view channel_id) const {
  std::vector<Post> out;
  auto txn = store_->begin_read();
  if (!txn.ok()) return out;
  store_->for_each_prefix(*txn, Table::channel_posts, channel_id,
                          [&](std::string_view k, std::string_view) {
                            std::string_view id = k.substr(channel_id.size() + 8);
                            if (auto json = store_->get(*txn, Table::posts, id)) {
                              if (auto p = parse_post(*json)) out.push_back(std::move(*p));
                            }
                            return true;
                          });
  std::reverse(out.begin(), out.end());
  return out;
}

void Repository::add_user(store::WriteBatch& batch, const User& user) {
  batch.insert(Table::users, user.id, to_json(user));
  batch.insert(Table::users_by_username, lower(user.username), user.id);
  batch.insert(Table::users_by_email, lower(user.email), user.id);
}

void Repository::update_user(store::WriteBatch& batch, const User& before, const User& after) {
  batch.put(Table::users, after.id, to_json(after));
  if (lower(before.username) != lower(after.username)) {
    batch.erase(Table::users_by_username, lower(before.username));
    batch.insert(Table::users_by_username, lower(after.username), after.id);
  }
  if (lower(before.email) != lower(after.email)) {
    batch.erase(Table::users_by_email, lower(before.email));
    batch.insert(Table::users_by_email, lower(after.email), after.id);
  }
}

void Repository::add_team(store::WriteBatch& batch, const Team& team) {
  batch.insert(Table::teams, team.id, to_json(team));
  batch.insert(Table::teams_by_name, team.name, team.id);
}

void Repository::put_team_member(store::WriteBatch& batch, const TeamMember& member) {
  batch.put(Table::team_members, cat(member.team_id, member.user_id), to_json(member));
  batch.put(Table::user_teams, cat(member.user_id, member.team_id), "");
}

void Repository::add_channel(store::WriteBatch& batch, const Channel& channel) {
  batch.insert(Table::channels, channel.id, to_json(channel));
  batch.insert(Table::channels_by_name, channel_name_key(channel.team_id, channel.name), channel.id);
}

void Repository::put_channel_member(store::WriteBatch& batch, const Channel& channel,
                                    const ChannelMember& member) {
  batch.put(Table::channel_members, cat(member.channel_id, member.user_id), to_json(member));
  batch.put(Table::user_channels, cat(member.user_id, member.channel_id), channel.team_id);
}

void Repository::add_post(store::WriteBatch& batch, const Post& post) {
  // The row is written into a buffer kept by the thread (the loop writes every post), then
  // copied once into the batch, sized up front: no per-post growth of either.
  static thread_local std::string row;
  row.clear();
  append_json(row, post);
  add_post(batch, post, row);
  // A rare huge post does not pin its buffer for the life of the thread (idle RSS).
  if (row.capacity() > 16 * 1024) std::string().swap(row);
}

void Repository::add_post(store::WriteBatch& batch, const Post& post, std::string_view row) {
  // The key goes through a buffer kept by the thread: built per post, it was three heap blocks
  // (a 26-byte id grown twice), and the batch copies it anyway.
  static thread_local std::string key;
  write_time_key(key, post.channel_id, post.create_at, post.id);
  batch.reserve(2, post.id.size() + row.size() + key.size());
  batch.insert(Table::posts, post.id, row);
  batch.put(Table::channel_posts, key, "");
}

void Repository::update_post(store::WriteBatch& batch, const Post& post) {
  batch.put(Table::posts, post.id, to_json(post));
}

std::string Repository::direct_channel_name(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  std::string out(a);
  out += "__";
  out.append(b);
  return out;
}

}  // namespace pb::chat
