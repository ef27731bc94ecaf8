/// One result row with typed access by column name (or index).
public struct Row: Sendable {
    /// Column names in result order.
    public let columns: [String]
    /// Values in result order.
    public let values: [SQLValue]
    let sql: String

    /// The raw value of a column, or nil when there is no such column.
    public subscript(_ column: String) -> SQLValue? {
        guard let i = columns.firstIndex(of: column) else { return nil }
        return values[i]
    }

    /// Decodes a column by name. Throws when the column is missing or its value does not fit
    /// `T` (use an Optional type for nullable columns).
    public func get<T: SQLValueConvertible>(_ column: String, as type: T.Type = T.self) throws(StorageError) -> T {
        guard let i = columns.firstIndex(of: column) else {
            throw .misuse("no column '\(column)' in result (columns: \(columns.joined(separator: ", ")))", sql: sql)
        }
        return try get(i, as: type)
    }

    /// Decodes a column by position.
    public func get<T: SQLValueConvertible>(_ index: Int, as type: T.Type = T.self) throws(StorageError) -> T {
        guard values.indices.contains(index) else {
            throw .misuse("column index \(index) out of range (\(values.count) columns)", sql: sql)
        }
        guard let value = T(sqlValue: values[index]) else {
            let name = columns[index]
            throw .misuse("column '\(name)' holds \(values[index]), not \(T.self)", sql: sql)
        }
        return value
    }
}
