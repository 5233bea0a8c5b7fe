-- POST a rated progress update with If-Match. Each thread (one connection
-- each) writes to its own action, whose id, current version and rater's token
-- come from the file ACTIONS_FILE ("id version token" per line), and counts
-- the version on.
local lines = {}
for line in io.lines(os.getenv("ACTIONS_FILE")) do table.insert(lines, line) end
local threads = {}
local next_line = 0

function setup(thread)
  next_line = next_line + 1
  local id, version, token = lines[next_line]:match("(%S+)%s+(%d+)%s+(%S+)")
  thread:set("action", id)
  thread:set("version", tonumber(version))
  thread:set("token", token)
  thread:set("bad", 0)
  table.insert(threads, thread)
end

local n = 0
function request()
  n = n + 1
  local rag = (n % 3 == 0) and "amber" or "green"
  local body = string.format('{"rag":"%s","commentary":"benchmark report %d","progress":"steady"}', rag, n)
  return wrk.format("POST", "/api/v1/actions/" .. action .. "/updates", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = '"' .. version .. '"',
  }, body)
end

function response(status)
  if status == 201 then version = version + 1 else bad = bad + 1 end
end

function done()
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("non-201 responses: %d\n", total))
end
