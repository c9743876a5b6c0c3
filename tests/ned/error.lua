-- An error on line 3 must be reported as rom/error.lua:3.
local greet = nil
greet("world")
print("not reached")
