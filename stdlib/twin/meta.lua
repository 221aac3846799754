---@meta
--- LuaLS annotations for the `twin` host API (docs/plugin-contract.md). Not loaded at run time:
--- point LuaLS at stdlib/ (workspace.library) to get completion and type checks in plugins.

---@class twin.Param
---@field type "number"|"integer"|"string"|"boolean"
---@field default any
---@field unit? string e.g. "kW", "min", "C"
---@field help? string one line shown by the CLI

---@class twin.Manifest
---@field name string unique plugin name (snake_case)
---@field version string semantic version of the plugin
---@field api "1" host API version the plugin is written against
---@field description string
---@field params? table<string, twin.Param>
---@field requires? table<string, string> other plugins or host features required

---@class twin.Session
---@field id string|integer
---@field vehicle_id string
---@field charger_id string
---@field arrival number UTC s
---@field departure number UTC s (next block start)
---@field soc number 0..1
---@field target_soc number 0..1
---@field energy_wanted_kwh number to the battery, still wanted
---@field max_kw number most it may draw now (charger, vehicle curve at this SOC)
---@field charger_max_kw number
---@field vehicle_max_kw number curve maximum at this SOC
---@field efficiency number battery receives efficiency x drawn
---@field capacity_kwh number
---@field cabinet_id? string

---@class twin.PolicyContext
---@field now number UTC s
---@field step_s number seconds until the next control tick
---@field site_limit_kw number
---@field base_kw number non-charging site load now
---@field headroom_kw number site_limit_kw - base_kw
---@field price number energy price now, per kWh
---@field price_at fun(t: number): number price at any UTC time
---@field start number run start, UTC s
---@field end number run end, UTC s (use ctx["end"])
---@field sessions twin.Session[]

---@class twin.Policy: twin.Manifest
---@field requests_beyond_battery? boolean see session-list requests beyond the battery as ACN-Sim does
---@field allocate fun(ctx: twin.PolicyContext, params: table): number[] kW aligned with ctx.sessions

---@class twin.VehicleView
---@field id string
---@field type string
---@field soc number
---@field departure? number next block start
---@field energy_kwh? number energy in the battery now
---@field plugged? boolean
---@field state? "on_route"|"arriving"|"queued"|"plugged"|"ready"
---@field charger_id? string the charger it is plugged into, or nil

---@class twin.FreeCharger
---@field id string
---@field max_kw number
---@field cabinet_id? string

---@class twin.Block
---@field id string
---@field vehicle_id string scheduled vehicle
---@field departure number
---@field arrival number
---@field distance_km number
---@field energy_estimate_kwh number

---@class twin.ArrivalContext
---@field now number
---@field vehicle twin.VehicleView
---@field free_chargers twin.FreeCharger[]

---@class twin.BlockStartContext
---@field now number
---@field block twin.Block
---@field candidates twin.VehicleView[]

---@class twin.PreconditionContext
---@field now number
---@field vehicle twin.VehicleView
---@field block twin.Block
---@field ambient_c number

---@class twin.TickContext reused from tick to tick (refreshed each tick): read, do not keep
---@field now number UTC s
---@field vehicles twin.VehicleView[] the plugged-in vehicles, in charger order

---@class twin.Behaviour: twin.Manifest
---@field on_arrival? fun(ctx: twin.ArrivalContext, params: table): string? charger id or nil (default)
---@field on_block_start? fun(ctx: twin.BlockStartContext, params: table): string? vehicle id or nil (scheduled)
---@field precondition? fun(ctx: twin.PreconditionContext, params: table): number lead time in seconds (0 = none)
---@field on_tick? fun(ctx: twin.TickContext, params: table)

---@class twin.ResultSummary
---@field energy_kwh number
---@field energy_to_batteries_kwh number
---@field requested_kwh number
---@field delivered_kwh number
---@field peak_kw number
---@field cost_energy number
---@field cost_demand number
---@field cost_total number
---@field unmet_vehicles integer
---@field missed_departures integer
---@field shortfall_kwh number
---@field min_soc number
---@field charger_utilisation number 0..1
---@field clamps integer

---@class twin.ResultSession
---@field id string|integer
---@field vehicle_id string
---@field charger_id string
---@field arrival number
---@field plug_in number
---@field charge_start? number
---@field charge_end? number
---@field unplug number
---@field departure number
---@field soc_in number
---@field soc_out number
---@field wanted_kwh number
---@field drawn_kwh number
---@field delivered_kwh number
---@field clamps integer

