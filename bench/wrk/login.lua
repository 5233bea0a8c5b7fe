-- POST the sign-in of EMAIL with PASSWORD.
local body = string.format('{"email":"%s","password":"%s"}', os.getenv("EMAIL"), os.getenv("PASSWORD"))
local headers = { ["Content-Type"] = "application/json" }
bad = 0
local threads = {}

function setup(thread) table.insert(threads, thread) end

function request()
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end

function response(status)
  if status ~= 200 then bad = bad + 1 end
end

function done()
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("non-200 responses: %d\n", total))
end
