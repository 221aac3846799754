// LuaHost: see DESIGN.md
