// TwinStore: see DESIGN.md
