-- wrk script for latency at a fixed, lower load: each connection waits <delay> ms after each
-- response before sending the next request, so the rate is about connections * 1000 / (delay +
-- latency). wrk measures latency from the moment a request is written, so the pause is not in
-- it. Optional tokens file for round-robin cookies (same as rr-cookies.lua).
--   wrk -c <conns> ... -s bench/proxy/paced.lua <url> -- <delay-ms> [cookie-header-value]
local pause = 10
local req

function init(args)
  pause = tonumber(args[1] or "10")
  if args[2] and #args[2] > 0 then
    req = wrk.format(nil, nil, { ["Cookie"] = args[2] })
  else
    req = wrk.format()
  end
end

function delay()
  return pause
end

function request()
  return req
end
