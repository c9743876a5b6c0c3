-- A syntax error on line 2 is reported with file and line too.
local x = = 1
