/*
 * patchbay/plugin.h — the patchbay plugin ABI.
 *
 * This header is the specification of the boundary between the patchbay host and a plugin.
 * Everything a plugin can do, it does through the function table (pb_host_api) it is given in
 * init(); a plugin links no host symbol and exports exactly one: pb_plugin_entry().
 *
 * Caveats, read these first
 * -------------------------
 * - Threads. The host runs one event loop thread. Every plugin callback (lifecycle functions,
 *   route handlers, bus callbacks, timers, completions) is called on that thread, and every host
 *   function must be called from it, EXCEPT the ones marked "any thread" (log, post_to_loop).
 *   A host function called from another thread returns PB_E_STATE and does nothing.
 * - Blocking. Never block the loop thread: slow work goes to queue_work(); durable writes are
 *   asynchronous and complete through a callback.
 * - Strings. Strings cross the boundary as pb_str (pointer, length) pairs, not NUL-terminated.
 *   A pb_str handed to a callback, or returned by a host function, is BORROWED: it stays valid
 *   until that callback returns (or for the lifetime stated on the function), never longer. Copy
 *   what you keep. A pb_str passed into a host function is copied by the host before it returns.
 * - Memory. Whoever allocates frees. The host never frees plugin memory and vice versa.
 * - Exceptions. No exception may cross this boundary. The C++ wrapper (plugin.hpp) catches
 *   everything in noexcept trampolines; the host also guards every call and marks a plugin that
 *   throws as failed.
 * - Async contract (as libuv's): a host function that takes a completion callback and returns
 *   an error NEVER calls that callback. One that returns PB_OK calls it exactly once, later, on
 *   the loop thread (never re-entrantly from inside the call itself); an operation a host
 *   abandons completes with PB_E_CANCELED. Read functions documented as "calls fn before
 *   returning" (kv_get, kv_list, user_get, channel_get, ...) are synchronous instead.
 *
 * Versioning
 * ----------
 * PB_ABI_MAJOR must match between host and plugin. PB_ABI_MINOR only ever grows: functions are
 * appended to pb_host_api, fields are appended to structs that begin with struct_size, event ids
 * are never reused, and every new plugin hook is optional. A plugin built against minor N runs
 * on a host of minor >= N; before calling a function added after minor 0 a plugin checks that
 * host->struct_size covers it (PB_HOST_HAS(host, fn)).
 */
#ifndef PATCHBAY_PLUGIN_H
#define PATCHBAY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PB_ABI_MAJOR 1
#define PB_ABI_MINOR 7

#if defined(_WIN32)
#define PB_EXPORT __declspec(dllexport)
#else
#define PB_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------------------------ */
/* Basic types                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* A string view: `len` bytes at `data`, not NUL-terminated, usually UTF-8. data may be NULL
 * only when len is 0. */
typedef struct pb_str {
  const char *data;
  size_t len;
} pb_str;

/* Status codes. Host functions return PB_OK (0) or one of these negative codes; plugin lifecycle
 * functions return them too. host->status_name() gives a stable name ("PB_E_INVALID"). */
typedef enum pb_status {
  PB_OK = 0,
  PB_E_INVALID = -1,     /* an argument is malformed, NULL where it may not be, or out of range */
  PB_E_NOT_FOUND = -2,   /* no such key, header, parameter, event or object */
  PB_E_EXISTS = -3,      /* already registered / already present */
  PB_E_NO_MEMORY = -4,   /* allocation failed */
  PB_E_UNSUPPORTED = -5, /* the host does not know this function, event or feature */
  PB_E_STATE = -6,       /* wrong thread, wrong lifecycle phase, or called twice */
  PB_E_IO = -7,          /* the store or the operating system failed */
  PB_E_LIMIT = -8,       /* a size or count limit was exceeded */
  PB_E_CANCELED = -9,    /* the operation was cancelled (plugin stopping, server draining) */
  PB_E_PLUGIN = -10,     /* a plugin-side failure, returned by a plugin to the host */
  PB_E_TIMEOUT = -11,    /* minor 3. the operation did not finish in its time limit */
  PB_E_DENIED = -12      /* minor 3. refused by policy (e.g. the outbound address guard) */
} pb_status;

/* The stable name of a status ("PB_E_INVALID"); "PB_E_UNKNOWN" for other values. The same table
 * host->status_name() answers with, for code that has no host at hand (loaders, test hosts). */
static inline const char *pb_status_str(int status) {
  switch (status) {
    case PB_OK: return "PB_OK";
    case PB_E_INVALID: return "PB_E_INVALID";
    case PB_E_NOT_FOUND: return "PB_E_NOT_FOUND";
    case PB_E_EXISTS: return "PB_E_EXISTS";
    case PB_E_NO_MEMORY: return "PB_E_NO_MEMORY";
    case PB_E_UNSUPPORTED: return "PB_E_UNSUPPORTED";
    case PB_E_STATE: return "PB_E_STATE";
    case PB_E_IO: return "PB_E_IO";
    case PB_E_LIMIT: return "PB_E_LIMIT";
    case PB_E_CANCELED: return "PB_E_CANCELED";
    case PB_E_PLUGIN: return "PB_E_PLUGIN";
    case PB_E_TIMEOUT: return "PB_E_TIMEOUT";
    case PB_E_DENIED: return "PB_E_DENIED";
    default: return "PB_E_UNKNOWN";
  }
}

