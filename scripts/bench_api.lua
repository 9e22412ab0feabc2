-- wrk script of `make bench-api` (scripts/bench_api.py runs it):
--   wrk ... -s scripts/bench_api.lua URL -- <endpoint> <first device> <devices> [parameter ...]
-- <endpoint> is live, history (7 days), year (365 days), energy_month (the factory's energy
-- over 30 days), summary or device; each request asks for a random device of
-- <first device> .. <first device> + <devices> - 1. The Authorization header comes from wrk's -H. The summary is one line that
-- bench_api.py parses, with latencies in microseconds.

local endpoint, first_device, devices, parameters
local DAY_SECONDS = 86400

function setup(thread)
  -- Each thread runs its own Lua state: give each its own random sequence.
  thread:set("seed", math.random(1, 2 ^ 30))
end

local function url_encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  endpoint = args[1] or "live"
  first_device = tonumber(args[2] or "1")
  devices = tonumber(args[3] or "200")
  parameters = {}
  for i = 4, #args do
    parameters[#parameters + 1] = "parameters=" .. url_encode(args[i])
  end
  math.randomseed(seed or os.time())
end

local function since(days)
  -- The start moves with the clock, as a chart opened now would ask.
  return url_encode(os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - days * DAY_SECONDS))
end

local function history_query(days)
  return table.concat(parameters, "&") .. "&interval=auto&agg=mean&start=" .. since(days)
end

function request()
  local device = first_device + math.random(0, devices - 1)
  local path
  if endpoint == "live" then
    path = "/api/v1/devices/" .. device .. "/kpis/live"
  elseif endpoint == "history" then
    path = "/api/v1/devices/" .. device .. "/kpis/history?" .. history_query(7)
  elseif endpoint == "year" then
    path = "/api/v1/devices/" .. device .. "/kpis/history?" .. history_query(365)
  elseif endpoint == "energy_month" then
    path = "/api/v1/energy?bucket=day&start=" .. since(30)
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
