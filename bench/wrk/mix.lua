-- A board's working mix, per connection: members open their work, read
-- actions and their updates, the chair opens the dashboard and the list,
-- and one request in fourteen posts a rated update (with If-Match, counting
-- the version on). Each thread (one connection each) is one member, on its
-- own action: "id version token" per line of ACTIONS_FILE; STRATEGY names
-- the strategy.
local lines = {}
for line in io.lines(os.getenv("ACTIONS_FILE")) do table.insert(lines, line) end
local strategy = os.getenv("STRATEGY")
local threads = {}
local next_line = 0

function setup(thread)
  next_line = next_line + 1
  local id, version, token = lines[next_line]:match("(%S+)%s+(%d+)%s+(%S+)")
  thread:set("action", id)
  thread:set("version", tonumber(version))
  thread:set("token", token)
  thread:set("strategy", strategy)
  thread:set("bad", 0)
  thread:set("posts", 0)
  table.insert(threads, thread)
end

-- What each of fourteen requests in turn is.
local mix = {
  "portfolio", "action", "updates", "list", "action", "dashboard", "portfolio",
  "action", "updates", "dashboard", "action", "list", "portfolio", "post",
}
local n = 0
local last = nil

function request()
  n = n + 1
  last = mix[(n - 1) % #mix + 1]
  local auth = { ["Authorization"] = "Bearer " .. token }
  if last == "portfolio" then
    return wrk.format("GET", "/api/v1/me/portfolio", auth)
  elseif last == "action" then
    return wrk.format("GET", "/api/v1/actions/" .. action, auth)
  elseif last == "updates" then
    return wrk.format("GET", "/api/v1/actions/" .. action .. "/updates?limit=20", auth)
  elseif last == "list" then
    return wrk.format("GET", "/api/v1/actions?strategy_id=" .. strategy .. "&limit=100&include=latest_update", auth)
  elseif last == "dashboard" then
    return wrk.format("GET", "/api/v1/strategies/" .. strategy .. "/dashboard", auth)
  end
  local body = string.format('{"rag":"%s","commentary":"capacity report %d","progress":"steady"}',
    (n % 3 == 0) and "amber" or "green", n)
  return wrk.format("POST", "/api/v1/actions/" .. action .. "/updates", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["If-Match"] = '"' .. version .. '"',
  }, body)
end

function response(status)
  if last == "post" then
    if status == 201 then
      version = version + 1
      posts = posts + 1
    else
      bad = bad + 1
    end
  elseif status ~= 200 then
    bad = bad + 1
  end
end

function done()
  local total, written = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
    written = written + t:get("posts")
  end
  io.write(string.format("unexpected responses: %d\nupdates posted: %d\n", total, written))
end
