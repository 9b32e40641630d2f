-- wrk script: POST /api/v4/commands/execute of "/bench <n>" in one channel, as Client4's
-- executeCommand sends it. slash_bench.mjs sets PB_TOKEN (a session token) and PB_CHANNEL.
local token = os.getenv("PB_TOKEN") or error("PB_TOKEN is not set")
local channel = os.getenv("PB_CHANNEL") or error("PB_CHANNEL is not set")
local n = 0
wrk.method = "POST"
wrk.path = "/api/v4/commands/execute"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"command":"/bench ' .. n .. '","channel_id":"' .. channel .. '"}')
end
