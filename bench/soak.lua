-- wrk script for scripts/soak: /v1/recommend for the demo tenant over 5000 users, a quarter of the
-- requests with anchors. WRK_DELAY_MS paces each connection (80 % of the measured maximum).
local users = 0
function request()
  users = users + 1
  local extra = ""
  if users % 4 == 0 then
    extra = string.format(', "anchors": {"item_ids": ["item-%04d"]}', users % 300 + 1)
  end
  return wrk.format("POST", "/v1/recommend", {
    ["Content-Type"] = "application/json",
    ["X-Dev-User-Id"] = "soak",
    ["X-Dev-Org-Id"] = "demo",
  }, string.format('{"surface": "home", "k": 10, "user": {"user_id": "u%d"}%s}', users % 5000, extra))
end

dofile("bench/wrk_common.lua")
