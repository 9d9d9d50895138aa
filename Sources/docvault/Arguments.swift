import VaultCore

/// One option a command accepts.
struct OptionSpec: Sendable {
    let names: [String]
    let valueName: String?
    let help: String

    var takesValue: Bool { valueName != nil }
    var key: String { names[0] }

    static func value(_ names: String..., name: String, help: String) -> OptionSpec {
        OptionSpec(names: names, valueName: name, help: help)
    }

    static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, valueName: nil, help: help)
    }
}

/// A command line split into options and positional arguments.
struct ParsedArguments: Sendable {
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    func value(_ key: String) -> String? { values[key]?.last }
    /// Every value of a repeatable option, in order.
    func all(_ key: String) -> [String] { values[key] ?? [] }
    func has(_ key: String) -> Bool { flags.contains(key) }

    /// An integer option, or a usage error naming the option.
    func integer(_ key: String) throws -> Int? {
        guard let text = value(key) else { return nil }
        guard let number = Int(text) else { throw VaultError(.usage, "\(key) needs a whole number, not '\(text)'") }
        return number
    }

    /// A required option's value, or a usage error such as "hold place needs --reason TEXT".
    func required(_ key: String, _ placeholder: String, for command: String) throws -> String {
        guard let value = value(key) else { throw VaultError(.usage, "\(command) needs \(key) \(placeholder)") }
        return value
    }

    /// The single positional record number (a loan, hold or batch), or a usage error saying where to find one.
    func recordNumber(_ kind: String, _ whereShown: String) throws -> Int {
        guard positionals.count == 1, let id = Int(positionals[0]), id > 0 else {
            throw VaultError(.usage, "give exactly one \(kind) number, as \(whereShown)")
        }
        return id
    }

    /// Parses `arguments` against `specs`; unknown options and missing values are usage errors.
    static func parse(_ arguments: [String], specs: [OptionSpec]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        func spec(named name: String) throws -> OptionSpec {
            guard let spec = specs.first(where: { $0.names.contains(name) }) else {
                throw VaultError(.usage, "unknown option '\(name)'; see --help")
            }
            return spec
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            let option = try spec(named: name)
            if option.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw VaultError(.usage, "\(name) needs a value (\(option.valueName ?? "VALUE"))")
                    }
                    value = arguments[index]
                    index += 1
                }
                parsed.values[option.key, default: []].append(value)
            } else {
                guard inlineValue == nil else { throw VaultError(.usage, "\(name) takes no value") }
                parsed.flags.insert(option.key)
            }
        }
        return parsed
    }
}
