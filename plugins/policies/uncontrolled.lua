-- uncontrolled: every plugged-in vehicle asks for the most it may draw (max_kw), as if no
-- charge management existed. The core scales the requests down proportionally when the site
-- limit would be exceeded. This is the baseline to compare smarter policies against.
-- To adapt: cap each request, e.g. `math.min(kw, params.cap_kw)`, to model a fixed derating.
return twin.policy {
  name = "uncontrolled",
  version = "1.0.0",
  api = "1",
  description = "Everyone at max_kw; the core shares the site limit proportionally.",
  params = {},
  allocate = function(ctx, params)
    return twin.alloc.uncontrolled(ctx)
  end,
}
