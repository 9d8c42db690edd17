-- wrk script for the nginx static-JSON ceiling (GET of one file). Run from the repo root.
dofile("bench/wrk_common.lua")