typedef enum pb_log_level {
  PB_LOG_DEBUG = 0,
  PB_LOG_INFO = 1,
  PB_LOG_WARN = 2,
  PB_LOG_ERROR = 3
} pb_log_level;

/* Opaque handles. All are owned by the host. */
typedef struct pb_plugin pb_plugin;                 /* this plugin, as the host knows it */
typedef struct pb_http_request pb_http_request;     /* one HTTP request, until it is answered */
typedef struct pb_intercept_ctx pb_intercept_ctx;   /* one interceptor's turn in a chain: an
                                                      * opaque handle, never dereferenced; once
                                                      * the turn ended, every call on it is
                                                      * PB_E_STATE */
typedef struct pb_timer pb_timer;                   /* a timer started by timer_start */

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Stable event ids. Ids below PB_EVENT_FIRST_DYNAMIC are defined here with a payload struct;
 * ids from PB_EVENT_FIRST_DYNAMIC on are given out at run time by host->event_id() for events
 * that plugins declare by name (payload: pb_blob_v1, or the struct event_id_typed names). Ids
 * are never reused. */
enum {
  PB_EVENT_AUTH_CHECK = 1,            /* payload pb_auth_check_v1; intercept only */
  PB_EVENT_POST_WILL_BE_CREATED = 2,  /* payload pb_post_v1; intercept (may modify/reject) */
  PB_EVENT_POST_CREATED = 3,          /* payload pb_post_v1; observe (after durable commit) */
  PB_EVENT_USER_WILL_BE_CREATED = 4,  /* minor 1. payload pb_user_v1; intercept (may stage writes) */
  PB_EVENT_USER_CREATED = 5,          /* minor 1. payload pb_user_v1 (password ""); observe */
  PB_EVENT_FIRST_DYNAMIC = 0x10000
};

/* Payload of PB_EVENT_AUTH_CHECK: "may this request proceed, and as whom?" The chain is run for
 * every route registered with PB_ROUTE_AUTHENTICATED. The first interceptor that returns
 * PB_VERDICT_ALLOW (after host->auth_set_identity) or PB_VERDICT_REJECT decides; if every
 * interceptor returns PB_VERDICT_CONTINUE the request is denied with 401 (fail closed). */
typedef struct pb_auth_check_v1 {
  size_t struct_size;
  const pb_http_request *request; /* read with the req_* functions; valid during the chain */
  pb_str permission;              /* the permission the route requires; "" = any valid session */
} pb_auth_check_v1;

/* Post flags. */
#define PB_POST_FROM_WEBHOOK 0x1u      /* made by an incoming/outgoing webhook */
#define PB_POST_TRIGGER_WEBHOOKS 0x2u  /* may fire outgoing webhooks (user-post path) */
/* minor 3: message and props already went through Slack processing (the attachments plugin's
 * "attachments.process" event), e.g. because the sender split a long post after processing;
 * interceptors that do that processing leave such a post alone. */
#define PB_POST_SLACK_PROCESSED 0x4u

/* Payload of PB_EVENT_POST_WILL_BE_CREATED and PB_EVENT_POST_CREATED. */
typedef struct pb_post_v1 {
  size_t struct_size;
  pb_str id;         /* 26-character id */
  pb_str channel_id;
  pb_str user_id;
  pb_str root_id;    /* "" unless a reply */
  pb_str type;       /* "" for a plain post, "slack_attachment", "me", ... */
  pb_str message;
  pb_str props_json; /* a JSON object, "{}" when empty */
  int64_t create_at; /* milliseconds since the epoch */
  int64_t update_at;
  int64_t delete_at;
  uint32_t flags;    /* PB_POST_* */
} pb_post_v1;

/* User flags (minor 1). */
#define PB_USER_IS_BOT 0x1u

/* Payload of PB_EVENT_USER_WILL_BE_CREATED and PB_EVENT_USER_CREATED, and what user_get finds
 * (minor 1). `roles` is Mattermost's space-separated list ("system_user system_admin"). */
typedef struct pb_user_v1 {
  size_t struct_size;
  pb_str id;
  pb_str username;
  pb_str email;
  pb_str nickname;
  pb_str first_name;
  pb_str last_name;
  pb_str roles;
  /* Only in user.will_be_created: the clear-text password the client sent ("" for bots). The
   * core never stores it; the auth plugin checks the policy, hashes it and stages the hash with
   * intercept_stage_kv_put. "" everywhere else. */
  pb_str password;
  int64_t create_at; /* milliseconds since the epoch */
  int64_t update_at;
  int64_t delete_at; /* non-zero: deactivated */
  uint32_t flags;    /* PB_USER_* */
} pb_user_v1;

/* A channel as channel_get / channel_get_by_name / channel_direct find it (minor 2). */
typedef struct pb_channel_v1 {
  size_t struct_size;
  pb_str id;
  pb_str team_id;  /* "" for direct channels */
  pb_str type;     /* "O" open, "P" private, "D" direct */
  pb_str name;
  pb_str display_name;
  int64_t create_at;
  int64_t delete_at; /* non-zero: archived */
} pb_channel_v1;

/* A team as team_get finds it (minor 4). */
typedef struct pb_team_v1 {
  size_t struct_size;
  pb_str id;
  pb_str name;         /* the URL slug, lower case: what Mattermost sends as team_domain */
  pb_str display_name;
  pb_str type;         /* "O" open, "I" invite only */
  int64_t create_at;
  int64_t delete_at;   /* non-zero: archived */
} pb_team_v1;

