-- Paced load with a status census. Each connection waits `delay_ms` between requests so the
-- total rate stays near the target; every thread counts 5xx and other non-2xx answers.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  delay_ms = tonumber(args[1] or "0")
  server_errors = 0
  other_errors = 0
end

function delay()
  return delay_ms
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 300 then
    other_errors = other_errors + 1
  end
end

function done(summary, latency, requests)
  local s, o = 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("server_errors")
    o = o + t:get("other_errors")
  end
  io.write(string.format("status_5xx %d\nstatus_other_non2xx %d\n", s, o))
  io.write(string.format("p50_ms %.3f\np99_ms %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
