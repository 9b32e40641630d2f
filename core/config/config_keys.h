// THE table of configuration keys: one line per key. Everything else is generated from it — the
// typed struct fields and their defaults (config.h), the loader's parsing and validation, the
// PB_<SECTION>_<KEY> environment overrides (loader.cpp, via schema.cpp) and to_json (writer.cpp).
// Adding a key is adding one line here (plus its row in config/README.md and its value in
// config/config.json; tests fail until both are there).
//
//   KEY(Name, Type, default, check)
//     Name     the JSON key, exactly as in Mattermost's config.json, and the C++ field name
//     Type     String | Bool | Int (int64) | StringList | PluginStateMap | RawObjectMap
//     default  the value a missing (or null) key takes
//     check    any() | range(min, max) | one_of("a", "b", ...) | listen_address() | http_url()
//              (checks.h); a value failing it is an error naming the key's path
//
//   SECTION(Name, member, KEYS)  a top-level object: JSON name (= C++ type), Config member, keys
//
// Units follow Mattermost: timeouts in seconds unless the name says otherwise.
#pragma once

#define PB_CONFIG_SERVICE_SETTINGS(KEY)                                                    \
  KEY(SiteURL, String, "", http_url())                                                     \
  KEY(ListenAddress, String, ":8065", listen_address())                                    \
  KEY(TrustedProxyIPHeader, StringList, {}, any())                                         \
  KEY(EnableIncomingWebhooks, Bool, true, any())                                           \
  KEY(EnableOutgoingWebhooks, Bool, true, any())                                           \
  KEY(EnableCommands, Bool, true, any())                                                   \
  KEY(EnablePostUsernameOverride, Bool, false, any())                                      \
  KEY(EnablePostIconOverride, Bool, false, any())                                          \
  KEY(EnableUserAccessTokens, Bool, false, any())                                          \
  KEY(EnableBotAccountCreation, Bool, false, any())                                        \
  KEY(OutgoingIntegrationRequestsTimeout, Int, 30, range(1, 3600))                         \
  KEY(AllowedUntrustedInternalConnections, String, "", any())                              \
  KEY(MaximumLoginAttempts, Int, 10, range(1, 1000000))                                    \
  KEY(SessionLengthWebInHours, Int, 720, range(1, 876000))                                 \
  KEY(SessionLengthMobileInHours, Int, 720, range(1, 876000))                              \
  KEY(SessionIdleTimeoutInMinutes, Int, 43200, range(0, 52560000))                         \
  KEY(ExtendSessionLengthWithActivity, Bool, true, any())                                  \
  KEY(EnableDeveloper, Bool, false, any())                                                 \
  KEY(ExperimentalEnableHardenedMode, Bool, false, any())                                  \
  KEY(ExperimentalStrictCSRFEnforcement, Bool, false, any())                               \
  KEY(MaximumPayloadSizeBytes, Int, 300000, range(1024, 1073741824))                       \
  KEY(ReadTimeout, Int, 300, range(1, 86400))                                              \
  KEY(WriteTimeout, Int, 300, range(1, 86400))                                             \
  KEY(IdleTimeout, Int, 60, range(1, 86400))                                               \
  KEY(ReadHeaderTimeoutMilliseconds, Int, 10000, range(100, 600000))

#define PB_CONFIG_TEAM_SETTINGS(KEY)                                                       \
  KEY(EnableOpenServer, Bool, false, any())                                                \
  KEY(MaxUsersPerTeam, Int, 50, range(1, 1000000000))                                      \
  KEY(EnableUserCreation, Bool, true, any())

#define PB_CONFIG_RATE_LIMIT_SETTINGS(KEY)                                                 \
  KEY(Enable, Bool, false, any())                                                          \
  KEY(PerSec, Int, 10, range(1, 1000000))                                                  \
  KEY(MaxBurst, Int, 100, range(0, 1000000))                                               \
  KEY(MemoryStoreSize, Int, 10000, range(1, 10000000))                                     \
  KEY(VaryByRemoteAddr, Bool, true, any())                                                 \
  KEY(VaryByUser, Bool, false, any())                                                      \
  KEY(VaryByHeader, String, "", any())

