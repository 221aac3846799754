import Foundation
import LuaHost

/// The three plugin kinds, each with its folder.
public enum PluginKind: String, CaseIterable, Sendable {
    case policy, behaviour, formatter
    public var folder: String {
        switch self {
        case .policy: return "policies"
        case .behaviour: return "behaviours"
        case .formatter: return "formatters"
        }
    }
}

/// A typed plugin parameter from a manifest.
public struct PluginParam: Equatable {
    public enum ParamType: String, Sendable { case number, integer, boolean, string }
    public var name: String
    public var type: ParamType
    public var defaultValue: LuaValue
    public var unit: String?
    public var help: String?

    /// Parses `text` (from `--set`) by the declared type.
    public func parse(_ text: String) throws -> LuaValue {
        switch type {
        case .number:
            guard let d = Double(text.trimmingCharacters(in: .whitespaces)), d.isFinite else {
                throw PluginError("parameter '\(name)' expects a number, got '\(text)'")
            }
            return .number(d)
        case .integer:
            guard let i = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw PluginError("parameter '\(name)' expects an integer, got '\(text)'")
            }
            return .integer(i)
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: throw PluginError("parameter '\(name)' expects true or false, got '\(text)'")
            }
        case .string: return .string(text)
        }
    }

    /// Checks a value given from a script (`params = { ["llf.x"] = 8 }`) against the type.
    public func coerce(_ value: LuaValue) throws -> LuaValue {
        switch (type, value) {
        case (.number, .number), (.number, .integer): return .number(value.doubleValue!)
        case (.integer, _) where value.integerValue != nil: return .integer(value.integerValue!)
        case (.boolean, .bool), (.string, .string): return value
        case (_, .string(let s)): return try parse(s)
        default: throw PluginError("parameter '\(name)' expects a \(type.rawValue), got \(value)")
        }
    }
}

/// One discovered plugin (its manifest; hooks are loaded when a run needs them).
public struct PluginEntry {
    public var name: String
    public var kind: PluginKind
    public var version: String
    public var api: String
    public var description: String
    public var params: [PluginParam]
    /// Other plugins (name -> version constraint) or host features the plugin needs.
    public var requires: [String: String]
    /// Absolute path of the plugin file.
    public var path: String
    /// The plugin root folder (e.g. `/repo/plugins`).
    public var root: String
    /// `@plugins/policies/llf.lua`: the path relative to the root's parent.
    public var chunkName: String
    public var mediaType: String?
    public var fileExtension: String?
    /// A policy's `requests_beyond_battery = true`: where a session list asks for more than a
    /// battery holds, the policy sees such a session by its request, as ACN-Sim's algorithms do
    /// (`ChargingPolicy.seesRequestsBeyondBattery`).
    public var seesRequestsBeyondBattery = false

    /// The path as messages show it (`plugins/policies/llf.lua`).
    public var displayPath: String { String(chunkName.dropFirst()) }

    public func param(_ name: String) -> PluginParam? { params.first { $0.name == name } }

    /// Default parameter values as a Lua table.
    public var defaultParams: [String: LuaValue] {
        var d: [String: LuaValue] = [:]
        for p in params { d[p.name] = p.defaultValue }
        return d
    }
}

/// A plugin problem (bad manifest, unknown name, bad parameter); the message names the file.
public struct PluginError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Finds plugins in the roots in order and reads their manifests (top level only, sandboxed).
public final class PluginRegistry {
    /// Plugin roots in discovery order (later ones override earlier ones by name).
    public let roots: [String]
    /// The stdlib folder (containing `twin/*.lua`).
    public let stdlibDirectory: String
    /// Every plugin by name (the winning one after overrides).
    public private(set) var entries: [String: PluginEntry] = [:]
    /// Notes from discovery (overrides).
    public private(set) var notes: [String] = []

    /// Discovers and validates every plugin. Throws the first bad plugin's error (naming the file).
    /// Folder notes are relative to (`./plugins`).
    public let workingDirectory: String

    public init(roots: [String], stdlibDirectory: String, workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        self.roots = roots
        self.workingDirectory = PluginRegistry.absolute(workingDirectory)
        self.stdlibDirectory = stdlibDirectory
        try reload()
    }

    /// All plugins sorted by kind then name.
    public var all: [PluginEntry] {
        entries.values.sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
    }

    public func plugin(_ name: String) -> PluginEntry? { entries[name] }

    public func plugin(_ name: String, kind: PluginKind) throws -> PluginEntry {
        guard let e = entries[name], e.kind == kind else {
            let valid = all.filter { $0.kind == kind }.map(\.name).joined(separator: ", ")
            throw PluginError("unknown \(kind.rawValue) '\(name)' (available: \(valid))")
        }
        return e
    }

