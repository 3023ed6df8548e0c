// Issue #10 from Swift (mirrors the Kotlin HardeningTest): a created order
// whose answer is lost is not re-sent, says it may have been sent, is found by
// findByDomain, and the sandbox holds exactly one order; a panic in the core
// is CmrError.Internal; bad numbers are validation errors before anything is
// sent; plain http off loopback is refused.
import Foundation
import XCTest
@testable import Cmr

final class HardeningTests: XCTestCase {
    let orderPath = "/orders/json"

    override func setUpWithError() throws {
        try Sandbox.shared.reset()
    }

    private func requestCount() throws -> Int {
        (try Sandbox.shared.control("GET", "/requests") as? [Any])?.count ?? -1
    }

    /// Orders in the sandbox state whose request names `domain`.
    private func ordersFor(_ domain: String) throws -> Int {
        let state = try Sandbox.shared.control("GET", "/state") as! [String: Any]
        let orders = state["orders"] as? [String: [String: Any]] ?? [:]
        return orders.values.filter { o in
            let domains = (o["request"] as? [String: Any])?["domains"] as? [[String: Any]] ?? []
            return domains.contains { $0["domain"] as? String == domain }
        }.count
    }

    func testLostOrderAnswerIsNotResentAndIsFoundByFindByDomain() async throws {
        // Retries on: a maybe-applied write must still not be re-sent.
        let c = try CmrClient(apiKey: sandboxKey, baseUrl: Sandbox.shared.baseUrl, maxRetries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 20)
        let user = try await c.users().create(user: newUser("lost@acme.com"))
        try Sandbox.shared.fault(["method": "POST", "path": orderPath, "kind": "drop_after"])
        let e = await assertThrowsCmr(.network) {
            try await c.orders().create(userId: user.id, order: order("lost-answer.com", ["ann"]))
        }
        XCTAssertEqual(e?.info.mayHaveBeenSent, true)
        XCTAssertEqual(e?.code, "network")
        XCTAssertNil(e?.status)
        XCTAssertEqual(e?.info.method, "POST")
        XCTAssertEqual(e?.info.path, orderPath)
        XCTAssertEqual(try Sandbox.shared.hits("POST", orderPath), 1)

        let found = try await c.orders().findByDomain(userId: user.id, domain: "lost-answer.com")
        XCTAssertEqual(found?.domainName, "lost-answer.com")
        XCTAssertEqual(found?.status, "PENDING")
        let none = try await c.orders().findByDomain(userId: user.id, domain: "never-ordered.com")
        XCTAssertNil(none)
        XCTAssertEqual(try ordersFor("lost-answer.com"), 1)
        XCTAssertEqual(try Sandbox.shared.hits("POST", orderPath), 1)
    }

    func testLateAnswerPastTheTimeoutMayHaveBeenSent() async throws {
        let c = try client()
        let user = try await c.users().create(user: newUser("late@acme.com"))
        try Sandbox.shared.fault(["method": "POST", "path": orderPath, "kind": "delay_after", "delayMs": 3000])
        let e = await assertThrowsCmr(.timeout) {
            try await c.withOptions(timeoutMs: 300).orders().create(userId: user.id, order: order("late-answer.com", ["bob"]))
        }
        XCTAssertEqual(e?.info.mayHaveBeenSent, true)
        XCTAssertEqual(try Sandbox.shared.hits("POST", orderPath), 1)
        let found = try await c.orders().findByDomain(userId: user.id, domain: "late-answer.com")
        XCTAssertEqual(found?.status, "PENDING")
        XCTAssertEqual(try ordersFor("late-answer.com"), 1)
    }

    func testLostUserAnswerIsFoundByFindByEmail() async throws {
        let c = try client()
        try Sandbox.shared.fault(["method": "POST", "path": "/users", "kind": "drop_after"])
        let e = await assertThrowsCmr(.network) { try await c.users().create(user: newUser("Lost.User@Acme.com")) }
        XCTAssertEqual(e?.info.mayHaveBeenSent, true)
        XCTAssertEqual(try Sandbox.shared.hits("POST", "/users"), 1)
        let found = try await c.users().findByEmail(email: "lost.user@acme.com")
        XCTAssertEqual(found?.email?.lowercased(), "lost.user@acme.com")
        let none = try await c.users().findByEmail(email: "nobody@acme.com")
        XCTAssertNil(none)
    }