#define PB_CONFIG_LOG_SETTINGS(KEY)                                                        \
  KEY(EnableConsole, Bool, true, any())                                                    \
  KEY(ConsoleLevel, String, "INFO", one_of("DEBUG", "INFO", "WARN", "ERROR"))              \
  KEY(ConsoleJson, Bool, false, any())                                                     \
  KEY(EnableFile, Bool, false, any())                                                      \
  KEY(FileLevel, String, "INFO", one_of("DEBUG", "INFO", "WARN", "ERROR"))                 \
  KEY(FileJson, Bool, true, any())                                                         \
  KEY(FileLocation, String, "", any())                                                     \
  KEY(FileMaxSizeMB, Int, 100, range(1, 1048576))                                          \
  KEY(FileMaxBackups, Int, 5, range(0, 1000))                                              \
  KEY(EnableWebhookDebugging, Bool, true, any())

// MinimumLength: Mattermost allows 5..72 (72 bytes is the hard maximum of a password).
#define PB_CONFIG_PASSWORD_SETTINGS(KEY)                                                   \
  KEY(MinimumLength, Int, 8, range(5, 72))                                                 \
  KEY(Lowercase, Bool, false, any())                                                       \
  KEY(Uppercase, Bool, false, any())                                                       \
  KEY(Number, Bool, false, any())                                                          \
  KEY(Symbol, Bool, false, any())

// Directory "" means the plugins/ folder next to the binary. Plugins holds each plugin's raw
// settings object; the plugin host validates it against the plugin's manifest.
#define PB_CONFIG_PLUGIN_SETTINGS(KEY)                                                     \
  KEY(Enable, Bool, true, any())                                                           \
  KEY(Directory, String, "", any())                                                        \
  KEY(PluginStates, PluginStateMap, {}, any())                                             \
  KEY(Plugins, RawObjectMap, {}, any())

// patchbay's own section. SyncMode "full": a write is acknowledged once fsynced; "none": the
// operator trades durability for speed. RedoLogSizeMB: the ring of redo.log (SyncMode full).
#define PB_CONFIG_STORE_SETTINGS(KEY)                                                      \
  KEY(Directory, String, "./data", any())                                                  \
  KEY(SyncMode, String, "full", one_of("full", "none"))                                    \
  KEY(MaxSizeMB, Int, 1024, range(1, 1048576))                                             \
  KEY(RedoLogSizeMB, Int, 32, range(1, 4096))

// Prometheus /metrics, as Mattermost's MetricsSettings: off by default; when on, served on its
// own listener (never on ServiceSettings.ListenAddress), so it can be bound to a private address.
#define PB_CONFIG_METRICS_SETTINGS(KEY)                                                    \
  KEY(Enable, Bool, false, any())                                                          \
  KEY(ListenAddress, String, ":8067", listen_address())

#define PB_CONFIG_SECTIONS(SECTION)                                                        \
  SECTION(ServiceSettings, service, PB_CONFIG_SERVICE_SETTINGS)                            \
  SECTION(TeamSettings, team, PB_CONFIG_TEAM_SETTINGS)                                     \
  SECTION(RateLimitSettings, rate_limit, PB_CONFIG_RATE_LIMIT_SETTINGS)                    \
  SECTION(LogSettings, log, PB_CONFIG_LOG_SETTINGS)                                        \
  SECTION(MetricsSettings, metrics, PB_CONFIG_METRICS_SETTINGS)                            \
  SECTION(PasswordSettings, password, PB_CONFIG_PASSWORD_SETTINGS)                         \
  SECTION(PluginSettings, plugins, PB_CONFIG_PLUGIN_SETTINGS)                              \
  SECTION(StoreSettings, store, PB_CONFIG_STORE_SETTINGS)
