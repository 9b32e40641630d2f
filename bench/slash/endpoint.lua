-- wrk script: the form POST patchbay sends to a command's URL, straight to the endpoint (the
-- endpoint alone, the ceiling of the execute runs). slash_bench.mjs sets PB_FORM.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Token bench"
wrk.body = os.getenv("PB_FORM") or error("PB_FORM is not set")
