// TwinLua: see DESIGN.md
