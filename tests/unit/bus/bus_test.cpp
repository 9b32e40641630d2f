#include "core/bus/bus.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace pb::bus {
namespace {

pb_str S(const std::string& s) { return pb_str{s.data(), s.size()}; }
std::string str(pb_str s) { return std::string(s.data ? s.data : "", s.len); }

pb_post_v1 make_post(const std::string& message) {
  static std::string keep;  // message storage for the duration of one publish
  keep = message;
  pb_post_v1 p{};
  p.struct_size = sizeof p;
  p.message = S(keep);
  p.props_json = pb_str{"{}", 2};
  return p;
}

struct Recorder {
  std::vector<std::string>* log;
  std::string name;
  int verdict;
};

int record(void* user, pb_intercept_ctx*, uint32_t, const void*) {
  auto* r = static_cast<Recorder*>(user);
  r->log->push_back(r->name);
  return r->verdict;
}

TEST(Bus, InterceptorsRunInPriorityOrderThenLoadOrder) {
  Bus bus;
  std::vector<std::string> log;
  Recorder a{&log, "a", PB_VERDICT_CONTINUE}, b{&log, "b", PB_VERDICT_CONTINUE},
      c{&log, "c", PB_VERDICT_CONTINUE};
  ASSERT_EQ(bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 50, {"a", &a}, record, &a), PB_OK);
  ASSERT_EQ(bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 10, {"b", &b}, record, &b), PB_OK);
  ASSERT_EQ(bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 50, {"c", &c}, record, &c), PB_OK);
  pb_post_v1 post = make_post("hi");
  bool done = false;
  ASSERT_EQ(bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                              [&](const ChainResult& r, const void*) {
                                done = true;
                                EXPECT_EQ(r.verdict, PB_VERDICT_CONTINUE);
                              }),
            PB_OK);
  EXPECT_TRUE(done);
  EXPECT_EQ(log, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_NE(bus.describe().find("post.will_be_created     intercept #1  priority 10     b"),
            std::string::npos)
      << bus.describe();
}

int uppercase(void*, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  const auto* post = static_cast<const pb_post_v1*>(payload);
  pb_post_v1 copy = *post;
  std::string upper = str(copy.message);
  for (char& ch : upper) ch = static_cast<char>(toupper(ch));
  copy.message = S(upper);
  EXPECT_EQ(Bus::replace(ctx, &copy), PB_OK);
  // The payload handed to this turn stays readable after the replacement (ASan checks it).
  EXPECT_EQ(str(post->message), "hello");
  return PB_VERDICT_CONTINUE;
}

int expect_upper(void* user, pb_intercept_ctx*, uint32_t, const void* payload) {
  *static_cast<std::string*>(user) = str(static_cast<const pb_post_v1*>(payload)->message);
  return PB_VERDICT_CONTINUE;
}

TEST(Bus, InterceptorModifiesPayloadForLaterInterceptorsAndPublisher) {
  Bus bus;
  std::string seen;
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"up", nullptr}, uppercase, nullptr);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 2, {"see", nullptr}, expect_upper, &seen);
  pb_post_v1 post = make_post("hello");
  std::string final_message;
  ASSERT_EQ(bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                              [&](const ChainResult&, const void* p) {
                                final_message = str(static_cast<const pb_post_v1*>(p)->message);
                              }),
            PB_OK);
  EXPECT_EQ(seen, "HELLO");
  EXPECT_EQ(final_message, "HELLO");
}

int reject_with_error(void*, pb_intercept_ctx* ctx, uint32_t, const void*) {
  Bus::set_error(ctx, 400, "web.incoming_webhook.text.app_error", "No text specified.");
  return PB_VERDICT_REJECT;
}

TEST(Bus, RejectStopsTheChainWithTheInterceptorsError) {
  Bus bus;
  std::vector<std::string> log;
  Recorder later{&log, "later", PB_VERDICT_CONTINUE};
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"rejecter", nullptr}, reject_with_error, nullptr);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 2, {"later", nullptr}, record, &later);
  pb_post_v1 post = make_post("x");
  ChainResult result;
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                    [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(result.http_status, 400);
  EXPECT_EQ(result.error_id, "web.incoming_webhook.text.app_error");
  EXPECT_EQ(result.decided_by, "rejecter");
  EXPECT_TRUE(log.empty());
}

