// TwinCLI: see DESIGN.md