    /// Files of one root in deterministic order: (kind, file path).
    static func pluginFiles(root: String) -> [(PluginKind, String)] {
        let fm = FileManager.default
        var out: [(PluginKind, String)] = []
        for kind in PluginKind.allCases {
            let dir = (root as NSString).appendingPathComponent(kind.folder)
            guard let items = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            for item in items.sorted() {
                let full = (dir as NSString).appendingPathComponent(item)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: full, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    let initFile = (full as NSString).appendingPathComponent("init.lua")
                    if fm.fileExists(atPath: initFile) { out.append((kind, initFile)) }
                } else if item.hasSuffix(".lua") {
                    out.append((kind, full))
                }
            }
        }
        return out
    }

    /// Re-reads every root.
    public func reload() throws {
        var found: [String: PluginEntry] = [:]
        var notes: [String] = []
        let reader = try ManifestReader(stdlibDirectory: stdlibDirectory)
        for root in roots {
            for (kind, file) in Self.pluginFiles(root: root) {
                let entry = try reader.read(file: file, kind: kind, root: root)
                if let previous = found[entry.name] {
                    notes.append("plugin '\(entry.name)' from \(Self.relative(root, to: workingDirectory)) overrides \(previous.displayPath)")
                }
                found[entry.name] = entry
            }
        }
        notes.append(contentsOf: reader.notes)
        // Requirements are checked once every plugin is known.
        for entry in found.values.sorted(by: { $0.path < $1.path }) {
            for (name, constraint) in entry.requires.sorted(by: { $0.key < $1.key }) {
                if name.hasPrefix("host.") || name.hasPrefix("twin.") || name.hasPrefix("out.") { continue }
                guard let other = found[name] else {
                    throw PluginError("\(entry.displayPath): requires plugin '\(name)', which is not installed")
                }
                guard Self.satisfies(other.version, constraint) else {
                    throw PluginError("\(entry.displayPath): requires '\(name)' \(constraint), found version \(other.version)")
                }
            }
        }
        entries = found
        self.notes = notes
    }

    /// Reads and validates one plugin file without registering it (for `twin check`).
    public func check(file: String) throws -> PluginEntry {
        let abs = Self.absolute(file)
        let parent = (abs as NSString).deletingLastPathComponent
        var folder = (parent as NSString).lastPathComponent
        var root = (parent as NSString).deletingLastPathComponent
        if (abs as NSString).lastPathComponent == "init.lua" {
            folder = ((parent as NSString).deletingLastPathComponent as NSString).lastPathComponent
            root = ((parent as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        }
        guard let kind = PluginKind.allCases.first(where: { $0.folder == folder }) else {
            throw PluginError("\(file): a plugin must be in a policies/, behaviours/ or formatters/ folder")
        }
        return try ManifestReader(stdlibDirectory: stdlibDirectory).read(file: abs, kind: kind, root: root)
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// A root as notes show it: relative to the working directory when inside it.
    static func relative(_ path: String, to cwd: String) -> String {
        if path == cwd { return "." }
        if path.hasPrefix(cwd + "/") { return "./" + path.dropFirst(cwd.count + 1) }
        return path
    }

    /// Version constraint check: ">=1.2", ">1", "<2", "=1.0.0", "1.0.0", "^1.2", "*".
    static func satisfies(_ version: String, _ constraint: String) -> Bool {
        let c = constraint.trimmingCharacters(in: .whitespaces)
        if c.isEmpty || c == "*" { return true }
        func parts(_ s: String) -> [Int] { s.split(separator: ".").map { Int($0.filter(\.isNumber)) ?? 0 } }
        func compare(_ a: [Int], _ b: [Int]) -> Int {
            for i in 0..<max(a.count, b.count) {
                let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
                if x != y { return x < y ? -1 : 1 }
            }
            return 0
        }
        let v = parts(version)
        for op in [">=", "<=", ">", "<", "=", "^"] where c.hasPrefix(op) {
            let w = parts(String(c.dropFirst(op.count)))
            let r = compare(v, w)
            switch op {
            case ">=": return r >= 0
            case "<=": return r <= 0
            case ">": return r > 0
            case "<": return r < 0
            case "=": return r == 0
            default: return r >= 0 && v.first == w.first
            }
        }
        return compare(v, parts(c)) == 0
    }
}

/// Reads manifests in a fresh, limited plugin state.
final class ManifestReader {
    let host: PluginHost
    /// Things worth telling the author that do not stop the plugin (a misspelt hook name).
    private(set) var notes: [String] = []

    init(stdlibDirectory: String) throws {
        host = try PluginHost(stdlibDirectory: stdlibDirectory, notes: { _ in }, instructionLimit: 10_000_000,
                              memoryLimit: 64 << 20)
    }

    func read(file: String, kind: PluginKind, root: String) throws -> PluginEntry {
        let chunkName = "@" + PluginHost.chunkPath(file: file, root: root)
        let display = String(chunkName.dropFirst())
        let (table, madeAs) = try host.loadPlugin(file: file, chunkName: chunkName, name: display)
        guard let madeAs else {
            throw PluginError("\(display): must return a table made by twin.\(kind.rawValue){...}")
        }
        guard madeAs == kind.rawValue else {
            throw PluginError("\(display): is in \(kind.folder)/ but was made by twin.\(madeAs){...}; use twin.\(kind.rawValue){...}")
        }
        return try Self.entry(from: host.state.value(of: table).tableValue ?? LuaTable(), kind: kind, file: file,
                              root: root, chunkName: chunkName, notes: &notes)
    }

    static func entry(from t: LuaTable, kind: PluginKind, file: String, root: String, chunkName: String,
                      notes: inout [String]) throws -> PluginEntry {
        let display = String(chunkName.dropFirst())
        func fail(_ m: String) -> PluginError { PluginError("\(display): \(m)") }
        guard let name = t["name"].stringValue, !name.isEmpty else { throw fail("manifest field 'name' is missing (give the plugin a name)") }
        // The documented form: `--set NAME.param=v` splits at the dot, and --policy takes one word.
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw fail("name '\(name)' must be snake_case: lowercase letters, digits and _, starting with a letter (--policy, --set NAME.param and twin.run use it)")
        }
        guard let version = t["version"].stringValue, !version.isEmpty else { throw fail("manifest field 'version' is missing (e.g. version = \"1.0.0\")") }
        guard let api = t["api"].stringValue ?? t["api"].integerValue.map(String.init) else {
            throw fail("manifest field 'api' is missing (use api = \"1\")")
        }
        guard api == "1" else { throw fail("api \"\(api)\" is not supported by this host (use api = \"1\")") }
        var params: [PluginParam] = []
        switch t["params"] {
        case .nil: break
        case .table(let pt):
            if !pt.array.isEmpty { throw fail("params must be a table keyed by parameter name") }
            for (pname, spec) in pt.fields.sorted(by: { $0.key < $1.key }) {
                guard let s = spec.tableValue else { throw fail("params.\(pname) must be a table { type =, default = }") }
                guard let tn = s["type"].stringValue else { throw fail("params.\(pname).type is missing (number, integer, boolean or string)") }
                guard let type = PluginParam.ParamType(rawValue: tn) else {
                    throw fail("params.\(pname).type '\(tn)' is not one of number, integer, boolean, string")
                }
                let d = s["default"]
                if d == .nil { throw fail("params.\(pname).default is missing") }
                let ok: Bool
                switch type {
                case .number: ok = d.doubleValue != nil
                case .integer: ok = d.integerValue != nil
                case .boolean: if case .bool = d { ok = true } else { ok = false }
                case .string: ok = d.stringValue != nil
                }
                if !ok { throw fail("params.\(pname).default \(d) is not a \(type.rawValue)") }
                let value: LuaValue = type == .number ? .number(d.doubleValue!) : type == .integer ? .integer(d.integerValue!) : d
                params.append(PluginParam(name: pname, type: type, defaultValue: value, unit: s["unit"].stringValue,
                                          help: s["help"].stringValue))
            }
        default: throw fail("params must be a table")
        }
        var requires: [String: String] = [:]
        switch t["requires"] {
        case .nil: break
        case .table(let rt):
            for v in rt.array { if let n = v.stringValue { requires[n] = "*" } }
            for (k, v) in rt.fields { requires[k] = v.stringValue ?? "*" }
        default: throw fail("requires must be a table { name = \"version\" }")
        }
        let hook: String
        switch kind {
        case .policy: hook = "allocate"
        case .formatter: hook = "write"
        case .behaviour: hook = ""
        }
        if !hook.isEmpty {
            guard case .function = t[hook] else { throw fail("\(hook) must be a function") }
        } else {
            let hooks = ["on_arrival", "on_block_start", "precondition", "on_tick"]
            for h in hooks {
                switch t[h] {
                case .nil, .function: break
                default: throw fail("\(h) must be a function")
                }
            }
            // A misspelt hook (`on_arrive`, `onTick`) would never be called, without a word.
            let list = "hooks: " + hooks.joined(separator: ", ")
            for key in t.fields.keys.sorted() where !hooks.contains(key) {
                guard case .function = t[key] else { continue }
                let lower = key.lowercased()
                if lower.hasPrefix("on") || lower.contains("precondition") {
                    notes.append("\(display): '\(key)' is not a behaviour hook and is never called (\(list))")
                }
            }
            if !hooks.contains(where: { t[$0] != .nil }) {
                notes.append("\(display): behaviour '\(name)' defines no hook, so it never changes anything (\(list))")
            }
        }
        var entry = PluginEntry(name: name, kind: kind, version: version, api: api,
                                description: t["description"].stringValue ?? "", params: params, requires: requires,
                                path: file, root: root, chunkName: chunkName, mediaType: t["media_type"].stringValue,
                                fileExtension: t["extension"].stringValue)
        switch t["requests_beyond_battery"] {
        case .nil: break
        case .bool(let b) where kind == .policy: entry.seesRequestsBeyondBattery = b
        case .bool: throw fail("requests_beyond_battery is a policy's field (remove it)")
        default: throw fail("requests_beyond_battery must be true or false")
        }
        return entry
    }
}