struct Pending {
  pb_intercept_ctx* ctx = nullptr;
};

int go_pending(void* user, pb_intercept_ctx* ctx, uint32_t, const void*) {
  static_cast<Pending*>(user)->ctx = ctx;
  return PB_VERDICT_PENDING;
}

TEST(Bus, PendingInterceptorResumesLaterAndTheChainContinues) {
  Bus bus;
  Pending pending;
  std::vector<std::string> log;
  Recorder after{&log, "after", PB_VERDICT_CONTINUE};
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"slow", nullptr}, go_pending, &pending);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 2, {"after", nullptr}, record, &after);
  pb_post_v1 post = make_post("x");
  bool done = false;
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                    [&](const ChainResult&, const void*) { done = true; });
  EXPECT_FALSE(done);
  EXPECT_EQ(bus.pending_runs(), 1u);
  ASSERT_NE(pending.ctx, nullptr);
  EXPECT_EQ(Bus::resume(pending.ctx, PB_VERDICT_PENDING), PB_E_INVALID);
  EXPECT_EQ(Bus::resume(pending.ctx, PB_VERDICT_CONTINUE), PB_OK);
  EXPECT_TRUE(done);
  EXPECT_EQ(log, (std::vector<std::string>{"after"}));
  EXPECT_EQ(bus.pending_runs(), 0u);
}

struct SeenPayload {
  std::vector<const void*> addresses;
};

int note_address(void* user, pb_intercept_ctx*, uint32_t, const void* payload) {
  static_cast<SeenPayload*>(user)->addresses.push_back(payload);
  return PB_VERDICT_CONTINUE;
}

TEST(Bus, AChainRunOnAPayloadUsesItUntilAReplacementAndCopiesNothingElse) {
  Bus bus;
  SeenPayload before, after;
  Pending pending;
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"before", nullptr}, note_address, &before);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 2, {"slow", nullptr}, go_pending, &pending);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 3, {"up", nullptr}, uppercase, nullptr);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 4, {"after", nullptr}, note_address, &after);
  pb_post_v1 post = make_post("hello");
  const void* final_payload = nullptr;
  std::string final_message;
  ASSERT_EQ(bus.run_intercept_on(PB_EVENT_POST_WILL_BE_CREATED, &post,
                                 [&](const ChainResult&, const void* p) {
                                   final_payload = p;
                                   final_message = str(static_cast<const pb_post_v1*>(p)->message);
                                 }),
            PB_OK);
  ASSERT_EQ(before.addresses, (std::vector<const void*>{&post}));  // the payload itself
  ASSERT_NE(pending.ctx, nullptr);
  EXPECT_EQ(Bus::resume(pending.ctx, PB_VERDICT_CONTINUE), PB_OK);  // still the same payload
  ASSERT_EQ(after.addresses.size(), 1u);
  EXPECT_NE(after.addresses[0], &post);  // the replacement is the bus's copy
  EXPECT_EQ(final_payload, after.addresses[0]);
  EXPECT_EQ(final_message, "HELLO");
  EXPECT_EQ(str(post.message), "hello");  // the publisher's payload is never written

  // Without a replacement the chain ends on the payload itself.
  Bus plain;
  ASSERT_EQ(plain.run_intercept_on(PB_EVENT_POST_WILL_BE_CREATED, &post,
                                   [&](const ChainResult&, const void* p) { final_payload = p; }),
            PB_OK);
  EXPECT_EQ(final_payload, &post);

  // Only the host's own struct size is taken (no copy makes an older one host-sized).
  pb_post_v1 smaller = post;
  smaller.struct_size = sizeof(pb_post_v1) - 8;
  EXPECT_EQ(plain.run_intercept_on(PB_EVENT_POST_WILL_BE_CREATED, &smaller,
                                   [](const ChainResult&, const void*) {
                                     ADD_FAILURE() << "a refused run never calls done";
                                   }),
            PB_E_INVALID);
}

