-- wrk script: POST /api/v4/users/login with the right password, each one an argon2id verify on
-- the server's threadpool. bench/run sets PB_LOGIN_ID and PB_PASSWORD. Used only as background
-- load (its own figures are printed as the login rate, not judged).
local login_id = os.getenv("PB_LOGIN_ID") or error("PB_LOGIN_ID is not set")
local password = os.getenv("PB_PASSWORD") or error("PB_PASSWORD is not set")
wrk.method = "POST"
wrk.path = "/api/v4/users/login"
wrk.headers["Content-Type"] = "application/json"
-- Both are plain ASCII without quotes or backslashes (bench/run chooses them), so no escaping.
wrk.body = '{"login_id":"' .. login_id .. '","password":"' .. password .. '"}'
