/// What a command accepts: the options that take a value, the flags, and how many positionals.
///
/// A tiny parser of our own: the build machines cannot fetch swift-argument-parser.
struct CommandLineSpec {
    /// Options that take one value (`--policy llf`, `--policy=llf`, `-o out.html`).
    var valued: Set<String> = []
    /// Options that take no value (`--quiet`, `-i`).
    var flags: Set<String> = []
    /// Names of the positional arguments, in order; the last may be optional.
    var positionals: [String] = []
    /// How many positionals must be present.
    var requiredPositionals = 0
}

/// A parsed command line: option values in the order given, flags seen, positionals.
struct ParsedArguments {
    /// Every valued option occurrence in order, so repeatable options (`--set`, `--format`) and
    /// pairings (`--format html -o report.html`) keep their order.
    var options: [(name: String, value: String)] = []
    var flags: Set<String> = []
    var positionals: [String] = []

    /// The last value given for `name`, or nil.
    func value(_ name: String) -> String? { options.last { $0.name == name }?.value }

    /// Every value given for `name`, in order.
    func values(_ name: String) -> [String] { options.filter { $0.name == name }.map(\.value) }

    func has(_ flag: String) -> Bool { flags.contains(flag) }
}

extension CommandLineSpec {
    /// Parses `arguments` (without the command name).
    /// - Throws: `CLIError.usage` naming the offending argument and what to do.
    func parse(_ arguments: [String], command: String) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if flags.contains(name) {
                guard inlineValue == nil else {
                    throw CLIError.usage("option '\(name)' takes no value", command: command)
                }
                parsed.flags.insert(name)
            } else if valued.contains(name) {
                if let inlineValue {
                    parsed.options.append((name, inlineValue))
                } else {
                    guard index < arguments.count else {
                        throw CLIError.usage("option '\(name)' needs a value", command: command)
                    }
                    parsed.options.append((name, arguments[index]))
                    index += 1
                }
            } else {
                throw CLIError.usage("unknown option '\(name)'", command: command)
            }
        }
        if parsed.positionals.count < requiredPositionals {
            let missing = positionals[parsed.positionals.count]
            throw CLIError.usage("missing argument \(missing.uppercased())", command: command)
        }
        if parsed.positionals.count > positionals.count {
            let extra = parsed.positionals[positionals.count]
            throw CLIError.usage("unexpected argument '\(extra)'", command: command)
        }
        return parsed
    }
}
