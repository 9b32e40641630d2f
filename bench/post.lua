-- wrk script: durable POST /api/v4/posts, authenticated, into one channel. bench/run sets
-- PB_TOKEN and PB_CHANNEL (the team's town-square). The post carries the same text and Slack
-- attachment as the peers' webhook.lua payload, so both sides store the same content.
local token = os.getenv("PB_TOKEN") or error("PB_TOKEN is not set")
local channel = os.getenv("PB_CHANNEL") or error("PB_CHANNEL is not set")
wrk.method = "POST"
wrk.path = "/api/v4/posts"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"channel_id":"' .. channel .. '","message":"Build <https://ci.example.com/job/42|#42> passed on main",'
  .. '"props":{"attachments":[{"fallback":"Build #42 passed","color":"#36a64f","title":"Job 42",'
  .. '"title_link":"https://ci.example.com/job/42","text":"All *green* in 3m12s","fields":['
  .. '{"title":"Branch","value":"main","short":true},{"title":"Commit","value":"9fceb02","short":true}],'
  .. '"footer":"CI"}]}}'
