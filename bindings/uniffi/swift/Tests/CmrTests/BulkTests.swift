// Issue #11 from Swift (mirrors the Kotlin BulkTest): the bulk helpers batch,
// pace and answer one result per input item, in input order; dns().find
// answers "was it applied?".
import Foundation
import XCTest
@testable import Cmr

final class BulkTests: XCTestCase {
    override func setUpWithError() throws {
        try Sandbox.shared.reset()
    }

    func testAddManyBatchesRecordsAndReportsEachOne() async throws {
        let c = try client()
        let p = try await provisioned(c, "bulk-dns@acme.com", "bulk-dns.com", ["ann"])
        let records = (0..<120).map {
            BulkDnsRecord(domain: "bulk-dns.com", host: "k\($0)", value: "v=bulk\($0)", recordType: "TXT", priority: nil, excludedDmarcTags: nil)
        }
        let r = try await c.dns().addMany(userId: p.user.id, records: records, batchSize: 50)
        XCTAssertEqual(r.items.count, 120)
        XCTAssertEqual(r.succeeded, 120)
        XCTAssertEqual(r.failed, 0)
        XCTAssertEqual(r.maybeApplied, 0)
        XCTAssertEqual(r.items.map { $0.index }, (0..<120).map { UInt32($0) })
        XCTAssertTrue(r.items.allSatisfy { $0.status == "succeeded" })
        // 120 records in batches of 50: three POSTs, not 120.
        XCTAssertEqual(try Sandbox.shared.hits("POST", "/dns"), 3)
        XCTAssertEqual(r.requests, 3)

        let found = try await c.dns().find(userId: p.user.id, domain: "bulk-dns.com", recordType: "TXT", host: "k7", value: "v=bulk7")
        XCTAssertNotNil(found)
        let missing = try await c.dns().find(userId: p.user.id, domain: "bulk-dns.com", recordType: "TXT", host: "k7", value: "v=other")
        XCTAssertNil(missing)
    }

    func testUpdateAllAnswersPerMailboxAndKeepsOrder() async throws {
        let c = try client()
        let p = try await provisioned(c, "bulk-mb@acme.com", "bulk-mb.com", ["ann", "bob", "cy"])
        let changes = p.mailboxes.map {
            MailboxUpdate(mailboxId: $0.mailboxId, userName: nil, firstName: "Renamed", lastName: nil, profilePicture: nil, removeProfilePicture: nil)
        } + [MailboxUpdate(mailboxId: "NOSUCHMAILBOX000000000000000", userName: nil, firstName: "X", lastName: nil, profilePicture: nil, removeProfilePicture: nil)]
        let r = try await c.mailboxes().updateAll(userId: p.user.id, changes: changes, batchSize: nil)
        XCTAssertEqual(r.items.count, changes.count)
        XCTAssertEqual(r.succeeded, UInt32(p.mailboxes.count))
        XCTAssertEqual(r.failed, 1)
        let last = r.items.last!
        XCTAssertEqual(last.index, UInt32(changes.count - 1))
        XCTAssertEqual(last.status, "failed")
        XCTAssertFalse((last.message ?? "").isEmpty, "the failure carries the server's message")
        XCTAssertEqual(try Sandbox.shared.hits("PATCH", "/mailboxes/update-mailbox-details"), 1)
    }
}
