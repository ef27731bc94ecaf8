import Foundation
import JSON

/// The output branch every reporting command shares: with `--json` the machine form on stdout
/// (see `printJSON`), otherwise the human-readable text. Both return `ExitCode.success`, so a
/// command that has nothing else to say ends with `return try context.respond(…)`.
extension CommandContext {
    /// `--json` prints `json` (member names snake_cased, see `JSONKeyStyle`); otherwise `text` runs.
    func respond<T: Encodable>(json: @autoclosure () throws -> T, text: () throws -> Void) throws -> Int32 {
        if self.json {
            try printJSON(try json())
        } else {
            try text()
        }
        return ExitCode.success
    }

    /// `--json` prints the resource `json` in its one shape (`Representation`); otherwise `text` runs.
    func respond(json: @autoclosure () throws -> JSONValue, text: () throws -> Void) throws -> Int32 {
        try respond(json: EncodableJSON(try json()), text: text)
    }

    /// `--json` prints `json`; otherwise `table` (a listing's one row per item).
    func respond<T: Encodable>(json: @autoclosure () throws -> T, table: @autoclosure () -> TextTable) throws -> Int32 {
        try respond(json: try json()) { print(table()) }
    }

    /// `--json` prints the resource `json` (`Representation`); otherwise `table`.
    func respond(json: @autoclosure () throws -> JSONValue, table: @autoclosure () -> TextTable) throws -> Int32 {
        try respond(json: try json()) { print(table()) }
    }

    /// Writes a rendered table on stdout.
    func print(_ table: TextTable) { output.out(table.render()) }
}