/* Payload of an event a plugin declares by name with event_id: opaque bytes (by convention
 * JSON). */
typedef struct pb_blob_v1 {
  size_t struct_size;
  pb_str data;
} pb_blob_v1;

/* The payload struct of an event a plugin declares by name (minor 7, event_id_typed). */
typedef enum pb_payload_kind {
  PB_PAYLOAD_BLOB = 0, /* pb_blob_v1 (what event_id declares) */
  PB_PAYLOAD_POST = 1  /* pb_post_v1: a post, e.g. a draft on its way to post_create */
} pb_payload_kind;

/* What an interceptor returns. */
typedef enum pb_verdict {
  PB_VERDICT_CONTINUE = 0, /* no objection: the next interceptor runs (payload may be modified) */
  PB_VERDICT_ALLOW = 1,    /* decided yes: the rest of the chain is skipped */
  PB_VERDICT_REJECT = 2,   /* decided no: the chain stops; see intercept_set_error */
  PB_VERDICT_PENDING = 3   /* not yet: the plugin calls host->intercept_resume() later, once */
} pb_verdict;

/* Called in priority order (lower first; ties by plugin load order) before the event's effect
 * is committed. `payload` is the current payload (borrowed, valid until the interceptor returns,
 * or until intercept_resume when it returned PENDING). To modify it, call
 * host->intercept_replace() with a new payload of the same struct type. A negative return is an
 * error and counts as REJECT with a 500. */
typedef int (*pb_intercept_fn)(void *user, pb_intercept_ctx *ctx, uint32_t event,
                               const void *payload);

/* Called after the event's effect is committed (for posts: durable). Read-only. */
typedef void (*pb_observe_fn)(void *user, uint32_t event, const void *payload);

/* Completion of host->publish_intercept(): the chain's verdict (ALLOW or CONTINUE mean "go on",
 * REJECT means stop; http_status/error_id/message say why) and the final, possibly modified,
 * payload (borrowed for the duration of the call). */
typedef void (*pb_publish_done_fn)(void *user, int verdict, int http_status, pb_str error_id,
                                   pb_str message, const void *payload);

/* ------------------------------------------------------------------------------------------ */
/* HTTP routes                                                                                 */
/* ------------------------------------------------------------------------------------------ */

#define PB_ROUTE_PUBLIC 0x0u         /* no auth.check: the handler decides (webhooks, login) */
#define PB_ROUTE_AUTHENTICATED 0x1u  /* auth.check must ALLOW before the handler runs */

/* A route handler. It must answer the request exactly once with host->respond() or
 * host->respond_error(), now or later (on the loop thread); the request handle stays valid until
 * then. Returning a negative status without having answered makes the host answer 500. Responses
 * on one connection are written in request order whatever order they are produced in. */
typedef int (*pb_http_handler)(void *user, pb_http_request *request);

/* ------------------------------------------------------------------------------------------ */
/* Callbacks for the store, timers and tasks                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Completion of a durable write: status PB_OK once the write is on disk (or replicated, as the
 * host's store defines durable), or a negative status; then nothing was written. */
typedef void (*pb_done_fn)(void *user, int status);

/* A value read synchronously from the store: `value` is borrowed until the callback returns. */
typedef void (*pb_kv_value_fn)(void *user, pb_str value);

/* One entry of kv_list; return non-zero to stop the iteration. */
typedef int (*pb_kv_each_fn)(void *user, pb_str key, pb_str value);

/* user_get (minor 1): the user found, borrowed for the duration of the call. */
typedef void (*pb_user_fn)(void *user, const pb_user_v1 *found);

/* user_create (minor 1): PB_OK and the created user (borrowed for the call), or a negative
 * status with the HTTP status, Mattermost error id and message that explain it (created NULL). */
typedef void (*pb_user_done_fn)(void *user, int status, int http_status, pb_str error_id,
                                pb_str message, const pb_user_v1 *created);

/* channel_get, channel_get_by_name (minor 2): the channel found, borrowed for the call. */
typedef void (*pb_channel_fn)(void *user, const pb_channel_v1 *found);

/* team_get (minor 4): the team found, borrowed for the call. */
typedef void (*pb_team_fn)(void *user, const pb_team_v1 *found);

/* channel_direct (minor 2): PB_OK and the channel (borrowed for the call), or a negative status
 * (channel NULL). */
typedef void (*pb_channel_done_fn)(void *user, int status, const pb_channel_v1 *channel);

/* post_create (minor 2): PB_OK and the stored post, or a negative status with the HTTP status,
 * Mattermost error id and message (a REJECT of an interceptor, a missing channel, ...). */
typedef void (*pb_post_done_fn)(void *user, int status, int http_status, pb_str error_id,
                                pb_str message, const pb_post_v1 *created);

/* ---- metrics (minor 5) ---- */

/* The type of a sample a plugin adds to GET /metrics (Prometheus text format). */
typedef enum pb_metric_type {
  PB_METRIC_COUNTER = 0, /* only goes up (until the process restarts); finite, >= 0 */
  PB_METRIC_GAUGE = 1    /* any value that is not NaN */
} pb_metric_type;

