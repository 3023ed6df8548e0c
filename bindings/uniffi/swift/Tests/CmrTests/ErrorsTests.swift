// Every error class from the shared scenarios (tests/scenarios/errors.json),
// retries, and the API key never in a description (mirrors the Kotlin ErrorsTest).
import Foundation
import XCTest
@testable import Cmr

final class ErrorsTests: XCTestCase {
    let kinds: [String: CmrErrorKind] = [
        "authentication": .authentication, "permission": .permissionDenied, "not_found": .notFound,
        "conflict": .conflict, "validation": .validation, "payment_required": .paymentRequired,
        "rate_limited": .rateLimited, "server": .server, "network": .network, "timeout": .timeout,
        "decode": .decode, "signature": .signatureVerification,
    ]

    override func setUpWithError() throws {
        try Sandbox.shared.reset()
    }

    func testSharedErrorScenarios() async throws {
        let cases = try scenario("errors.json")["cases"] as! [[String: Any]]
        XCTAssertFalse(cases.isEmpty)
        for c in cases {
            let name = c["name"] as! String
            try Sandbox.shared.reset()
            let setup = c["setup"] as? [String: Any] ?? [:]
            let cl = try client(apiKey: setup["apiKey"] as? String ?? sandboxKey, timeoutMs: (setup["timeoutMs"] as? Int).map { UInt64($0) })
            if let fault = c["fault"] as? [String: Any] { try Sandbox.shared.fault(fault) }
            let args = c["args"] as? [String: Any] ?? [:]
            let code = c["code"] as! String
            let e = await assertThrowsCmr(kinds[code]!) { () async throws -> Void in
                switch c["op"] as! String {
                case "users.list": _ = try await cl.users().list()
                case "users.get": _ = try await cl.users().get(userId: args["userId"] as! String)
                default: XCTFail("no mapping for \(c["op"]!)")
                }
            }
            guard let e = e else { XCTFail(name); continue }
            XCTAssertEqual(e.code, code, name)
            XCTAssertFalse(e.message.isEmpty, name)
            if let status = c["status"] as? Int {
                XCTAssertEqual(e.status.map { Int($0) }, status, name)
                XCTAssertNotNil(e.info.body, name)
            }
            if let retry = c["retryAfter"] as? Double { XCTAssertEqual(e.info.retryAfterSeconds, retry, name) }
            XCTAssertFalse("\(e)".contains(sandboxKey), name)
        }
    }

    func testGetIsRetriedAfter503AndSucceeds() async throws {
        try Sandbox.shared.fault(["path": "/users/list", "count": 1, "kind": "status", "status": 503])
        let c = try CmrClient(apiKey: sandboxKey, baseUrl: Sandbox.shared.baseUrl, maxRetries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 20)
        _ = try await c.users().list()
        XCTAssertEqual(try Sandbox.shared.hits("GET", "/users/list"), 2)
    }

    func testWriteIsNotRetriedAfter500() async throws {
        try Sandbox.shared.fault(["path": "/users", "method": "POST", "count": 1, "kind": "status", "status": 500])
        let c = try CmrClient(apiKey: sandboxKey, baseUrl: Sandbox.shared.baseUrl, maxRetries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 20)
        await assertThrowsCmr(.server) { try await c.users().create(user: newUser("once@acme.com")) }
        XCTAssertEqual(try Sandbox.shared.hits("POST", "/users"), 1)
    }

    func testKeyNeverInDescriptionsOfClientOrErrors() async throws {
        let secret = "sk_live_very_secret_4242"
        let c = try CmrClient(apiKey: secret, baseUrl: Sandbox.shared.baseUrl, maxRetries: 0)
        XCTAssertFalse(c.description.contains(secret))
        XCTAssertFalse(String(describing: c).contains(secret))
        XCTAssertTrue(c.description.contains(Sandbox.shared.baseUrl))
        let e = await assertThrowsCmr(.authentication) { try await c.users().list() }
        for s in ["\(String(describing: e))", String(reflecting: e as Any), e?.localizedDescription ?? ""] {
            XCTAssertFalse(s.contains(secret), s)
        }
    }
}
