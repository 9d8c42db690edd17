-- POST /v1/events with 1000-event batches over keep-alive connections. Each request carries new
-- event_ids (thread, request counter, index) so that every event is accepted, not a duplicate.
local common = dofile("bench/wrk_common.lua")
local now = os.getenv("BENCH_EVENT_TIME") or "2026-11-28T10:00:00Z"
local tenant = os.getenv("BENCH_TENANT") or "bench"
local thread_counter = 0

function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("tid", thread_counter)
end

local sent = 0
local types = {"view", "view", "view", "click", "add_to_cart", "purchase"}

function request()
  sent = sent + 1
  local parts = {}
  for i = 1, 1000 do
    local n = sent * 1000 + i
    parts[i] = string.format(
      '{"event_id":"b%d-%d-%d","occurred_at":"%s","user_id":"u%d","session_id":"s%d",' ..
      '"event_type":"%s","item_id":"item-%d","surface":"home"}',
      tid, sent, i, now, (n * 7919) % 1000000, (n * 7919) % 1000000, types[(n % 6) + 1],
      (n * 104729) % 100000)
  end
  local body = '{"events":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/v1/events", {["Content-Type"] = "application/json",
    ["X-Dev-User-Id"] = "bench", ["X-Dev-Org-Id"] = tenant}, body)
end