// A turn that ended stays ended for whoever kept its handle: a second resume (a plugin bug) is
// PB_E_STATE and touches nothing, also once the run's memory serves a later chain whose turn at
// the same step is pending (runs are recycled), and a late replace or set_error is refused too.
TEST(Bus, AnEndedTurnsHandleIsRefusedEvenWhenItsRunIsReused) {
  Bus bus;
  Pending pending;
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"slow", nullptr}, go_pending, &pending);
  pb_post_v1 post = make_post("x");
  int first_verdict = -1;
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                    [&](const ChainResult& r, const void*) { first_verdict = r.verdict; });
  pb_intercept_ctx* first = pending.ctx;
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(Bus::resume(first, PB_VERDICT_CONTINUE), PB_OK);
  EXPECT_EQ(first_verdict, PB_VERDICT_CONTINUE);

  int second_verdict = -1;
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                    [&](const ChainResult& r, const void*) { second_verdict = r.verdict; });
  pb_intercept_ctx* second = pending.ctx;
  ASSERT_EQ(bus.pending_runs(), 1u);
  EXPECT_EQ(Bus::resume(first, PB_VERDICT_REJECT), PB_E_STATE);
  EXPECT_EQ(Bus::set_error(first, 418, "stale", "stale"), PB_E_STATE);
  EXPECT_EQ(Bus::replace(first, &post), PB_E_STATE);
  EXPECT_EQ(second_verdict, -1);  // the second run still waits for its own turn
  EXPECT_EQ(bus.pending_runs(), 1u);
  ASSERT_EQ(Bus::resume(second, PB_VERDICT_CONTINUE), PB_OK);
  EXPECT_EQ(second_verdict, PB_VERDICT_CONTINUE);
  EXPECT_EQ(Bus::resume(second, PB_VERDICT_CONTINUE), PB_E_STATE);
  EXPECT_EQ(Bus::resume(nullptr, PB_VERDICT_CONTINUE), PB_E_INVALID);
}

