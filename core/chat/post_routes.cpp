// /api/v4/posts...: create (through the bus), read, patch, soft delete;
// /api/v4/channels/{channel_id}/posts (PostList with page/per_page, since, before, after).
#include "core/chat/body_reader.h"
#include "core/chat/request_bodies.h"
#include "core/chat/permissions.h"
#include "core/chat/route_support.h"
#include "core/chat/routes.h"
#include "core/chat/validation.h"
#include "core/server/app.h"
#include "core/util/ids.h"

namespace pb::chat {
namespace {

ChatService& svc(void* user) { return *static_cast<ChatService*>(user); }

ApiError post_not_found() { return {404, "app.post.get.app_error", "Unable to get the post."}; }

// POST /api/v4/posts: the author must be a member of the channel.
int create_post_route(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  BodyReader body(request.body(), "post");
  PostDraft draft;
  read_post_body(body, draft);
  if (body.error()) return fail(request, *body.error());
  if (!is_valid_id(draft.channel_id)) return fail(request, invalid_body("channel_id"));
  if (draft.type.starts_with("system_")) {
    return fail(request, {400, "api.context.invalid_param.app_error", "Invalid post.type parameter."});
  }
  auto channel = service.repo().channel_ref(draft.channel_id);  // the cached record: no copy
  if (!channel || !is_channel_member(service.repo(), *actor, channel->id)) {
    return fail(request, forbidden());  // as Mattermost: no permission on an unknown channel
  }
  if (channel->delete_at != 0) {
    return fail(request, {400, "api.post.create_post.can_not_post_to_deleted.error",
                          "Can not post to deleted channel."});
  }
  draft.user_id = actor->id;
  draft.flags = PB_POST_TRIGGER_WEBHOOKS;
  service.create_post(std::move(draft),
                      [&request](const ApiError* error, const Post*, std::string_view json) {
                        if (error) {
                          fail(request, *error);
                        } else {
                          reply(request, 201, json);  // the stored row: to_json of the post
                        }
                      });
  return PB_OK;
}

// Loads the post named by the route and checks that `actor` may read it. Answers and returns
// nullopt otherwise.
std::optional<Post> readable_post(ChatService& service, http::Request& request, const User& actor) {
  auto id = id_param(request, "post_id");
  if (!id) return std::nullopt;
  auto post = service.repo().post(*id);
  if (!post || post->delete_at != 0) {
    fail(request, post_not_found());
    return std::nullopt;
  }
  auto channel = service.repo().channel(post->channel_id);
  if (!channel || !can_read_channel(service.repo(), actor, *channel)) {
    fail(request, forbidden());
    return std::nullopt;
  }
  return post;
}

// GET /api/v4/posts/{post_id}
int get_post(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto post = readable_post(service, request, *actor);
  if (!post) return PB_OK;
  return reply(request, 200, to_json(*post));
}

void commit_post_change(ChatService& service, http::Request& request, const Post& post,
                        std::string answer) {
  store::WriteBatch batch;
  Repository::update_post(batch, post);
  commit_then_reply(service, request, std::move(batch), 200, std::move(answer));
}

// PUT /api/v4/posts/{post_id}/patch {"message","is_pinned","props"}: the author or a system
// admin.
int patch_post(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto post = readable_post(service, request, *actor);
  if (!post) return PB_OK;
  if (!can_act_for(*actor, post->user_id)) return fail(request, forbidden());
  BodyReader body(request.body(), "post");
  Post after = *post;
  bool new_message = read_post_patch_body(body, after);
  if (body.error()) return fail(request, *body.error());
  if (auto error = validate(after)) return fail(request, *error);
  after.update_at = now_ms();
  if (new_message && after.message != post->message) after.edit_at = after.update_at;
  commit_post_change(service, request, after, to_json(after));
  return PB_OK;
}

// DELETE /api/v4/posts/{post_id}: a soft delete (delete_at set) by the author or a system admin.
int delete_post(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto post = readable_post(service, request, *actor);
  if (!post) return PB_OK;
  if (!can_act_for(*actor, post->user_id)) return fail(request, forbidden());
  post->update_at = post->delete_at = now_ms();
  commit_post_change(service, request, *post, R"({"status":"OK"})");
  return PB_OK;
}

// A PostList: {"order":[ids newest first],"posts":{id:post},"next_post_id","prev_post_id"}.
std::string post_list(const std::vector<const Post*>& posts, std::string_view next,
                      std::string_view prev) {
  std::string order = "[", map = "{";
  for (size_t i = 0; i < posts.size(); ++i) {
    if (i != 0) {
      order += ',';
      map += ',';
    }
    order += '"' + posts[i]->id + '"';
    map += '"' + posts[i]->id + "\":" + to_json(*posts[i]);
  }
  order += ']';
  map += '}';
  return "{\"order\":" + order + ",\"posts\":" + map + ",\"next_post_id\":\"" + std::string(next) +
         "\",\"prev_post_id\":\"" + std::string(prev) + "\",\"has_next\":" +
         (prev.empty() ? "false" : "true") + "}";
}

// GET /api/v4/channels/{channel_id}/posts: newest first. `since` (ms): every post created or
// changed at or after it, deleted ones included (so clients learn of deletions). `before` /
// `after` (a post id): the page of posts older / newer than it, with next_post_id and
// prev_post_id naming the posts beyond the page. Otherwise page/per_page over live posts.
int channel_posts(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "channel_id");
  if (!id) return PB_OK;
  auto channel = service.repo().channel(*id);
  if (!channel) {
    return fail(request, {404, "app.channel.get.existing.app_error", "Unable to find the existing channel."});
  }
  if (!can_read_channel(service.repo(), *actor, *channel)) return fail(request, forbidden());

