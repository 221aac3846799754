import Testing
@testable import LuaHost

final class Vehicle {
    let id: String
    var soc: Double
    var charged = 0.0
    init(id: String, soc: Double) {
        self.id = id
        self.soc = soc
    }
}

func vehicleClass() -> LuaClass<Vehicle> {
    LuaClass<Vehicle>("vehicle")
        .property("id") { $0.id }
        .property("soc", get: { $0.soc }, set: { v, x in
            guard (0...1).contains(x) else { throw LuaScriptError("soc must be within 0...1") }
            v.soc = x
        })
        .method("charge") { v, args in
            v.charged += try args.number(at: 2)
            args.push(v.charged)
        }
        .tostring { "vehicle \($0.id) (\(Int($0.soc * 100))%)" }
        .equality { $0.id == $1.id }
}

@Suite struct LuaClassTests {
    @Test func propertiesMethodsTostringEq() throws {
        let lua = try LuaState()
        lua.register(vehicleClass())
        let bus = Vehicle(id: "B1", soc: 0.5)
        lua.setGlobal("bus", lua.value(of: bus))
        lua.setGlobal("twin", lua.value(of: Vehicle(id: "B1", soc: 0.1)))
        lua.setGlobal("other", lua.value(of: Vehicle(id: "B2", soc: 0.1)))
        let r = try lua.run("""
            bus.soc = 0.75
            return bus.id, bus.soc, bus:charge(10), bus:charge(5), tostring(bus), bus == twin, bus == other,
                   bus.nope, getmetatable(bus)
            """)
        #expect(r == [.string("B1"), .number(0.75), .number(10), .number(15), .string("vehicle B1 (75%)"),
                      .bool(true), .bool(false), .nil, .bool(false)])
        #expect(bus.soc == 0.75)
        #expect(bus.charged == 15)
    }

    @Test func sameObjectSameUserdata() throws {
        let lua = try LuaState()
        lua.register(vehicleClass())
        let bus = Vehicle(id: "B1", soc: 0.5)
        lua.register("get") { $0.push(object: bus) }
        #expect(try lua.run("return rawequal(get(), get())") == [.bool(true)])
    }

    @Test func setterAndMethodErrors() throws {
        let lua = try LuaState()
        lua.register(vehicleClass())
        lua.setGlobal("bus", lua.value(of: Vehicle(id: "B1", soc: 0.5)))
        let e1 = #expect(throws: LuaError.self) { try lua.run("bus.soc = 'full'", chunkName: "@s.lua") }
        #expect(e1?.message == "s.lua:1: bad value for field 'soc' of vehicle (number expected, got string)")
        let e2 = #expect(throws: LuaError.self) { try lua.run("bus.id = 'x'", chunkName: "@s.lua") }
        #expect(e2?.message == "s.lua:1: cannot set field 'id' of vehicle (no such writable field)")
        let e3 = #expect(throws: LuaError.self) { try lua.run("bus.soc = 2", chunkName: "@s.lua") }
        #expect(e3?.message == "s.lua:1: soc must be within 0...1")
        let e4 = #expect(throws: LuaError.self) { try lua.run("bus:charge('x')", chunkName: "@s.lua") }
        #expect(e4?.message == "s.lua:1: bad argument #1 to 'charge' (number expected, got string)")
        let e5 = #expect(throws: LuaError.self) { try lua.run("bus.charge({}, 1)", chunkName: "@s.lua") }
        #expect(e5?.message == "s.lua:1: bad argument #1 to 'charge' (vehicle expected, got table)")
    }

    @Test func invalidatedObjectGivesClearError() throws {
        let lua = try LuaState()
        lua.register(vehicleClass())
        weak var weakBus: Vehicle?
        do {
            let bus = Vehicle(id: "B9", soc: 0.5)
            weakBus = bus
            lua.setGlobal("bus", lua.value(of: bus))
            lua.invalidate(bus)
        }
        #expect(weakBus == nil)  // released by invalidate even though Lua still holds the userdata
        let e = #expect(throws: LuaError.self) { try lua.run("return bus:charge(1)", chunkName: "@i.lua") }
        #expect(e?.message == "i.lua:1: vehicle object is no longer valid (released by the host)")
        let e2 = #expect(throws: LuaError.self) { try lua.run("return bus.soc", chunkName: "@i.lua") }
        #expect(e2?.message == "i.lua:1: vehicle object is no longer valid (released by the host)")
        #expect(try lua.run("return tostring(bus)") == [.string("vehicle (released)")])
    }

    @Test func gcReleasesSwiftObject() throws {
        let lua = try LuaState()
        lua.register(vehicleClass())
        weak var weakBus: Vehicle?
        do {
            let bus = Vehicle(id: "B3", soc: 0.5)
            weakBus = bus
            lua.setGlobal("bus", lua.value(of: bus))
        }
        #expect(weakBus != nil)
        try lua.run("collectgarbage()")
        #expect(weakBus != nil)  // still referenced by the global
        try lua.run("bus = nil collectgarbage() collectgarbage()")
        #expect(weakBus == nil)
    }

    @Test func closingStateReleasesObjects() throws {
        weak var weakBus: Vehicle?
        do {
            let lua = try LuaState()
            lua.register(vehicleClass())
            let bus = Vehicle(id: "B4", soc: 0.5)
            weakBus = bus
            lua.setGlobal("bus", lua.value(of: bus))
        }
        #expect(weakBus == nil)
    }

    @Test func argumentsCanBeObjects() throws {
        let lua = try LuaState()
        lua.register(vehicleClass())
        lua.register("soc_of") { args in args.push(try args.object(at: 1, as: Vehicle.self).soc) }
        lua.setGlobal("bus", lua.value(of: Vehicle(id: "B1", soc: 0.25)))
        #expect(try lua.run("return soc_of(bus)") == [.number(0.25)])
        let e = #expect(throws: LuaError.self) { try lua.run("return soc_of(io.stdout)", chunkName: "@a.lua") }
        #expect(e?.message == "a.lua:1: bad argument #1 to 'soc_of' (vehicle expected, got userdata)")
        #expect(lua.keys(of: lua.global("bus")) == ["charge", "id", "soc"])
    }
}