    func testPanicInsideTheCoreIsCmrErrorInternal() async throws {
        let e = await assertThrowsCmr(.internal) { try await panicForTests() }
        XCTAssertEqual(e?.code, "internal")
        XCTAssertTrue(e?.message.contains("panic") ?? false, "\(String(describing: e))")
        // Caught by a plain `catch` too, and the library still works.
        do {
            try await panicForTests()
            XCTFail("no error")
        } catch {
            guard let ce = error as? CmrError, ce.kind == .internal else { return XCTFail("\(error)") }
        }
        _ = try await client().wallet().get()
    }

    func testBadNumbersAreValidationErrorsBeforeSending() async throws {
        let base = Sandbox.shared.baseUrl
        let bad: [(String, () throws -> CmrClient)] = [
            ("timeout", { try CmrClient(apiKey: sandboxKey, baseUrl: base, timeoutMs: 0) }),
            ("timeout", { try CmrClient(apiKey: sandboxKey, baseUrl: base, timeoutMs: UInt64.max) }),
            ("connect_timeout", { try CmrClient(apiKey: sandboxKey, baseUrl: base, connectTimeoutMs: 0) }),
            ("retry_max_delay", { try CmrClient(apiKey: sandboxKey, baseUrl: base, retryMaxDelayMs: UInt64.max) }),
            ("max_retries", { try CmrClient(apiKey: sandboxKey, baseUrl: base, maxRetries: 1000) }),
            ("max_retries", { try CmrClient(apiKey: sandboxKey, baseUrl: base, maxRetries: UInt32.max) }),
            ("requests_per_second", { try CmrClient(apiKey: sandboxKey, baseUrl: base, requestsPerSecond: 0) }),
            ("requests_per_second", { try CmrClient(apiKey: sandboxKey, baseUrl: base, requestsPerSecond: -1) }),
            ("requests_per_second", { try CmrClient(apiKey: sandboxKey, baseUrl: base, requestsPerSecond: .nan) }),
            ("max_response_bytes", { try CmrClient(apiKey: sandboxKey, baseUrl: base, maxResponseBytes: 10) }),
            ("max_response_bytes", { try CmrClient(apiKey: sandboxKey, baseUrl: base, maxResponseBytes: UInt64.max) }),
        ]
        for (name, make) in bad {
            let e = await assertThrowsCmr(.validation) { try make() }
            XCTAssertTrue(e?.message.contains(name) ?? false, "\(name): \(String(describing: e))")
            XCTAssertNil(e?.status)
            XCTAssertEqual(e?.info.mayHaveBeenSent, false)
        }
        // Per-request options are checked when the call starts, before sending.
        let c = try client()
        let views: [(String, CmrClient)] = [
            ("timeout", c.withOptions(timeoutMs: 0)),
            ("timeout", c.withOptions(timeoutMs: UInt64.max)),
            ("max_retries", c.withOptions(maxRetries: 1000)),
        ]
        for (name, view) in views {
            let e = await assertThrowsCmr(.validation) { try await view.wallet().get() }
            XCTAssertTrue(e?.message.contains(name) ?? false, "\(name): \(String(describing: e))")
        }
        XCTAssertEqual(try requestCount(), 0)
    }

    func testPlainHttpOffLoopbackIsRefusedUnlessOptedIn() async throws {
        let url = "http://example.com/api/v1/integration"
        let e = await assertThrowsCmr(.validation) { try CmrClient(apiKey: "k", baseUrl: url) }
        XCTAssertTrue(e?.message.contains(url) ?? false, "\(String(describing: e))")
        XCTAssertTrue(try CmrClient(apiKey: "k", baseUrl: url, allowInsecureHttp: true).baseUrl().hasPrefix("http://example.com"))
        XCTAssertTrue(try CmrClient(apiKey: "k", baseUrl: "https://example.com/api").baseUrl().hasPrefix("https://"))
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            _ = try CmrClient(apiKey: "k", baseUrl: "http://\(host):9/api")
        }
        XCTAssertEqual(try requestCount(), 0)
    }

    func testOrdinaryErrorHasTheNewFieldsAtTheirDefaults() async throws {
        let c = try client()
        let e = await assertThrowsCmr(.notFound) { try await c.users().get(userId: "NOSUCHUSER000000000000000000") }
        XCTAssertEqual(e?.info.bodyTruncated, false)
        XCTAssertNil(e?.info.location)
    }
}
