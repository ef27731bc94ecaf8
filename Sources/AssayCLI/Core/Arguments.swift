/// Hand-written argument scanner used by every command.
///
/// A command's `init(arguments:)` pulls what it understands — flags, options, positionals — and
/// the runner then calls `finish()`, which rejects anything left over. Options accept both
/// `--name value` and `--name=value`; `--` ends option parsing.
public struct Arguments: Sendable {
    private var items: [String]
    private var consumed: [Bool]
    /// Index of `--` if present; everything after it is positional.
    private let terminator: Int?
    /// The command's option declarations (`declare`): a read by an option's first name also
    /// accepts its other names and takes an integer's range from there.
    private var declared: [CommandHelp.Option] = []

    public init(_ items: [String]) {
        self.items = items
        self.consumed = Array(repeating: false, count: items.count)
        self.terminator = items.firstIndex(of: "--")
        if let t = terminator { consumed[t] = true }
    }

    /// Reads options by their declarations from now on (the runner declares the command's).
    public mutating func declare(_ options: [CommandHelp.Option]) {
        declared = options.filter { $0.kind != .described }
    }

    private func declaration(_ name: String) -> CommandHelp.Option? {
        declared.first { $0.names.first == name }
    }

    /// `names` and the declared other names of `names[0]`.
    private func expanded(_ names: [String]) -> [String] {
        guard let first = names.first, let option = declaration(first) else { return names }
        return names + option.allNames.filter { !names.contains($0) }
    }

    private func isOptionPosition(_ i: Int) -> Bool { terminator.map { i < $0 } ?? true }

    /// True (and consumed) if any of `names` is present. Repeats are allowed.
    public mutating func flag(_ names: String...) -> Bool {
        let names = expanded(names)
        var found = false
        for i in items.indices where !consumed[i] && isOptionPosition(i) && names.contains(items[i]) {
            consumed[i] = true
            found = true
        }
        return found
    }

    /// `--flag` / `--no-flag` pair; nil when neither appears.
    public mutating func toggle(_ name: String) -> Bool? {
        let yes = flag("--\(name)")
        let no = flag("--no-\(name)")
        if yes && no { return nil }
        return yes ? true : (no ? false : nil)
    }

    /// All values of a repeatable option, in order.
    public mutating func options(_ names: String...) throws(CLIError) -> [String] {
        try collect(names)
    }

    /// The value of an option given at most once.
    public mutating func option(_ names: String...) throws(CLIError) -> String? {
        try single(names)
    }

    /// The value of an option that must be given (once); `missing` is the error when it is not.
    public mutating func required(_ names: String..., missing: String) throws(CLIError) -> String {
        guard let value = try single(names) else { throw .usage(missing) }
        return value
    }

    private mutating func single(_ names: [String]) throws(CLIError) -> String? {
        let values = try collect(names)
        if values.count > 1 { throw .usage("option \(names[0]) given more than once") }
        return values.first
    }

    /// A whole number given at most once, within `range` or else the declared one.
    public mutating func int(_ names: String..., range: ClosedRange<Int>? = nil) throws(CLIError) -> Int? {
        guard let raw = try single(names) else { return nil }
        var range = range
        if range == nil, case .integer(let declared) = declaration(names[0])?.kind { range = declared }
        guard let value = Int(raw) else { throw .usage("\(names[0]) expects an integer, got '\(raw)'") }
        if let range, !range.contains(value) {
            throw .usage("\(names[0]) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    public mutating func double(_ names: String...) throws(CLIError) -> Double? {
        guard let raw = try single(names) else { return nil }
        guard let value = Double(raw), value.isFinite else {
            throw .usage("\(names[0]) expects a number, got '\(raw)'")
        }
        return value
    }

    private mutating func collect(_ names: [String]) throws(CLIError) -> [String] {
        if declaration(names[0])?.kind == .flag {
            throw .failure("internal: \(names[0]) is declared as a flag but read as an option with a value")
        }
        let names = expanded(names)
        var values: [String] = []
        var i = 0
        while i < items.count {
            defer { i += 1 }
            guard !consumed[i], isOptionPosition(i) else { continue }
            let item = items[i]
            if names.contains(item) {
                let next = i + 1
                guard next < items.count, !consumed[next], isOptionPosition(next) else {
                    throw .usage("option \(item) needs a value")
                }
                consumed[i] = true
                consumed[next] = true
                values.append(items[next])
                i += 1
            } else if let eq = item.firstIndex(of: "="), names.contains(String(item[..<eq])) {
                consumed[i] = true
                values.append(String(item[item.index(after: eq)...]))
            }
        }
        return values
    }

    /// The next unconsumed positional argument (anything not starting with `-`, or after `--`).
    /// A lone `-` counts as positional (stdin).
    public mutating func positional() -> String? {
        for i in items.indices where !consumed[i] {
            let item = items[i]
            if !isOptionPosition(i) || item == "-" || !item.hasPrefix("-") || isNegativeNumber(item) {
                consumed[i] = true
                return item
            }
        }
        return nil
    }

    /// A positional that must be present; `what` names it in the error.
    public mutating func requiredPositional(_ what: String) throws(CLIError) -> String {
        guard let value = positional() else { throw .usage("missing \(what)") }
        return value
    }

    /// Every remaining positional argument.
    public mutating func remainingPositionals() -> [String] {
        var out: [String] = []
        while let p = positional() { out.append(p) }
        return out
    }

    /// Fails on anything that was not consumed (unknown options, extra arguments).
    public func finish() throws(CLIError) {
        for i in items.indices where !consumed[i] {
            let item = items[i]
            if item.hasPrefix("-") && isOptionPosition(i) && !isNegativeNumber(item) {
                throw .usage("unknown option '\(item)'")
            }
            throw .usage("unexpected argument '\(item)'")
        }
    }

    /// Peeks at the first unconsumed item without consuming it.
    public var first: String? {
        items.indices.first { !consumed[$0] }.map { items[$0] }
    }

    /// Arguments not consumed yet, in order (used to hand the rest to a subcommand).
    public var remaining: [String] {
        items.indices.filter { !consumed[$0] || $0 == terminator }.map { items[$0] }
    }

    private func isNegativeNumber(_ s: String) -> Bool {
        s.count > 1 && s.hasPrefix("-") && Double(s) != nil
    }
}
