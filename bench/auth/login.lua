-- wrk script: POST /auth/login with one registered account's credentials (a successful login:
-- Argon2id verification, a new session and refresh token row, an RS256 access token).
--   wrk ... -s bench/auth/login.lua http://127.0.0.1:9320 -- <email> <password>
-- 429 busy answers (the hashing pool's queue was full) count as non-2xx in wrk's output.
function init(args)
  local email, password = args[1], args[2]
  assert(email and password, "usage: -- <email> <password>")
  wrk.method = "POST"
  wrk.path = "/auth/login"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Origin"] = "http://localhost:8080"
  wrk.body = string.format('{"email":"%s","password":"%s"}', email, password)
end
