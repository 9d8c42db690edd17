-- wrk script: a realistic /v1/recommend mix for the benchmark tenant.
--   popularity-only 40 %, 1-5 anchors 30 %, tag constraints 20 %, 100 excluded ids 10 %; k 10..50.
-- Set WRK_DELAY_MS (env) to pace each connection (for the half-load run). Run from the repo root.
local items = tonumber(os.getenv("BENCH_ITEMS") or "1000000")
local bodies = {}

local function item(n) return string.format('"item-%07d"', n) end
local function zipfish() return math.floor(math.exp(math.random() * math.log(items))) end

local function body(i)
  local k = 10 + (i % 41)
  local user = string.format('{"user_id": "user-%d"}', i)
  local kind = i % 10
  local extra = ""
  if kind < 4 then
    extra = ""
  elseif kind < 7 then
    local anchors = {}
    for a = 1, 1 + (i % 5) do anchors[a] = item(zipfish()) end
    extra = ', "anchors": {"item_ids": [' .. table.concat(anchors, ",") .. ']}'
  elseif kind < 9 then
    extra = string.format(', "constraints": {"required_tags": ["category:c%03d"], "forbidden_tags": ["brand:b%03d"]}',
                          i % 200, i % 300)
  else
    local ex = {}
    for e = 1, 100 do ex[e] = item(zipfish()) end
    extra = ', "candidates": {"exclude_ids": [' .. table.concat(ex, ",") .. ']}'
  end
  return string.format('{"surface": "home", "k": %d, "user": %s%s}', k, user, extra)
end

function init(args)
  math.randomseed(12345)
  for i = 1, 1000 do bodies[i] = body(i) end
end

local counter = 0
function request()
  counter = counter + 1
  local b = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/v1/recommend", {
    ["Content-Type"] = "application/json",
    ["X-Dev-User-Id"] = "bench",
    ["X-Dev-Org-Id"] = "bench",
  }, b)
end

dofile("bench/wrk_common.lua")
