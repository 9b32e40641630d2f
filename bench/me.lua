-- wrk script: authenticated GET /api/v4/users/me. bench/run sets PB_TOKEN to a session token
-- from POST /api/v4/users/login (the same token on every connection: a bot's loop).
local token = os.getenv("PB_TOKEN") or error("PB_TOKEN is not set")
wrk.method = "GET"
wrk.path = "/api/v4/users/me"
wrk.headers["Authorization"] = "Bearer " .. token
