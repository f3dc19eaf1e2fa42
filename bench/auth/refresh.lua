-- wrk script: POST /auth/refresh, each request with a refresh token nobody else holds, each
-- response's successor token (from its Set-Cookie) queued for a later request: a steady
-- stream of full rotations, never a replay. Needs at least as many live refresh tokens as
-- connections; bench/auth/seed.sh logs in that many times and writes them one a line.
--   wrk ... -s bench/auth/refresh.lua http://127.0.0.1:9320 -- <refresh-tokens-file>
-- Tokens are split between wrk threads. A response without a new token (a failure) drops
-- the token; the summary reports how many were lost.
local queue, head, tail = {}, 1, 0
lost = 0   -- global: read by done() through thread:get
local counter = 0
local threads = {}
local cookie_name = "__Secure-refresh_token"
local cookie_pattern = cookie_name:gsub("%p", "%%%0") .. "=([^;]+)"

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
  table.insert(threads, thread)
  for _, t in ipairs(threads) do t:set("thread_count", counter) end
end

function init(args)
  local file = args[1]
  assert(file, "usage: -- <refresh-tokens-file>")
  local k = 0
  for line in io.lines(file) do
    if #line > 0 then
      if k % thread_count == thread_index then tail = tail + 1; queue[tail] = line end
      k = k + 1
    end
  end
  wrk.method = "POST"
  wrk.path = "/auth/refresh"
end

function request()
  local token
  if head <= tail then
    token = queue[head]; queue[head] = nil; head = head + 1
  else
    token = "exhausted"   -- answered 401: shows up as non-2xx
  end
  return wrk.format(nil, nil, { ["Origin"] = "http://localhost:8080", ["Cookie"] = cookie_name .. "=" .. token })
end

function response(status, headers, body)
  local set = headers["Set-Cookie"] or headers["set-cookie"] or ""
  local token = string.match(set, cookie_pattern)
  if status == 200 and token and #token > 0 then
    tail = tail + 1; queue[tail] = token
  else
    lost = lost + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("lost") or 0) end
  io.write(string.format("lost_tokens %d\n", total))
end
