import Foundation
import LuaHost
import TwinCore

/// Formatter plugins writing results (in memory first; files appear only when complete).
extension Session {
    /// Runs a formatter on a result. With a path, writes atomically (temp file in the same folder,
    /// renamed on success), siblings likewise; without, returns the bytes.
    @discardableResult
    public func write(format: String, result: RunResult, to path: String? = nil, params: [String: LuaValue] = [:]) throws -> FormatterOutput {
        let entry: PluginEntry
        do { entry = try registry.plugin(format, kind: .formatter) } catch let e as PluginError { throw SessionError(e.message) }
        var typed = entry.defaultParams
        for (k, v) in params {
            let key = k.contains(".") ? k : "\(format).\(k)"
            let (_, param, value) = try typedParam(key, v, fromCommandLine: false)
            typed[param] = value
        }
        for (k, v) in options.paramOverrides where k.hasPrefix(format + ".") {
            let (_, param, value) = try typedParam(k, .string(v), fromCommandLine: true)
            typed[param] = value
        }
        let host = try PluginHost(stdlibDirectory: stdlibDirectory, notes: options.notes,
                                  instructionLimit: pluginInstructionLimit * 4, memoryLimit: pluginMemoryLimit)
        pluginCancellation = host.state.cancellation
        // Siblings only beside a file: text output has no `out.sibling`.
        let out: LuaOutput = path == nil ? LuaTextOutput() : LuaOutput()
        do {
            let plugin = try LoadedPlugin(entry: entry, host: host, params: typed)
            guard let writeFn = plugin.hook("write") else { throw SessionError("\(entry.displayPath): write must be a function") }
            let resultValue = ResultTable.value(result)
            let params = plugin.params
            try host.state.call(writeFn, pushing: { f in f.push(resultValue); f.push(object: out); f.push(params) }, reading: { _ in })
        } catch let e as LuaError {
            let e = pluginLocated(e, entry.displayPath) as? LuaError ?? e
            throw SessionError(e.message, traceback: e.traceback)
        } catch let e as PluginError {
            throw SessionError(e.message)
        }
        var siblings: [(String, [UInt8])] = []
        func collect(_ o: LuaOutput) { for s in o.siblings { siblings.append((s.suffix ?? "", s.buffer)); collect(s) } }
        collect(out)
        guard let path else {
            return FormatterOutput(data: out.buffer, path: nil, siblings: siblings.map { ($0.0, $0.1) }, mediaType: entry.mediaType)
        }
        var full = resolve(path)
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: full, isDirectory: &isFolder) && isFolder.boolValue) {
            // A folder: the file in it is named after the scenario, with the formatter's extension.
            full = (full as NSString).appendingPathComponent(Session.outputFileName(scenario: result.scenarioName,
                                                                                       extension: entry.fileExtension ?? format))
        }
        let base = ((full as NSString).deletingPathExtension)
        var writes: [(String, [UInt8])] = [(full, out.buffer)]
        for (suffix, data) in siblings { writes.append((base + suffix, data)) }
        try Session.atomicWrite(writes)
        return FormatterOutput(data: out.buffer, path: full, siblings: writes.dropFirst().map { ($0.0, $0.1) }, mediaType: entry.mediaType)
    }

    /// The file name used when an output path names a folder: the scenario name with every run of
    /// characters other than letters, digits, `-` and `_` made one `_` (`Depot Nord` -> `Depot_Nord`),
    /// `run` when nothing is left, then `.` and the formatter's extension.
    static func outputFileName(scenario: String, extension ext: String) -> String {
        var stem = ""
        for ch in scenario {
            if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "-" || ch == "_") { stem.append(ch) }
            else if !stem.hasSuffix("_") { stem.append("_") }
        }
        while stem.hasPrefix("_") { stem.removeFirst() }
        while stem.hasSuffix("_") { stem.removeLast() }
        if stem.isEmpty { stem = "run" }
        let e = ext.hasPrefix(".") ? String(ext.dropFirst()) : ext
        return e.isEmpty ? stem : stem + "." + e
    }

    /// Writes each file to a temp file beside it, then renames all into place (nothing half-written).
    static func atomicWrite(_ files: [(String, [UInt8])]) throws {
        let fm = FileManager.default
        var temps: [(String, String)] = []
        defer { for (t, _) in temps where fm.fileExists(atPath: t) { try? fm.removeItem(atPath: t) } }
        for (path, data) in files {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !fm.fileExists(atPath: dir) {
                throw SessionError("\(path): the folder \(dir) does not exist")
            }
            let temp = (dir as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-\(getpid())")
            guard fm.createFile(atPath: temp, contents: Data(data)) else { throw SessionError("\(path): cannot write") }
            temps.append((temp, path))
        }
        for (temp, path) in temps {
            if rename(temp, path) != 0 { throw SessionError("\(path): cannot rename into place (errno \(errno))") }
        }
    }

    static func json(_ params: [String: [String: LuaValue]]) -> String {
        var obj: [String: Any] = [:]
        for (plugin, ps) in params {
            var o: [String: Any] = [:]
            for (k, v) in ps {
                switch v {
                case .integer(let i): o[k] = i
                case .number(let d): o[k] = d
                case .bool(let b): o[k] = b
                case .string(let s): o[k] = s
                default: o[k] = v.description
                }
            }
            obj[plugin] = o
        }
        guard let data = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