---@class twin.ResultVehicle
---@field id string
---@field type string
---@field soc_start number
---@field soc_end number
---@field soc_min number
---@field drawn_kwh number
---@field trip_energy_kwh number
---@field trips integer
---@field shortfall_kwh number
---@field below_reserve boolean|integer

---@class twin.ResultTrip
---@field vehicle_id string
---@field block_id string
---@field trip_id string
---@field route_id string
---@field departure number
---@field arrival number
---@field distance_km number
---@field ambient_c number
---@field energy_kwh number
---@field traction_kwh number
---@field hvac_kwh number
---@field climb_kwh number
---@field regen_kwh number
---@field soc_before number
---@field soc_after number
---@field shortfall_kwh number
---@field below_reserve boolean|integer

---@class twin.LoadSample piecewise constant from `time`
---@field time number
---@field chargers_kw number
---@field base_kw number
---@field site_kw number
---@field plugged integer

---@class twin.ResultEvent
---@field time number
---@field kind string arrival, queued, plug_in, power_change, target_reached, unplug, departure, trip_start, trip_end, missed_departure, below_reserve, precondition_start
---@field vehicle_id? string
---@field charger_id? string
---@field soc? number
---@field power_kw? number

---@class twin.Result
---@field scenario string
---@field policy string
---@field seed integer
---@field start number
---@field end number use result["end"]
---@field step_s number
---@field site_limit_kw number
---@field time_zone? string
---@field warnings string[]
---@field summary twin.ResultSummary
---@field sessions twin.ResultSession[]
---@field vehicles twin.ResultVehicle[]
---@field trips twin.ResultTrip[]
---@field load_profile twin.LoadSample[]
---@field events twin.ResultEvent[]

---@class twin.Output
---@field write fun(self: twin.Output, text: string) append text to the chosen output
---@field sibling? fun(self: twin.Output, suffix: string): twin.Output open `<base><suffix>` beside it (assumed, optional)

---@class twin.Formatter: twin.Manifest
---@field media_type? string e.g. "text/html"
---@field extension? string e.g. "html"
---@field write fun(result: twin.Result, out: twin.Output, params: table)


---@class twin
---@field alloc twin.alloc
twin = {}

--- Declare a policy plugin (returns its table for the host).
---@param def twin.Policy
---@return twin.Policy
function twin.policy(def) end

--- Declare a behaviour plugin.
---@param def twin.Behaviour
---@return twin.Behaviour
function twin.behaviour(def) end

--- Declare a formatter plugin.
---@param def twin.Formatter
---@return twin.Formatter
function twin.formatter(def) end

twin.alloc = {}

--- Serve sessions in ascending key order (ties keep ctx order), each the most it may within the
--- remaining headroom.
---@param ctx twin.PolicyContext
---@param key "arrival"|"departure"|"laxity"|fun(s: twin.Session): number
---@return number[]
function twin.alloc.sorted(ctx, key) end

--- Max-min fair share (water filling) of the headroom.
---@param ctx twin.PolicyContext
---@return number[]
function twin.alloc.fair_share(ctx) end

--- Each session the constant power that meets its energy exactly by departure.
---@param ctx twin.PolicyContext
---@return number[]
function twin.alloc.balanced(ctx) end

--- Each session its max_kw; the core then scales to the site limit.
---@param ctx twin.PolicyContext
---@return number[]
function twin.alloc.uncontrolled(ctx) end

-- Scenario-building API (REPL and scripts; shapes settle as TwinCore grows).

--- Define a vehicle type (battery, charging curve, consumption...). Returns the stored definition.
---@param def table
---@return table
function twin.vehicle_type(def) end

--- Define or load a scenario (depot, chargers, vehicles, blocks, tariff, site limit).
---@param def table|string definition table or path
---@return table scenario
function twin.scenario(def) end

--- Run a scenario with options (policy, behaviours, seed, step...) and return its result.
---@param scenario table
---@param opts? table
---@return twin.Result
function twin.run(scenario, opts) end

--- Create a steppable simulation of a scenario (for interactive use).
---@param scenario table
---@param opts? table
---@return table simulation
function twin.simulation(scenario, opts) end