/* One label of a sample: name [A-Za-z_][A-Za-z0-9_]* (not "__"-prefixed, not "le" or
 * "quantile"), value UTF-8 of at most 256 bytes (the host escapes it). */
typedef struct pb_metric_label {
  pb_str name;
  pb_str value;
} pb_metric_label;

/* Opaque: where one plugin's samples of one scrape go. Valid only during the collect call. */
typedef struct pb_metrics_sink pb_metrics_sink;

/* metrics_register (minor 5): called on the loop thread while the host renders GET /metrics;
 * adds this plugin's samples with host->metrics_sample(sink, ...) and returns. It must not block
 * and must not keep `sink`. Not called before start() returned nor after stop(). */
typedef void (*pb_metrics_collect_fn)(void *user, pb_metrics_sink *sink);

/* ---- outbound HTTP (minor 3) ---- */

/* One header of an outbound request or its response. */
typedef struct pb_http_header {
  pb_str name;
  pb_str value;
} pb_http_header;

/* An outbound request for http_fetch. Everything is copied by the host before http_fetch
 * returns. The host adds Host, Content-Length, Connection and (unless given) User-Agent; the
 * caller's own Host, Content-Length, Transfer-Encoding and Connection headers are dropped. */
typedef struct pb_http_fetch_v1 {
  size_t struct_size;
  pb_str method;                 /* "POST", "GET", ... (upper case token) */
  pb_str url;                    /* absolute http:// or https:// URL */
  const pb_http_header *headers; /* may be NULL when header_count is 0 */
  size_t header_count;
  pb_str body;                   /* sent with Content-Length; "" for none */
  uint32_t timeout_ms;           /* whole request, connect to last byte; 0 = the host's default
                                    (ServiceSettings.OutgoingIntegrationRequestsTimeout) */
  size_t max_response_bytes;     /* response body cap; 0 = 1 MiB. Larger → PB_E_LIMIT */
} pb_http_fetch_v1;

/* The response of http_fetch, borrowed until the callback returns. Any HTTP status is a
 * response (redirects are not followed: 3xx comes back as is). */
typedef struct pb_http_response_v1 {
  size_t struct_size;
  int status;                    /* 100..599 */
  const pb_http_header *headers; /* as received, in order */
  size_t header_count;
  pb_str body;                   /* de-chunked; never more than max_response_bytes */
} pb_http_response_v1;

/* Completion of http_fetch: status PB_OK and `response`; or a negative status and response NULL:
 * PB_E_DENIED (the outbound address guard refused every resolved address), PB_E_TIMEOUT,
 * PB_E_LIMIT (response body over the cap), PB_E_IO (DNS, connect, TLS, reset or a malformed
 * response), PB_E_CANCELED (http_cancel, plugin stop, server drain). `detail` says what happened
 * in words for logs ("connect 10.0.0.1:443: connection refused"), borrowed for the call. */
typedef void (*pb_http_fetch_done_fn)(void *user, int status, const pb_http_response_v1 *response,
                                      pb_str detail);

/* Which field user_get looks up (minor 1). */
enum { PB_USER_BY_ID = 0, PB_USER_BY_USERNAME = 1, PB_USER_BY_EMAIL = 2 };

typedef void (*pb_timer_fn)(void *user);
typedef void (*pb_task_fn)(void *user);

