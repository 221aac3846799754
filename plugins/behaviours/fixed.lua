-- fixed: every block is driven by its scheduled vehicle (returning nil keeps the schedule).
-- This is the default; it exists so that a scenario can name it explicitly.
-- To adapt: return another id for some blocks, e.g. a spare vehicle for long blocks.
return twin.behaviour {
  name = "fixed",
  version = "1.0.0",
  api = "1",
  description = "Blocks are driven by their scheduled vehicle.",
  params = {},
  on_block_start = function(ctx, params)
    return nil
  end,
}
