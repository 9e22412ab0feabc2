-- wrk script of `make bench-api` (scripts/bench_api.py runs it):
--   wrk ... -s scripts/bench_api.lua URL -- <endpoint> <devices> [parameter ...]
-- <endpoint> is live, history, summary or device; each request asks for a random device of
-- 1..<devices>. The Authorization header comes from wrk's -H. The summary is one line that
-- bench_api.py parses, with latencies in microseconds.

local endpoint, devices, parameters
local WEEK_SECONDS = 7 * 86400

function setup(thread)
  -- Each thread runs its own Lua state: give each its own random sequence.
  thread:set("seed", math.random(1, 2 ^ 30))
end

local function url_encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  endpoint = args[1] or "live"
  devices = tonumber(args[2] or "200")
  parameters = {}
  for i = 3, #args do
    parameters[#parameters + 1] = "parameters=" .. url_encode(args[i])
  end
  math.randomseed(seed or os.time())
end

local function history_query()
  -- The start moves with the clock, as a chart opened now would ask.
  local start = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - WEEK_SECONDS)
  return table.concat(parameters, "&") .. "&interval=auto&agg=mean&start=" .. url_encode(start)
end

function request()
  local device = math.random(1, devices)
  local path
  if endpoint == "live" then
    path = "/api/v1/devices/" .. device .. "/kpis/live"
  elseif endpoint == "history" then
    path = "/api/v1/devices/" .. device .. "/kpis/history?" .. history_query()
  elseif endpoint == "summary" then
    path = "/api/v1/dashboard/summary"
  else
    path = "/api/v1/devices/" .. device
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "wrk-summary requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.status,
    errors.timeout))
end