/* ------------------------------------------------------------------------------------------ */
/* The host API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

typedef struct pb_host_api {
  size_t struct_size; /* sizeof(pb_host_api) of the host; functions past it do not exist */
  uint32_t abi_major;
  uint32_t abi_minor;

  /* ---- diagnostics -------------------------------------------------------------------- */

  /* Writes a line to the server log, tagged with the plugin id. Any thread. Never fails. */
  void (*log)(pb_plugin *self, int level, pb_str message);

  /* The stable name of a pb_status ("PB_E_INVALID"); "PB_E_UNKNOWN" for other values. The
   * string is static. Any thread. */
  const char *(*status_name)(int status);

  /* ---- configuration ------------------------------------------------------------------ */

  /* The effective server configuration (every section, defaults filled in) as one JSON object.
   * Borrowed: valid until configure() is next called or the plugin stops.
   * Returns PB_OK, PB_E_INVALID (out NULL). */
  int (*config_json)(pb_plugin *self, pb_str *out);

  /* ---- HTTP ---------------------------------------------------------------------------- */

  /* Registers `handler` for `method` ("GET", "POST", ...) on `pattern`, a path whose segments
   * may be parameters: "/api/v4/hooks/incoming/{hook_id}". Only during init().
   * flags: PB_ROUTE_PUBLIC or PB_ROUTE_AUTHENTICATED. `permission` is passed to auth.check.
   * Returns PB_OK; PB_E_INVALID (bad method or pattern); PB_E_EXISTS (method+pattern taken,
   * also by the core); PB_E_STATE (not in init). */
  int (*route_add)(pb_plugin *self, pb_str method, pb_str pattern, uint32_t flags,
                   pb_str permission, pb_http_handler handler, void *user);

  /* Request accessors. The returned views are borrowed until the request is answered. */
  pb_str (*req_method)(const pb_http_request *request);
  pb_str (*req_path)(const pb_http_request *request);  /* path as sent (not percent-decoded), no query */
  pb_str (*req_query)(const pb_http_request *request); /* raw query string, without '?' */
  pb_str (*req_body)(const pb_http_request *request);  /* whole body (already read) */
  pb_str (*req_request_id)(const pb_http_request *request); /* the X-Request-Id sent back */
  /* The first header named `name` (case-insensitive). PB_OK or PB_E_NOT_FOUND. */
  int (*req_header)(const pb_http_request *request, pb_str name, pb_str *out);
  /* The i-th header in arrival order. PB_OK or PB_E_NOT_FOUND when i is past the last. */
  int (*req_header_at)(const pb_http_request *request, size_t i, pb_str *name, pb_str *value);
  /* The route parameter `name` ({name} in the pattern), percent-decoded. PB_OK/PB_E_NOT_FOUND. */
  int (*req_param)(const pb_http_request *request, pb_str name, pb_str *out);
  /* The identity auth.check established ("" on public routes): user id, session id, roles. */
  pb_str (*req_user_id)(const pb_http_request *request);
  pb_str (*req_session_id)(const pb_http_request *request);
  pb_str (*req_roles)(const pb_http_request *request);

  /* Adds a response header (before respond). Returns PB_OK; PB_E_INVALID (CR/LF in name or
   * value, or a header the host owns: Content-Length, Transfer-Encoding, Connection);
   * PB_E_STATE (already answered). */
  int (*resp_header)(pb_http_request *request, pb_str name, pb_str value);

  /* Answers the request with `status` (200..599) and `content_type`, e.g.
   * "application/json" (sent exactly as given). The body is copied. After PB_OK the request
   * handle is invalid. Returns PB_OK; PB_E_INVALID; PB_E_STATE (already answered). */
  int (*respond)(pb_http_request *request, int status, pb_str content_type, pb_str body);

  /* Answers with Mattermost's error JSON {"id","message","detailed_error","request_id",
   * "status_code"} and Content-Type application/json. `detailed` is only sent when the
   * operator enabled ServiceSettings.EnableDeveloper. Same returns as respond. */
  int (*respond_error)(pb_http_request *request, int status, pb_str error_id, pb_str message,
                       pb_str detailed);

  /* ---- event bus ------------------------------------------------------------------------ */

  /* The id of the plugin-defined event `name` (e.g. "acme.deploy.requested"), registering it
   * on first use. Payload of such events: pb_blob_v1 (event_id_typed declares others). Returns
   * PB_OK; PB_E_INVALID (empty name, a name of a core event, or a name declared with another
   * payload kind). */
  int (*event_id)(pb_plugin *self, pb_str name, uint32_t *out);

  /* Subscribes an interceptor to `event` at `priority` (lower runs first). Only during init().
   * Returns PB_OK; PB_E_NOT_FOUND (unknown event); PB_E_UNSUPPORTED (event cannot be
   * intercepted); PB_E_STATE (not in init). */
  int (*subscribe_intercept)(pb_plugin *self, uint32_t event, int32_t priority,
                             pb_intercept_fn fn, void *user);

  /* Subscribes an observer (runs after commit, in subscription order). Only during init().
   * Returns PB_OK; PB_E_NOT_FOUND; PB_E_UNSUPPORTED (event cannot be observed); PB_E_STATE. */
  int (*subscribe_observe)(pb_plugin *self, uint32_t event, pb_observe_fn fn, void *user);

  /* From inside an interceptor (or before intercept_resume): replaces the payload with a copy of
   * `payload`, which must be the event's struct type with a valid struct_size. The next
   * interceptor and the publisher see the new payload. Returns PB_OK; PB_E_INVALID; PB_E_STATE
   * (this turn is over). */
  int (*intercept_replace)(pb_intercept_ctx *ctx, const void *payload);

  /* Says why a REJECT happened: HTTP status (400..599) and Mattermost error id + message.
   * Default without it: 403 api.context.permissions.app_error (401 session_expired for
   * auth.check). Returns PB_OK; PB_E_INVALID; PB_E_STATE. */
  int (*intercept_set_error)(pb_intercept_ctx *ctx, int http_status, pb_str error_id,
                             pb_str message);

  /* For PB_EVENT_AUTH_CHECK: records who the request is, before returning/resuming ALLOW.
   * Returns PB_OK; PB_E_INVALID (not an auth.check turn); PB_E_STATE. */
  int (*auth_set_identity)(pb_intercept_ctx *ctx, pb_str user_id, pb_str session_id,
                           pb_str roles);

  /* Finishes an interceptor turn that returned PB_VERDICT_PENDING, exactly once, on the loop
   * thread. Returns PB_OK; PB_E_INVALID (verdict PENDING); PB_E_STATE (not pending / resumed). */
  int (*intercept_resume)(pb_intercept_ctx *ctx, int verdict);

  /* Runs the intercept chain of a plugin-defined event (payload: its declared struct, pb_blob_v1
   * unless declared with event_id_typed), then calls `done`
   * with the verdict and final payload. Returns PB_OK; PB_E_NOT_FOUND; PB_E_INVALID. */
  int (*publish_intercept)(pb_plugin *self, uint32_t event, const void *payload,
                           pb_publish_done_fn done, void *user);

  /* Calls every observer of a plugin-defined event with `payload` (its declared struct),
   * synchronously, before it returns. Returns PB_OK; PB_E_NOT_FOUND; PB_E_INVALID. */
  int (*publish_observe)(pb_plugin *self, uint32_t event, const void *payload);

  /* ---- key-value store (this plugin's own namespace) -------------------------------------- */

  /* Reads `key` (1..511 bytes) and calls `fn` with the value before returning (committed data
   * only). Returns PB_OK (fn called); PB_E_NOT_FOUND (fn not called); PB_E_INVALID; PB_E_IO. */
  int (*kv_get)(pb_plugin *self, pb_str key, pb_kv_value_fn fn, void *user);

  /* Calls `fn` for each key starting with `prefix`, in key order, before returning.
   * Returns PB_OK; PB_E_INVALID; PB_E_IO. */
  int (*kv_list)(pb_plugin *self, pb_str prefix, pb_kv_each_fn fn, void *user);

  /* Writes `key` = `value` (value up to 16 MiB) and calls `done` once it is durable. Writes
   * from many requests are committed together (group commit). Returns PB_OK; PB_E_INVALID;
   * PB_E_LIMIT; PB_E_STATE (server draining). */
  int (*kv_put)(pb_plugin *self, pb_str key, pb_str value, pb_done_fn done, void *user);

  /* Deletes `key` durably; `done` gets PB_OK also when the key did not exist. Same returns. */
  int (*kv_delete)(pb_plugin *self, pb_str key, pb_done_fn done, void *user);

  /* ---- loop ----------------------------------------------------------------------------- */

  /* Starts a timer: `fn` runs after timeout_ms, then every repeat_ms if non-zero. *out (may be
   * NULL for one-shot timers) is valid until timer_stop or, for a one-shot, until it fired.
   * Timers are stopped (without firing) when the plugin stops. Returns PB_OK; PB_E_INVALID. */
  int (*timer_start)(pb_plugin *self, uint64_t timeout_ms, uint64_t repeat_ms, pb_timer_fn fn,
                     void *user, pb_timer **out);

  /* Stops and frees a timer; `fn` will not run again. Returns PB_OK; PB_E_INVALID. */
  int (*timer_stop)(pb_timer *timer);

  /* Runs `fn` on the loop thread soon. ANY THREAD: the way back to the loop from a worker.
   * Returns PB_OK; PB_E_STATE (the server is shutting down: fn will not run). */
  int (*post_to_loop)(pb_plugin *self, pb_task_fn fn, void *user);

  /* Runs `work` on a worker thread (where it may block, e.g. hashing), then `after` on the loop
   * thread. `work` may call only "any thread" host functions. Returns PB_OK; PB_E_INVALID. */
  int (*queue_work)(pb_plugin *self, pb_task_fn work, pb_task_fn after, void *user);

  /* ---- minor 1: users, and writes staged by interceptors ---------------------------------- */

  /* Finds a user (deactivated ones too: check delete_at) by id, username or email (both
   * case-insensitive, as Mattermost) and calls `fn` before returning. Loop thread.
   * Returns PB_OK (fn called); PB_E_NOT_FOUND; PB_E_INVALID (bad `by`); PB_E_UNSUPPORTED (no
   * chat model in this build). */
  int (*user_get)(pb_plugin *self, int by, pb_str value, pb_user_fn fn, void *user);

  /* Creates a user through the same path as POST /api/v4/users (validation, the
   * user.will_be_created chain, one durable commit, user.created observers), without that
   * route's permission check: the calling plugin has decided. id/create_at are assigned by the
   * core; set PB_USER_IS_BOT for a bot. Returns PB_OK (done called once, later); PB_E_INVALID;
   * PB_E_UNSUPPORTED; PB_E_STATE (draining). */
  int (*user_create)(pb_plugin *self, const pb_user_v1 *draft, pb_user_done_fn done, void *user);

  /* Deactivates (active = 0: delete_at = now) or reactivates (active = 1) a user, durably.
   * Returns PB_OK (done called once, later, with PB_OK or PB_E_NOT_FOUND); PB_E_INVALID;
   * PB_E_UNSUPPORTED; PB_E_STATE. */
  int (*user_set_active)(pb_plugin *self, pb_str user_id, int active, pb_done_fn done,
                         void *user);

  /* From an interceptor of an event with a commit (post.will_be_created,
   * user.will_be_created): writes `key` = `value` into the interceptor's own key-value
   * namespace IN THE SAME durable transaction as the event's effect, so both happen or neither
   * (e.g. a password hash with its user). Discarded if the chain rejects. Limits as kv_put.
   * Returns PB_OK; PB_E_INVALID; PB_E_LIMIT; PB_E_UNSUPPORTED (event without a commit: auth.check,
   * plugin-defined events); PB_E_STATE (this turn is over). */
  int (*intercept_stage_kv_put)(pb_intercept_ctx *ctx, pb_str key, pb_str value);

  /* ---- minor 2: channels, team roles and posts, for integrations ------------------------- */

  /* Finds a channel by id (archived ones too: check delete_at) and calls `fn` before returning.
   * Returns PB_OK (fn called); PB_E_NOT_FOUND; PB_E_INVALID; PB_E_UNSUPPORTED (no chat model). */
  int (*channel_get)(pb_plugin *self, pb_str channel_id, pb_channel_fn fn, void *user);

  /* Finds a channel by its name (the URL slug, lower case) in a team. Same returns. */
  int (*channel_get_by_name)(pb_plugin *self, pb_str team_id, pb_str name, pb_channel_fn fn,
                             void *user);

  /* The direct-message channel of two users, created (durably) on first use. Returns PB_OK
   * (done called once, later: PB_OK, or PB_E_NOT_FOUND for an unknown user, PB_E_IO);
   * PB_E_INVALID; PB_E_UNSUPPORTED; PB_E_STATE (draining). */
  int (*channel_direct)(pb_plugin *self, pb_str user_a, pb_str user_b, pb_channel_done_fn done,
                        void *user);

  /* Whether `user_id` may read `channel_id`: 1 yes (public channel of a team they are in, or a
   * member, or a system admin), 0 no. Negative: PB_E_NOT_FOUND (unknown user or channel);
   * PB_E_INVALID; PB_E_UNSUPPORTED. */
  int (*channel_can_read)(pb_plugin *self, pb_str channel_id, pb_str user_id);

  /* The roles of `user_id` in `team_id` ("team_user team_admin") through `fn`, before it returns.
   * Returns PB_OK; PB_E_NOT_FOUND (not a member); PB_E_INVALID; PB_E_UNSUPPORTED. */
  int (*team_member_roles)(pb_plugin *self, pb_str team_id, pb_str user_id, pb_kv_value_fn fn,
                           void *user);

  /* Creates a post through the same path as POST /api/v4/posts after its permission check
   * (the calling plugin decides who may post where): the channel must exist and not be
   * archived, post.will_be_created interceptors run (modify, reject, stage writes), one durable
   * commit, then post.created observers. From `draft`: channel_id, user_id, root_id, type,
   * message, props_json ("" = {}), flags (PB_POST_FROM_WEBHOOK for integration posts; set
   * PB_POST_TRIGGER_WEBHOOKS only for user-initiated posts). id and times are assigned.
   * Returns PB_OK (done called once, later); PB_E_INVALID; PB_E_UNSUPPORTED; PB_E_STATE. */
  int (*post_create)(pb_plugin *self, const pb_post_v1 *draft, pb_post_done_fn done, void *user);

  /* ---- minor 3: outbound HTTP ------------------------------------------------------------ */

  /* Sends one HTTP/1.1 request (https:// with certificate and host-name verification against
   * the system CA store, SNI) and calls `done` exactly once, later, on the loop thread. DNS
   * resolution runs off the loop; every resolved address is checked against the outbound
   * guard (loopback, private, link-local, unique-local, multicast and unspecified addresses are
   * refused unless ServiceSettings.AllowedUntrustedInternalConnections lists the host name, the
   * IP or a CIDR that holds it), and the address checked is the one connected to. Connections
   * are reused per origin (bounded pool). `*request_id` (if not NULL) receives an id for
   * http_cancel. Returns PB_OK (done called once, later); PB_E_INVALID (struct_size too small,
   * method not an upper-case token, URL not absolute http(s):// or with user info, a header
   * name not a token or a value with CR/LF/NUL; done never called); PB_E_STATE (draining, the
   * plugin stopped, or not the loop thread). In-flight requests of a plugin complete with
   * PB_E_CANCELED right after its stop() returned (before destroy). Response headers are
   * limited to 128 and 64 KiB (more: PB_E_IO). */
  int (*http_fetch)(pb_plugin *self, const pb_http_fetch_v1 *request, pb_http_fetch_done_fn done,
                    void *user, uint64_t *request_id);

  /* Cancels a request of this plugin: its `done` is called with PB_E_CANCELED, later (never
   * from inside http_cancel). Returns PB_OK; PB_E_NOT_FOUND (unknown or already completed). */
  int (*http_cancel)(pb_plugin *self, uint64_t request_id);

  /* ---- minor 4: teams --------------------------------------------------------------------- */

  /* Finds a team by id (archived ones too: check delete_at) and calls `fn` before returning.
   * Loop thread only. Returns PB_OK (fn called); PB_E_NOT_FOUND; PB_E_INVALID (NULL self or fn,
   * a bad pb_str); PB_E_STATE (off the loop thread); PB_E_UNSUPPORTED (no chat model). */
  int (*team_get)(pb_plugin *self, pb_str team_id, pb_team_fn fn, void *user);

  /* ---- minor 5: metrics ------------------------------------------------------------------- */

  /* Registers this plugin's collect callback for GET /metrics (MetricsSettings.Enable): a pull
   * design, so a plugin pays nothing per request and nothing while nobody scrapes. One
   * callback per plugin: a second call replaces it, fn NULL removes it. Loop thread, from
   * init() on. Returns PB_OK; PB_E_INVALID (NULL self); PB_E_STATE (off the loop thread, or
   * after stop()). A plugin whose callback throws is marked failed, as for any callback. */
  int (*metrics_register)(pb_plugin *self, pb_metrics_collect_fn fn, void *user);

  /* From inside the collect callback: adds one sample `name{labels} value`. The host checks
   * it, so a plugin can neither break the page nor pose as the core or another plugin:
   * `name` must be a Prometheus metric name of at most 200 bytes starting with
   * "patchbay_plugin_<id>_" (the plugin's id with every byte outside [A-Za-z0-9_] as '_') with
   * more after it, not ending in _bucket, _sum or _count; `help` at most 512 bytes of UTF-8
   * (may be empty); `type` a pb_metric_type; at most 8 labels with distinct names (see
   * pb_metric_label); `value` as its type allows. All samples of one name must share type
   * and help. Everything is copied before it returns. Loop thread.
   * Returns PB_OK; PB_E_INVALID (a rule above is broken: this sample is dropped, the others
   * stay); PB_E_EXISTS (this name and label set were already added in this scrape);
   * PB_E_LIMIT (more than 1000 samples from this plugin in one scrape); PB_E_STATE (`sink` is
   * not the one of a collect call in progress, or off the loop thread). */
  int (*metrics_sample)(pb_metrics_sink *sink, pb_str name, pb_str help, int type,
                        const pb_metric_label *labels, size_t label_count, double value);

  /* ---- minor 6: requests whose client left ----------------------------------------------- */

  /* Whether the client that sent `request` is gone: 1 when the host knows the connection it
   * came on is over (the client reset or closed it, it failed, or it timed out) or the client
   * has closed its sending side (end of input: as Go's net/http, and so Mattermost, cancels a
   * request on EOF), 0 while it is open, and 0 for a request the host makes to itself (no
   * connection). Once 1, it stays 1. A request whose client is gone must still be answered
   * exactly once (respond or respond_error) and stays valid until then; the answer is dropped,
   * or, after a half-close, sent before the connection closes. What it is for: a plugin
   * about to start slow work for a request (a password hash, an outbound call) may skip that
   * work and answer at once when nobody waits for it. Allocates nothing: cheap enough to ask
   * for every queued job. Loop thread only.
   * Returns 1 or 0; PB_E_INVALID (request NULL); PB_E_STATE (off the loop thread). A plugin
   * built against minor 6 checks PB_HOST_HAS(host, req_peer_gone) first: a host of minor 5
   * cannot tell, and the plugin then does the work as before. */
  int (*req_peer_gone)(const pb_http_request *request);

  /* ---- minor 7: plugin-defined events with a typed payload -------------------------------- */

  /* As event_id, for an event whose payload is the struct `kind` (a pb_payload_kind) names: the
   * bus checks struct_size and copies its strings as it does for the core's own events, so
   * plugins exchange typed fields instead of JSON they must write and parse again. The first
   * declaration of a name fixes its kind; every publisher and subscriber must declare it alike.
   * Loop thread, init or later. Returns PB_OK; PB_E_INVALID (empty name, a core event's name,
   * an unknown kind, or a name already declared with another kind); PB_E_STATE (off the loop
   * thread). A plugin built against minor 7 checks PB_HOST_HAS(host, event_id_typed) first. */
  int (*event_id_typed)(pb_plugin* self, pb_str name, int kind, uint32_t* out);

  /* New functions are appended here (ABI minor + 1 each time). */
} pb_host_api;

