import ModelFormat
import Testing

struct GGUFValueTests {
    /// A value's type and an array's element type are read off the case names
    /// (`GGUFValueType(caseOf:)`): every case of both enums must name its own type, with the
    /// spec's id and name.
    @Test func everyCaseNamesItsType() {
        let cases: [(GGUFValue, GGUFArray, GGUFValueType, UInt32, String)] = [
            (.uint8(1), .uint8([]), .uint8, 0, "uint8"),
            (.int8(-1), .int8([1]), .int8, 1, "int8"),
            (.uint16(1), .uint16([]), .uint16, 2, "uint16"),
            (.int16(-1), .int16([2]), .int16, 3, "int16"),
            (.uint32(1), .uint32([]), .uint32, 4, "uint32"),
            (.int32(-1), .int32([3]), .int32, 5, "int32"),
            (.float32(1), .float32([]), .float32, 6, "float32"),
            (.bool(true), .bool([false]), .bool, 7, "bool"),
            (.string("s"), .string([]), .string, 8, "string"),
            (.array(.int32([])), .array([.string(["x"])]), .array, 9, "array"),
            (.uint64(1), .uint64([]), .uint64, 10, "uint64"),
            (.int64(-1), .int64([4]), .int64, 11, "int64"),
            (.float64(1), .float64([]), .float64, 12, "float64")
        ]
        #expect(Set(cases.map(\.2)) == Set(GGUFValueType.allCases))
        for (value, array, type, id, name) in cases {
            #expect(value.type == type, "\(value)")
            #expect(array.elementType == type, "\(array)")
            #expect(type.rawValue == id)
            #expect(type.name == name)
        }
    }
}
