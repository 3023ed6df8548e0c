// Logging (issue #14): a registered CmrLogger receives the core's lines for a
// retried and a failing call; the API key never appears (mirrors the Kotlin LoggingTest).
import Foundation
import XCTest
@testable import Cmr

/// A logger collecting every record (called on the client's worker threads).
final class CollectLogger: CmrLogger, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [CmrLogRecord] = []
    func log(record: CmrLogRecord) {
        lock.lock(); defer { lock.unlock() }
        stored.append(record)
    }
    var records: [CmrLogRecord] {
        lock.lock(); defer { lock.unlock() }
        return stored
    }
}

final class LoggingTests: XCTestCase {
    override func setUpWithError() throws {
        try Sandbox.shared.reset()
    }

    private func logged(_ logger: CmrLogger, _ level: LogLevel? = nil) throws -> CmrClient {
        try CmrClient(
            apiKey: sandboxKey, baseUrl: Sandbox.shared.baseUrl, maxRetries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 5,
            logLevel: level, logger: logger)
    }

    private func assertNoKey(_ records: [CmrLogRecord], file: StaticString = #filePath, line: UInt = #line) {
        for r in records {
            XCTAssertFalse("\(r.message) \(r.fields)".contains(sandboxKey), "key in a log line: \(r)", file: file, line: line)
        }
    }

    func testARetriedCallLogsEachAttemptAndTheRetryDecision() async throws {
        let log = CollectLogger()
        let c = try logged(log)
        try Sandbox.shared.fault(["method": "GET", "path": "/users/list", "count": 1, "kind": "status", "status": 503])
        _ = try await c.users().list()
        let recs = log.records
        XCTAssertEqual(recs.map { $0.level }, [.info, .info], "\(recs)")
        guard recs.count == 2 else { return }
        let (first, second) = (recs[0], recs[1])
        XCTAssertEqual(first.fields["method"], "GET")
        XCTAssertTrue(first.fields["path"]!.hasSuffix("/users/list"))
        XCTAssertEqual(first.fields["status"], "503")
        XCTAssertEqual(first.fields["attempt"], "1")
        XCTAssertTrue(first.fields["retry"]!.hasPrefix("in "), "\(first)")
        XCTAssertGreaterThanOrEqual(Double(first.fields["duration_ms"]!)!, 0)
        XCTAssertTrue(first.message.contains("retrying in"), first.message)
        XCTAssertEqual(second.fields["status"], "200")
        XCTAssertEqual(second.fields["attempt"], "2")
        XCTAssertNil(second.fields["retry"])
        assertNoKey(recs)
    }

    func testFailingCallsLogWhyTheyAreNotRetried() async throws {
        let log = CollectLogger()
        let c = try logged(log)
        await assertThrowsCmr(.notFound) { try await c.users().get(userId: "USR_missing") }
        try Sandbox.shared.fault(["method": "POST", "path": "/users", "count": 1, "kind": "status", "status": 500])
        await assertThrowsCmr(.server) { try await c.users().create(user: newUser("once@acme.com")) }
        let recs = log.records
        XCTAssertEqual(recs.count, 2, "\(recs)")
        guard recs.count == 2 else { return }
        XCTAssertEqual(recs[0].level, .info)
        XCTAssertEqual(recs[0].fields["status"], "404")
        XCTAssertEqual(recs[0].fields["retry"], "no: not retryable")
        XCTAssertEqual(recs[1].level, .warn)
        XCTAssertEqual(recs[1].fields["retry"], "no: the write may have reached the server")
        assertNoKey(recs)
    }

    func testDebugAddsBodiesAndTheKeyIsScrubbedEvenAsAnId() async throws {
        let log = CollectLogger()
        let c = try logged(log, .debug)
        _ = try await c.users().create(user: newUser("dbg@acme.com"))
        _ = try? await c.users().get(userId: sandboxKey)
        let recs = log.records
        XCTAssertTrue(recs.contains { $0.level == .debug && $0.message.hasPrefix("request POST") && ($0.fields["body"] ?? "").contains("dbg@acme.com") }, "\(recs)")
        XCTAssertTrue(recs.contains { $0.message.contains("****") }, "\(recs)")
        assertNoKey(recs)
    }

    func testOffSilencesAGivenLogger() async throws {
        let log = CollectLogger()
        _ = try await logged(log, .off).wallet().get()
        XCTAssertTrue(log.records.isEmpty)
    }
}