/* True when `host` has the function `field` (it was added in a minor the host has). */
#define PB_HOST_HAS(host, field)                                                              \
  ((host)->struct_size >= offsetof(pb_host_api, field) + sizeof((host)->field) &&             \
   (host)->field != NULL)

/* ------------------------------------------------------------------------------------------ */
/* The plugin side                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* What a plugin exports. All functions are called on the loop thread, in this order:
 *   init -> start -> (configure)* -> stop -> destroy.
 * init is required; the others may be NULL. */
typedef struct pb_plugin_descriptor {
  size_t struct_size;  /* sizeof(pb_plugin_descriptor) the plugin was built with */
  uint32_t abi_major;  /* PB_ABI_MAJOR the plugin was built with: must equal the host's */
  uint32_t abi_minor;  /* PB_ABI_MINOR the plugin was built with: must be <= the host's */
  const char *id;      /* NUL-terminated, static; must equal the manifest's id */
  const char *version; /* NUL-terminated, static */

  /* Registers routes and subscriptions; `settings_json` is the plugin's settings object,
   * validated against its manifest schema, defaults filled in (borrowed for the call).
   * `host` and `self` stay valid until destroy returns. Sets *state (any pointer, may stay
   * NULL), which every later call receives. Returns PB_OK, or a negative status: the plugin is
   * then marked failed, nothing it registered is kept, and destroy is not called. */
  int (*init)(pb_plugin *self, const pb_host_api *host, pb_str settings_json, void **state);

  /* Every plugin has been initialised and the server is about to accept connections. A
   * negative return marks the plugin failed (stop and destroy are then still called). */
  int (*start)(void *state);

  /* The settings changed (new validated settings object, borrowed). Negative: rejected, the
   * old settings stay. */
  int (*configure)(void *state, pb_str settings_json);

  /* The server is draining (every HTTP request has been answered): stop starting work. After
   * this returns, timers are stopped without firing, durable writes already queued still
   * complete (their callbacks run, with their real status), queue_work completions still run,
   * and then destroy is called; new kv writes and timers are refused with PB_E_STATE. */
  void (*stop)(void *state);

  /* Free everything. No callback of this plugin runs after this. */
  void (*destroy)(void *state);

  void *reserved[8]; /* must be NULL */
} pb_plugin_descriptor;

/* The one exported symbol. The host calls it once after dlopen with its own ABI version; a
 * plugin may return NULL when it cannot run on that host (the plugin is then marked failed).
 * The descriptor must stay valid until the library is unloaded. */
typedef const pb_plugin_descriptor *(*pb_plugin_entry_fn)(uint32_t host_abi_major,
                                                          uint32_t host_abi_minor);
#define PB_PLUGIN_ENTRY_SYMBOL "pb_plugin_entry"

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PATCHBAY_PLUGIN_H */
