-- wrk script: POST /auth/login (a successful login: Argon2id verification, a new session and
-- refresh token row, an RS256 access token).
--   wrk ... -s bench/auth/login.lua http://127.0.0.1:9320 -- <email> <password> [accounts-file]
-- With an accounts file (one email a line, all with that password), the wrk threads split the
-- accounts and each thread takes its own in turn: a storm of many users signing in, rather than
-- one user signing in many times at once, which the account's own back-off limits by design
-- (free-attempts checks in flight). 429 answers count as non-2xx in wrk's output.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
  table.insert(threads, thread)
  for _, t in ipairs(threads) do t:set("thread_count", counter) end
end

local bodies, next_body = {}, 1

function init(args)
  local email, password, file = args[1], args[2], args[3]
  assert(email and password, "usage: -- <email> <password> [accounts-file]")
  wrk.method = "POST"
  wrk.path = "/auth/login"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Origin"] = "http://localhost:8080"
  local k = 0
  if file then
    for line in io.lines(file) do
      if #line > 0 then
        if k % thread_count == thread_index then
          bodies[#bodies + 1] = string.format('{"email":"%s","password":"%s"}', line, password)
        end
        k = k + 1
      end
    end
  end
  if #bodies == 0 then bodies[1] = string.format('{"email":"%s","password":"%s"}', email, password) end
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end
