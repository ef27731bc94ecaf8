extension CommandHelp {
    /// One option of a command, declared once: its help line is rendered from it and
    /// `Arguments` reads it by its first name, taking the other names (shown or hidden), the
    /// kind and an integer's range from here (see `Arguments.declare`).
    public struct Option: Sendable {
        /// How the option is read.
        enum Kind: Sendable, Equatable {
            /// Present or not (`Arguments.flag`).
            case flag
            /// One value at most (`Arguments.option`, `required`, `double`).
            case value
            /// Any number of values (`Arguments.options`).
            case repeated
            /// One whole number in the range (`Arguments.int`).
            case integer(ClosedRange<Int>)
            /// Help text only: the line is written out by hand (`--pii / --no-pii`) and the
            /// option is read by the names the command passes.
            case described
        }

        /// The names shown in help, the first one the name the command reads it by.
        var names: [String]
        /// Further names the option is accepted under without being shown (`-m` for `--model`).
        var hidden: [String] = []
        /// The value's placeholder in help (`FILE`); nil for flags.
        var placeholder: String?
        var kind: Kind
        public var summary: String

        /// The option as help shows it, e.g. "--model, -m FILE".
        public var label: String {
            names.joined(separator: ", ") + (placeholder.map { " \($0)" } ?? "")
        }

        /// A help line written out by hand (`"--pii / --no-pii"`); the command reads the option
        /// by the names it passes.
        public init(_ label: String, _ summary: String) {
            self.init(names: [label], placeholder: nil, kind: .described, summary: summary)
        }

        init(
            names: [String], hidden: [String] = [], placeholder: String?, kind: Kind, summary: String
        ) {
            self.names = names
            self.hidden = hidden
            self.placeholder = placeholder
            self.kind = kind
            self.summary = summary
        }

        /// Every name the option is accepted under, the shown ones first.
        var allNames: [String] { names + hidden }

        static func flag(_ name: String, _ summary: String, hidden: String...) -> Self {
            Self(names: [name], hidden: hidden, placeholder: nil, kind: .flag, summary: summary)
        }

        static func value(_ name: String, _ placeholder: String, _ summary: String, hidden: String...) -> Self {
            Self(names: [name], hidden: hidden, placeholder: placeholder, kind: .value, summary: summary)
        }

        /// A value option shown under several names (`--model, -m FILE`).
        static func value(_ names: [String], _ placeholder: String, _ summary: String) -> Self {
            Self(names: names, placeholder: placeholder, kind: .value, summary: summary)
        }

        static func repeated(_ name: String, _ placeholder: String, _ summary: String) -> Self {
            Self(names: [name], placeholder: placeholder, kind: .repeated, summary: summary)
        }

        static func integer(
            _ name: String, _ placeholder: String, in range: ClosedRange<Int>, _ summary: String, hidden: String...
        ) -> Self {
            Self(names: [name], hidden: hidden, placeholder: placeholder, kind: .integer(range), summary: summary)
        }

        /// A whole-number option shown under several names (`--ctx, -c N`).
        static func integer(
            _ names: [String], _ placeholder: String, in range: ClosedRange<Int>, _ summary: String
        ) -> Self {
            Self(names: names, placeholder: placeholder, kind: .integer(range), summary: summary)
        }

        /// Options several commands take with the same meaning, described once.
        static let threads = integer(
            "--threads", "T", in: 1...1024, "Compute threads (default: all cores)", hidden: "-t")
        static let outFile = value("--out", "FILE", "Write to FILE instead of stdout")
        static let policyFile = value(
            "--policy", "FILE", "Policy file (default: the registry's configured policy, else the bundled default)")
    }
}