  std::string_view query = request.query();
  std::vector<Post> all = service.repo().channel_posts(*id);  // newest first
  std::vector<const Post*> out;
  int64_t since = query_int(query, "since", 0);
  if (since > 0) {
    for (const auto& p : all) {
      if (p.create_at >= since || p.update_at >= since) out.push_back(&p);
    }
    return reply(request, 200, post_list(out, "", ""));
  }
  std::vector<const Post*> live;
  for (const auto& p : all) {
    if (p.delete_at == 0) live.push_back(&p);
  }
  Paging page = paging(query);
  auto before = query_param(query, "before");
  auto after = query_param(query, "after");
  if ((before && !before->empty()) || (after && !after->empty())) {
    bool is_before = before && !before->empty();
    const std::string& anchor = is_before ? *before : *after;
    size_t at = 0;
    while (at < live.size() && live[at]->id != anchor) ++at;
    if (at == live.size()) return reply(request, 200, post_list({}, "", ""));
    // `live` is newest first: older posts follow the anchor, newer ones precede it.
    size_t first, last;  // the page is live[first, last)
    if (is_before) {
      first = std::min(live.size(), at + 1 + page.offset());
      last = std::min(live.size(), first + page.per_page);
    } else {
      last = at >= page.offset() ? at - page.offset() : 0;
      first = last >= page.per_page ? last - page.per_page : 0;
    }
    out.assign(live.begin() + first, live.begin() + last);
    std::string next = first > 0 ? live[first - 1]->id : "";
    std::string prev = last < live.size() ? live[last]->id : "";
    return reply(request, 200, post_list(out, next, prev));
  }
  for (size_t i = page.offset(); i < live.size() && out.size() < page.per_page; ++i) {
    out.push_back(live[i]);
  }
  return reply(request, 200, post_list(out, "", ""));
}

}  // namespace

void add_post_routes(server::App& app, ChatService& service) {
  constexpr uint32_t kAuth = PB_ROUTE_AUTHENTICATED;
  app.add_route(nullptr, "POST", "/api/v4/posts", kAuth, "", create_post_route, &service);
  app.add_route(nullptr, "GET", "/api/v4/posts/{post_id}", kAuth, "", get_post, &service);
  app.add_route(nullptr, "PUT", "/api/v4/posts/{post_id}/patch", kAuth, "", patch_post, &service);
  app.add_route(nullptr, "DELETE", "/api/v4/posts/{post_id}", kAuth, "", delete_post, &service);
  app.add_route(nullptr, "GET", "/api/v4/channels/{channel_id}/posts", kAuth, "", channel_posts,
                &service);
}

}  // namespace pb::chat
