-- GET one path with a bearer token: TARGET_PATH and TOKEN from the environment.
local path = os.getenv("TARGET_PATH")
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN") }
bad = 0

function request()
  return wrk.format("GET", path, headers)
end

function response(status)
  if status ~= 200 then bad = bad + 1 end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done()
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("non-200 responses: %d\n", total))
end
