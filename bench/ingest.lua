-- wrk script for bench/ingest.sh: every request carries ALERTS_PER_REQUEST alerts that
-- the target has never seen (new instance label and fingerprint), so Iris must insert
-- incidents and Alertmanager must add alerts, rather than update ones they already hold.
--
--   wrk ... -s bench/ingest.lua URL -- iris RULES.lua TOKEN     (Alertmanager v4 webhook)
--   wrk ... -s bench/ingest.lua URL -- alertmanager RULES.lua   (POST /api/v2/alerts array)
--
-- RULES.lua is written by bench/make_payloads.py from the shared alert rules.
-- done() prints one line for the shell script to parse:
--   BENCH_RESULT requests=N non2xx=N socket_errors=N slow=N duration_us=N p50_us=N p99_us=N max_us=N
-- socket_errors are requests that never got an answer; slow ones got it after --timeout
-- (wrk counts them as "timeout" but they are in requests and non2xx like any other).

local ALERTS_PER_REQUEST = 100

-- Main Lua state: keeps the thread handles so done() can add up their counters.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- Per-thread state below (each wrk thread runs its own copy of this script).
local mode, rules
local counter = 0
non2xx = 0
sample = nil

-- Splits "a@X@b" into {"a", "X", "b"}: odd entries are literal text, even entries name a
-- placeholder, so a body is built by table.concat instead of pattern matching per alert.
local function compile(template)
  local parts, pos = {}, 1
  while true do
    local s, e, name = template:find("@(%u+)@", pos)
    if not s then break end
    parts[#parts + 1] = template:sub(pos, s - 1)
    parts[#parts + 1] = name
    pos = e + 1
  end
  parts[#parts + 1] = template:sub(pos)
  return parts
end

local function fill(parts, values, out)
  for i = 1, #parts do
    out[#out + 1] = (i % 2 == 1) and parts[i] or values[parts[i]]
  end
end

-- xorshift32 is a bijection on 32-bit integers: distinct inputs give distinct, well
-- spread outputs, so fingerprints are unique yet land all over the index like real hashes.
local function mix(x)
  for _ = 1, 2 do
    x = bit.bxor(x, bit.lshift(x, 13))
    x = bit.bxor(x, bit.rshift(x, 17))
    x = bit.bxor(x, bit.lshift(x, 5))
  end
  return x
end

function init(args)
  mode = args[1]
  if mode ~= "iris" and mode ~= "alertmanager" then
    error("first script argument must be iris or alertmanager, got " .. tostring(mode))
  end
  rules = {}
  for _, r in ipairs(dofile(args[2])) do
    rules[#rules + 1] = {
      alert = compile(mode == "iris" and r.webhook_alert or r.am_alert),
      head = compile(r.head),
      tail = compile(r.tail),
    }
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if mode == "iris" then
    wrk.headers["Authorization"] = "Bearer " .. args[3]
  end
end

function request()
  counter = counter + 1
  -- Alertmanager groups by alertname: one request = one rule firing on 100 hosts.
  local rule = rules[(counter + id) % #rules + 1]
  -- Alertmanager rejects a startsAt in the future; a minute back is safe with clock skew.
  local values = { DC = "dc" .. id, TS = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 60) }
  local out = {}
  if mode == "iris" then fill(rule.head, values, out) else out[1] = "[" end
  for i = 0, ALERTS_PER_REQUEST - 1 do
    local n = (counter - 1) * ALERTS_PER_REQUEST + i
    values.INST = string.format("host-%03d", n)
    -- Low half is unique per thread; the high half differs between threads for one n.
    values.FP = bit.tohex(mix(bit.bxor(n, id * 0x5bd1e995))) .. bit.tohex(mix(n))
    if i > 0 then out[#out + 1] = "," end
    fill(rule.alert, values, out)
  end
  if mode == "iris" then fill(rule.tail, values, out) else out[#out + 1] = "]" end
  return wrk.format(nil, nil, nil, table.concat(out))
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if sample == nil then
      sample = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, nil
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    first = first or thread:get("sample")
  end
  local e = summary.errors
  if first then
    io.write("BENCH_SAMPLE first non-2xx response: ", first, "\n")
  end
  io.write(string.format(
    "BENCH_RESULT requests=%d non2xx=%d socket_errors=%d slow=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, bad, e.connect + e.read + e.write, e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max))
end
