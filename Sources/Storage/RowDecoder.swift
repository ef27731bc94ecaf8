extension Row {
    /// Decodes a `Decodable` record from this row: each coding key reads the column that spells
    /// it in snake_case (`prevHash` ← `prev_hash`, `suiteID` ← `suite_id`, `taskCount` ←
    /// `task_count`); columns no key names are ignored. A property is read as its
    /// `SQLValueConvertible` type, or through its own `Decodable` initialiser: from one column
    /// (`String` raw-value enums), or, for a nested record, from the columns prefixed with the
    /// property's column (`model.name` ← `model_name`). An Optional property is nil for NULL or
    /// a missing column (an Optional nested record is read whenever one of its columns is
    /// there); any other missing column or mismatched value throws, naming the column and the SQL.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws(StorageError) -> T {
        try decoding("cannot decode \(T.self) from the row") { try T(from: RowDecoder(row: self, column: nil)) }
    }

    /// The column `key` names: a word starts at an uppercase letter that follows a lowercase
    /// letter or digit, or that ends an acronym before a lowercase letter (`prevHash` →
    /// `prev_hash`, `suiteID` → `suite_id`, `URLValue` → `url_value`).
    static func columnName(for key: String) -> String {
        let characters = Array(key)
        var name = ""
        for (i, character) in characters.enumerated() {
            if character.isUppercase, i > 0 {
                let afterWord = !characters[i - 1].isUppercase
                let endsAcronym = i + 1 < characters.count && characters[i + 1].isLowercase
                if afterWord || endsAcronym { name += "_" }
            }
            name += character.lowercased()
        }
        return name
    }

    /// One column as `T`: directly when `T` converts from an `SQLValue`, otherwise through `T`'s
    /// `Decodable` initialiser reading the column as its single value or as the prefix of a
    /// nested record's columns.
    func decodeColumn<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        guard let convertible = T.self as? any SQLValueConvertible.Type else {
            return try decoding("column '\(column)'") { try T(from: RowDecoder(row: self, column: column)) }
        }
        guard let value = try get(column, as: convertible) as? T else {
            throw StorageError.misuse("column '\(column)' does not decode as \(T.self)", sql: sql)
        }
        return value
    }

    /// Runs a `Decodable` initialiser; an error other than a `StorageError` (a raw value that
    /// names no case, say) is rethrown as one that starts with `context`.
    func decoding<T>(_ context: String, _ body: () throws -> T) throws(StorageError) -> T {
        do {
            return try body()
        } catch let error as StorageError {
            throw error
        } catch {
            throw .misuse("\(context): \(error)", sql: sql)
        }
    }

    func unsupported(_ what: String) -> StorageError {
        .misuse("Row.decode reads records of column values, not \(what)", sql: sql)
    }
}

/// The `Decoder` behind `Row.decode`: the whole row as a keyed container, or, for a property
/// that decodes itself, one column as a single value or the columns it prefixes as a record.
struct RowDecoder: Decoder {
    let row: Row
    /// The property's column; nil for the whole row.
    let column: String?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowColumns(row: row, prefix: column.map { $0 + "_" } ?? ""))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw row.unsupported("a list")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard let column else { throw row.unsupported("a single value for the whole row") }
        return RowColumn(row: row, column: column)
    }
}

/// The row's columns, addressed by coding keys (after `prefix`, for a nested record).
struct RowColumns<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: Row
    let prefix: String
    var codingPath: [any CodingKey] { [] }
    /// Columns are looked up by key, not listed as keys.
    var allKeys: [Key] { [] }

    func column(_ key: Key) -> String {
        prefix + Row.columnName(for: key.stringValue)
    }

    /// True when the key's column is there, or columns it prefixes (a nested record).
    func contains(_ key: Key) -> Bool {
        let name = column(key)
        return row[name] != nil || row.columns.contains { $0.hasPrefix(name + "_") }
    }

    /// True for NULL; false for a nested record (its own members decide).
    func decodeNil(forKey key: Key) throws -> Bool {
        row[column(key)].map { $0 == .null } ?? false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try row.decodeColumn(column(key), as: T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(RowColumns<NestedKey>(row: row, prefix: column(key) + "_"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw row.unsupported("a list")
    }

    func superDecoder() throws -> any Decoder {
        throw row.unsupported("a superclass")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw row.unsupported("a superclass")
    }
}

/// One column as a single value (for a property type that decodes itself, e.g. a raw-value enum).
struct RowColumn: SingleValueDecodingContainer {
    let row: Row
    let column: String
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        row[column] == .null
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try row.decodeColumn(column, as: T.self)
    }
}