TEST(Bus, AuthCheckFailsClosedWhenNobodyDecides) {
  Bus bus;
  pb_auth_check_v1 check{sizeof check, nullptr, {"", 0}};
  ChainResult result;
  bus.run_intercept(PB_EVENT_AUTH_CHECK, &check, [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(result.http_status, 401);
  EXPECT_EQ(result.error_id, "api.context.session_expired.app_error");

  std::vector<std::string> log;
  Recorder shrug{&log, "shrug", PB_VERDICT_CONTINUE};
  bus.intercept(PB_EVENT_AUTH_CHECK, 0, {"shrug", nullptr}, record, &shrug);
  bus.run_intercept(PB_EVENT_AUTH_CHECK, &check, [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(log.size(), 1u);
}

int allow_anonymous(void*, pb_intercept_ctx*, uint32_t, const void*) { return PB_VERDICT_ALLOW; }
int allow_alice(void*, pb_intercept_ctx* ctx, uint32_t, const void*) {
  EXPECT_EQ(Bus::set_identity(ctx, "alice-id", "sess", "system_user"), PB_OK);
  return PB_VERDICT_ALLOW;
}

TEST(Bus, AuthAllowNeedsAnIdentity) {
  Bus bus;
  std::vector<std::string> faults;
  bus.set_fault_reporter([&](const Subscriber& who, std::string_view what) {
    faults.push_back(who.plugin_id + ": " + std::string(what));
  });
  bus.intercept(PB_EVENT_AUTH_CHECK, 0, {"sloppy", nullptr}, allow_anonymous, nullptr);
  pb_auth_check_v1 check{sizeof check, nullptr, {"", 0}};
  ChainResult result;
  bus.run_intercept(PB_EVENT_AUTH_CHECK, &check, [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(result.http_status, 401);
  ASSERT_EQ(faults.size(), 1u);

  Bus bus2;
  bus2.intercept(PB_EVENT_AUTH_CHECK, 0, {"auth", nullptr}, allow_alice, nullptr);
  bus2.run_intercept(PB_EVENT_AUTH_CHECK, &check, [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_ALLOW);
  EXPECT_EQ(result.user_id, "alice-id");
  EXPECT_EQ(result.roles, "system_user");
}

int thrower(void*, pb_intercept_ctx*, uint32_t, const void*) { throw std::runtime_error("boom"); }

TEST(Bus, ThrowingInterceptorIsAnInternalErrorNotAPass) {
  Bus bus;
  std::string fault;
  bus.set_fault_reporter([&](const Subscriber&, std::string_view what) { fault = what; });
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 0, {"bad", nullptr}, thrower, nullptr);
  pb_post_v1 post = make_post("x");
  ChainResult result;
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                    [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(result.http_status, 500);
  EXPECT_NE(fault.find("boom"), std::string::npos);

  bus.intercept(PB_EVENT_AUTH_CHECK, 0, {"bad", nullptr}, thrower, nullptr);
  pb_auth_check_v1 check{sizeof check, nullptr, {"", 0}};
  bus.run_intercept(PB_EVENT_AUTH_CHECK, &check, [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(result.http_status, 401);
}

void count_observer(void* user, uint32_t, const void*) { ++*static_cast<int*>(user); }

TEST(Bus, ObserversAndEventKinds) {
  Bus bus;
  int n = 0;
  EXPECT_EQ(bus.observe(PB_EVENT_POST_WILL_BE_CREATED, {"x", nullptr}, count_observer, &n),
            PB_E_UNSUPPORTED);
  EXPECT_EQ(bus.intercept(PB_EVENT_POST_CREATED, 0, {"x", nullptr}, record, nullptr),
            PB_E_UNSUPPORTED);
  EXPECT_EQ(bus.observe(999, {"x", nullptr}, count_observer, &n), PB_E_NOT_FOUND);
  ASSERT_EQ(bus.observe(PB_EVENT_POST_CREATED, {"x", nullptr}, count_observer, &n), PB_OK);
  ASSERT_EQ(bus.observe(PB_EVENT_POST_CREATED, {"y", nullptr}, count_observer, &n), PB_OK);
  pb_post_v1 post = make_post("x");
  EXPECT_EQ(bus.run_observe(PB_EVENT_POST_CREATED, &post), PB_OK);
  EXPECT_EQ(n, 2);
  pb_post_v1 bad{};
  bad.struct_size = 8;  // smaller than any version of the struct
  EXPECT_EQ(bus.run_observe(PB_EVENT_POST_CREATED, &bad), PB_E_INVALID);
}

// An observer whose plugin is unsubscribed while post.created runs (a fault in an earlier
// observer): the running event keeps the list it started with, the next one no longer has it.
struct Unsubscriber {
  Bus* bus;
  const void* owner;
};
void unsubscribe_observer(void* user, uint32_t, const void*) {
  auto* u = static_cast<Unsubscriber*>(user);
  u->bus->unsubscribe_all(u->owner);
}

TEST(Bus, UnsubscribingDuringObserveKeepsTheRunningSnapshot) {
  Bus bus;
  int later_owner = 0, n = 0;
  Unsubscriber u{&bus, &later_owner};
  ASSERT_EQ(bus.observe(PB_EVENT_POST_CREATED, {"first", nullptr}, unsubscribe_observer, &u), PB_OK);
  ASSERT_EQ(bus.observe(PB_EVENT_POST_CREATED, {"later", &later_owner}, count_observer, &n), PB_OK);
  pb_post_v1 post = make_post("x");
  EXPECT_EQ(bus.run_observe(PB_EVENT_POST_CREATED, &post), PB_OK);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(bus.run_observe(PB_EVENT_POST_CREATED, &post), PB_OK);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(bus.describe().find("later"), std::string::npos);
}

TEST(Bus, DynamicEventsGetStableIdsByName) {
  Bus bus;
  auto a = bus.event_id("acme.deploy.requested");
  auto b = bus.event_id("acme.deploy.requested");
  auto c = bus.event_id("acme.other");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_GE(*a, static_cast<uint32_t>(PB_EVENT_FIRST_DYNAMIC));
  EXPECT_FALSE(bus.event_id("post.created").ok());
  EXPECT_FALSE(bus.event_id("").ok());

  int n = 0;
  bus.observe(*a, {"x", nullptr}, count_observer, &n);
  std::string data = "{\"env\":\"prod\"}";
  pb_blob_v1 blob{sizeof blob, S(data)};
  EXPECT_EQ(bus.run_observe(*a, &blob), PB_OK);
  EXPECT_EQ(n, 1);
}

// A plugin-defined event declared with a post payload (ABI minor 7): the bus copies a post's
// strings for the chain (the publisher's draft may be gone once run_intercept returns), the
// interceptors' replacement reaches the publisher, and a declaration of the same name with
// another payload struct is refused, so no side reads the other's payload as the wrong struct.
TEST(Bus, ADynamicEventDeclaredWithAPostPayloadCarriesAPost) {
  Bus bus;
  auto id = bus.event_id("acme.post.process", PB_PAYLOAD_POST);
  ASSERT_TRUE(id.ok());
  auto again = bus.event_id("acme.post.process", PB_PAYLOAD_POST);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  EXPECT_FALSE(bus.event_id("acme.post.process").ok());
  EXPECT_FALSE(bus.event_id("acme.post.process", PB_PAYLOAD_BLOB).ok());
  ASSERT_TRUE(bus.event_id("acme.blob").ok());
  EXPECT_FALSE(bus.event_id("acme.blob", PB_PAYLOAD_POST).ok());
  EXPECT_FALSE(bus.event_id("post.will_be_created", PB_PAYLOAD_POST).ok());
  EXPECT_FALSE(bus.event_id("acme.kind", 7).ok());

  std::string seen;
  bus.intercept(*id, 1, {"up", nullptr}, uppercase, nullptr);
  bus.intercept(*id, 2, {"see", nullptr}, expect_upper, &seen);
  std::string message = "hello", type = "custom", props = R"({"k":"v"})";
  pb_post_v1 draft{};
  draft.struct_size = sizeof draft;
  draft.message = S(message);
  draft.type = S(type);
  draft.props_json = S(props);
  draft.flags = PB_POST_FROM_WEBHOOK;
  std::string final_message, final_type, final_props;
  uint32_t final_flags = 0;
  ASSERT_EQ(bus.run_intercept(*id, &draft,
                              [&](const ChainResult& r, const void* p) {
                                EXPECT_EQ(r.verdict, PB_VERDICT_CONTINUE);
                                const auto* post = static_cast<const pb_post_v1*>(p);
                                final_message = str(post->message);
                                final_type = str(post->type);
                                final_props = str(post->props_json);
                                final_flags = post->flags;
                              }),
            PB_OK);
  EXPECT_EQ(seen, "HELLO");
  EXPECT_EQ(final_message, "HELLO");
  EXPECT_EQ(final_type, "custom");
  EXPECT_EQ(final_props, R"({"k":"v"})");
  EXPECT_EQ(final_flags, PB_POST_FROM_WEBHOOK);

  pb_post_v1 short_struct = draft;
  short_struct.struct_size = sizeof(pb_blob_v1);  // a blob handed to a post event
  EXPECT_NE(bus.run_intercept(*id, &short_struct, [](const ChainResult&, const void*) {}), PB_OK);
}

TEST(Bus, UnsubscribingAFailedPluginDoesNotDisturbARunningChain) {
  Bus bus;
  Pending pending;
  std::vector<std::string> log;
  int owner_token = 0;
  Recorder gone{&log, "gone", PB_VERDICT_CONTINUE};
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"slow", nullptr}, go_pending, &pending);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 2, {"gone", &owner_token}, record, &gone);
  pb_post_v1 post = make_post("x");
  bool done = false;
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                    [&](const ChainResult&, const void*) { done = true; });
  bus.unsubscribe_all(&owner_token);
  Bus::resume(pending.ctx, PB_VERDICT_CONTINUE);
  EXPECT_TRUE(done);
  EXPECT_EQ(log.size(), 1u);  // the running chain kept its snapshot
  log.clear();
  bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post, [&](const ChainResult&, const void*) {});
  Bus::resume(pending.ctx, PB_VERDICT_CONTINUE);
  EXPECT_TRUE(log.empty());  // new chains no longer see it
}

}  // namespace
}  // namespace pb::bus

namespace pb::bus {
namespace {

int stage_two(void*, pb_intercept_ctx* ctx, uint32_t, const void*) {
  EXPECT_EQ(Bus::stage(ctx, "pwd/u1", "hash"), PB_OK);
  EXPECT_EQ(Bus::stage(ctx, "", "x"), PB_E_INVALID);
  EXPECT_EQ(Bus::stage(ctx, std::string(512, 'k'), "x"), PB_E_INVALID);
  return PB_VERDICT_CONTINUE;
}

TEST(Bus, InterceptorsStageWritesOnlyIntoEventsThatCommit) {
  Bus bus;
  int owner = 0;
  bus.intercept(PB_EVENT_USER_WILL_BE_CREATED, 0, {"auth", &owner}, stage_two, nullptr);
  pb_user_v1 user{};
  user.struct_size = sizeof user;
  ChainResult result;
  bus.run_intercept(PB_EVENT_USER_WILL_BE_CREATED, &user,
                    [&](const ChainResult& r, const void*) { result = r; });
  ASSERT_EQ(result.staged.size(), 1u);
  EXPECT_EQ(result.staged[0].who.plugin_id, "auth");
  EXPECT_EQ(result.staged[0].who.owner, &owner);
  EXPECT_EQ(result.staged[0].key, "pwd/u1");

  // A later REJECT drops what earlier interceptors staged: nothing of a refused event is written.
  bus.intercept(PB_EVENT_USER_WILL_BE_CREATED, 1, {"policy", nullptr}, reject_with_error, nullptr);
  bus.run_intercept(PB_EVENT_USER_WILL_BE_CREATED, &user,
                    [&](const ChainResult& r, const void*) { result = r; });
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_TRUE(result.staged.empty());
}

int stage_in_auth(void* user, pb_intercept_ctx* ctx, uint32_t, const void*) {
  *static_cast<int*>(user) = Bus::stage(ctx, "k", "v");
  return PB_VERDICT_CONTINUE;
}

TEST(Bus, StagingIntoAnEventWithoutACommitIsUnsupported) {
  Bus bus;
  int status = 0;
  bus.intercept(PB_EVENT_AUTH_CHECK, 0, {"x", nullptr}, stage_in_auth, &status);
  pb_auth_check_v1 check{sizeof check, nullptr, {"", 0}};
  bus.run_intercept(PB_EVENT_AUTH_CHECK, &check, [](const ChainResult&, const void*) {});
  EXPECT_EQ(status, PB_E_UNSUPPORTED);
}

// Runs are recycled: what one run carried (a longer message, a replacement, an error, a
// decision) must never show in the next one.
int replace_with_user_text(void* user, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  pb_post_v1 copy = *static_cast<const pb_post_v1*>(payload);
  copy.message = S(*static_cast<std::string*>(user));
  EXPECT_EQ(Bus::replace(ctx, &copy), PB_OK);
  return PB_VERDICT_CONTINUE;
}

int reject_when_asked(void* user, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  if (str(static_cast<const pb_post_v1*>(payload)->message) != "reject") return PB_VERDICT_CONTINUE;
  Bus::set_error(ctx, 418, "teapot", "no");
  *static_cast<int*>(user) += 1;
  return PB_VERDICT_REJECT;
}

TEST(Bus, ARecycledRunCarriesNothingOfTheRunBefore) {
  Bus bus;
  std::string replacement;
  int rejected = 0;
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"gate", nullptr}, reject_when_asked, &rejected);
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 2, {"swap", nullptr}, replace_with_user_text,
                &replacement);
  struct Case {
    std::string message, replacement;
  };
  const std::vector<Case> cases{{std::string(3000, 'a'), std::string(4000, 'b')},
                                {"tiny", "t"},
                                {"reject", "unused"},
                                {"", std::string(9000, 'c')},
                                {"again", ""}};
  for (const Case& c : cases) {
    replacement = c.replacement;
    pb_post_v1 post = make_post(c.message);
    ChainResult result;
    std::string final_message;
    ASSERT_EQ(bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                                [&](const ChainResult& r, const void* final_payload) {
                                  result = r;
                                  final_message =
                                      str(static_cast<const pb_post_v1*>(final_payload)->message);
                                }),
              PB_OK);
    if (c.message == "reject") {
      EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
      EXPECT_EQ(result.http_status, 418);
      EXPECT_EQ(result.decided_by, "gate");
      EXPECT_EQ(final_message, "reject");
      continue;
    }
    EXPECT_EQ(result.verdict, PB_VERDICT_CONTINUE) << c.message;
    EXPECT_EQ(result.http_status, 0);
    EXPECT_EQ(result.error_id, "");
    EXPECT_EQ(result.message, "");
    EXPECT_EQ(result.decided_by, "");
    EXPECT_EQ(final_message, c.replacement);
  }
  EXPECT_EQ(rejected, 1);
}

