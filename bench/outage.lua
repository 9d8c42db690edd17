-- wrk script for scripts/outage-drill: /v1/recommend for the demo tenant, each request with its own
-- X-Request-Id; the ids answered 200 go to OUTAGE_IDS_DIR/ids-<thread>.txt (one per line) so that
-- the drill can check each of them reached exposure_events exactly once.
local ids_dir = os.getenv("OUTAGE_IDS_DIR") or "."
local threads = 0
local ids_file

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  ids_file = io.open(ids_dir .. "/ids-" .. tid .. ".txt", "w")
  ids_file:setvbuf("line")
end

local function uuid4()
  return string.format("%08x-%04x-4%03x-%04x-%06x%06x", math.random(0, 0xffffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
    math.random(0, 0xffffff), math.random(0, 0xffffff))
end

local users = 0
function request()
  users = users + 1
  return wrk.format("POST", "/v1/recommend", {
    ["Content-Type"] = "application/json",
    ["X-Dev-User-Id"] = "drill",
    ["X-Dev-Org-Id"] = "demo",
    ["X-Request-Id"] = uuid4(),
  }, string.format('{"surface": "home", "k": 10, "user": {"user_id": "u%d"}}', users % 5000))
end

function response(status, headers, body)
  if status == 200 then ids_file:write(headers["X-Request-Id"], "\n") end
end

dofile("bench/wrk_common.lua")
