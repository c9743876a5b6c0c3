-- Test helper for ned scripts (require "check"): check(cond, what) prints
-- "ok - what" or "not ok - what"; done() prints PASSED or FAILED and
-- returns the exit code for the script to return.
local M = { failed = false }

function M.check(cond, what)
  if cond then
    print("ok - " .. what)
  else
    print("not ok - " .. what)
    M.failed = true
  end
end

function M.done()
  print(M.failed and "FAILED" or "PASSED")
  return M.failed and 1 or 0
end

return M
