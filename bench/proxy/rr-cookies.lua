-- wrk script: every request carries the next of N distinct access tokens (round-robin), so the
-- gateway sees N different cookies. Each wrk thread starts at a different offset.
--   wrk ... -s bench/proxy/rr-cookies.lua http://127.0.0.1:9300 -- <tokens-file> [path]
-- The requests are formatted once in init(), so per-request Lua cost is a table lookup.
local requests, n, i = {}, 0, 0
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

function init(args)
  local file, path = args[1], args[2] or "/api/"
  assert(file, "usage: -- <tokens-file> [path]")
  for line in io.lines(file) do
    if #line > 0 then
      n = n + 1
      requests[n] = wrk.format("GET", path, { ["Cookie"] = "__Host-access_token=" .. line })
    end
  end
  assert(n > 0, "no tokens in " .. file)
  i = ((thread_index or 0) * 7919) % n
end

function request()
  i = i % n + 1
  return requests[i]
end
