import TwinLua

/// How plugins read in `twin plugins`, `twin plugins show NAME` and the REPL's `:plugins`.
enum PluginListing {
    /// One plugin per line: name, kind, version, source folder.
    static func table(_ registry: PluginRegistry) -> String {
        var table = TextTable(["NAME", "KIND", "VERSION", "SOURCE", "DESCRIPTION"])
        for entry in registry.all {
            table.add([entry.name, entry.kind.rawValue, entry.version, entry.displayPath, entry.description])
        }
        return table.rendered
    }

    /// The manifest: description, version, API, source, parameters with defaults and units.
    static func details(_ entry: PluginEntry) -> String {
        var lines = [
            "\(entry.name) (\(entry.kind.rawValue) \(entry.version), api \(entry.api))",
            "  \(entry.description)",
            "  source: \(entry.path)",
        ]
        if !entry.requires.isEmpty {
            lines.append("  requires: " + entry.requires.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if entry.params.isEmpty {
            lines.append("  parameters: none")
        } else {
            lines.append("  parameters (set with --set \(entry.name).NAME=VALUE):")
            var table = TextTable(["    NAME", "TYPE", "DEFAULT", "UNIT", "HELP"])
            for param in entry.params {
                table.add(["    " + param.name, param.type.rawValue, param.defaultValue.description, param.unit ?? "", param.help ?? ""])
            }
            lines.append(table.rendered)
        }
        return lines.joined(separator: "\n")
    }
}
