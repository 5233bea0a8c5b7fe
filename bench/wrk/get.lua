-- GET one path as a client of the API (a bearer token: TOKEN) or as a
-- browser (a session cookie: COOKIE), with TARGET_PATH from the environment.
local path = os.getenv("TARGET_PATH")
local headers = {}
if os.getenv("COOKIE") then
  headers["Cookie"] = os.getenv("COOKIE")
  headers["Accept"] = "text/html"
else
  headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end
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
