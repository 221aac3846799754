import Foundation
import Testing
@testable @_spi(Testing) import TwinStore

@Suite struct LockingTests {
    @Test func writeLockHeldTooLongGivesBusyWithAdvice() throws {
        let path = temporaryDatabasePath()
        let holder = try RunStore(path: path)
        let waiter = try RunStore(path: path, busyTimeout: 0.05)
        try holder.db.exec("BEGIN IMMEDIATE")
        defer { try? holder.db.exec("ROLLBACK") }
        do {
            try waiter.saveResource(kind: "depot", name: "Nord", json: "{}")
            Issue.record("expected StoreError.busy")
        } catch let error as StoreError {
            guard case .busy = error else { Issue.record("expected busy, got \(error)"); return }
            #expect(error.description.contains("locked by another process"))
        }
        // Readers are not blocked by a writer in WAL mode.
        #expect(try waiter.listRuns().isEmpty)
    }
}
