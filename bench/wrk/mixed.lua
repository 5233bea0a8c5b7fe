-- Dashboard reads while ratings are posted: each connection GETs
-- TARGET_PATH and, every WRITE_EVERY-th request, posts a rated update to
-- ACTION_ID instead (without If-Match, so writers never refuse each other),
-- all with TOKEN, whose organisation leads the action.
local path = os.getenv("TARGET_PATH")
local action = os.getenv("ACTION_ID")
local every = tonumber(os.getenv("WRITE_EVERY") or "50")
local auth = "Bearer " .. os.getenv("TOKEN")
local n = 0
bad = 0
writes = 0

function request()
  n = n + 1
  if n % every == 0 then
    writes = writes + 1
    local body = string.format('{"rag":"%s","commentary":"benchmark report %d","progress":"steady"}',
      (n % 3 == 0) and "amber" or "green", n)
    return wrk.format("POST", "/api/v1/actions/" .. action .. "/updates",
      { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format("GET", path, { ["Authorization"] = auth })
end

function response(status)
  if status ~= 200 and status ~= 201 then bad = bad + 1 end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done()
  local total, posted = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
    posted = posted + t:get("writes")
  end
  io.write(string.format("non-20x responses: %d\n", total))
  io.write(string.format("ratings posted: %d\n", posted))
end