TEST(Bus, ARunStartedFromACompletionGetsItsOwnPayloadAndLeavesTheOuterOneIntact) {
  Bus bus;
  std::string replacement = "inner replaced";
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"swap", nullptr}, replace_with_user_text,
                &replacement);
  std::string outer_before, outer_after, inner;
  pb_post_v1 post = make_post("outer");
  ASSERT_EQ(bus.run_intercept(
                PB_EVENT_POST_WILL_BE_CREATED, &post,
                [&](const ChainResult&, const void* outer_payload) {
                  const auto* outer = static_cast<const pb_post_v1*>(outer_payload);
                  outer_before = str(outer->message);
                  // Two runs inside the completion: the second may reuse the first, never this one.
                  for (int i = 0; i < 2; ++i) {
                    std::string text = "inner " + std::to_string(i);
                    pb_post_v1 nested{};
                    nested.struct_size = sizeof nested;
                    nested.message = S(text);
                    replacement = std::string(2000 + i, 'x');
                    bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &nested,
                                      [&](const ChainResult&, const void* p) {
                                        inner = str(static_cast<const pb_post_v1*>(p)->message);
                                      });
                  }
                  outer_after = str(outer->message);  // ASan: still the outer run's block
                }),
            PB_OK);
  EXPECT_EQ(outer_before, "inner replaced");
  EXPECT_EQ(outer_after, "inner replaced");
  EXPECT_EQ(inner, std::string(2001, 'x'));
}

TEST(Bus, AMalformedPayloadStartsNoRunAndTheNextRunIsWhole) {
  Bus bus;
  std::vector<std::string> log;
  Recorder a{&log, "a", PB_VERDICT_CONTINUE};
  bus.intercept(PB_EVENT_POST_WILL_BE_CREATED, 1, {"a", &a}, record, &a);
  pb_post_v1 too_small{};
  too_small.struct_size = sizeof(size_t);
  bool called = false;
  EXPECT_EQ(bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &too_small,
                              [&](const ChainResult&, const void*) { called = true; }),
            PB_E_INVALID);
  EXPECT_FALSE(called);
  EXPECT_TRUE(log.empty());
  pb_post_v1 post = make_post("fine");
  std::string seen;
  EXPECT_EQ(bus.run_intercept(PB_EVENT_POST_WILL_BE_CREATED, &post,
                              [&](const ChainResult&, const void* p) {
                                seen = str(static_cast<const pb_post_v1*>(p)->message);
                              }),
            PB_OK);
  EXPECT_EQ(seen, "fine");
  EXPECT_EQ(log, std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace pb::bus
