import Foundation
import Testing

@testable import Storage

struct ValueTests {
    @Test func integerTypesStoreAsIntegerAndReadOnlyIntegers() {
        #expect(Int64(-5).sqlValue == .integer(-5))
        #expect(Int(7).sqlValue == .integer(7))
        #expect(true.sqlValue == .integer(1))
        #expect(false.sqlValue == .integer(0))
        #expect(Int64(sqlValue: .integer(1 << 40)) == 1 << 40)
        #expect(Int(sqlValue: .integer(42)) == 42)
        #expect(Bool(sqlValue: .integer(2)) == true)
        #expect(Bool(sqlValue: .integer(0)) == false)
        #expect(Int(sqlValue: .real(1)) == nil)
        #expect(Int64(sqlValue: .text("1")) == nil)
        #expect(Bool(sqlValue: .null) == nil)
        #expect(Int?(sqlValue: .null) == .some(nil))
    }
}
