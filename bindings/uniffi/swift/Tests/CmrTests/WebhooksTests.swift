// Webhook vectors (tests/scenarios/webhook_vectors.json) and the sandbox's
// order events, parsed into typed data (mirrors the Kotlin WebhooksTest).
import Foundation
import XCTest
@testable import Cmr

final class WebhooksTests: XCTestCase {
    func testSharedVectors() throws {
        let v = try scenario("webhook_vectors.json")
        let secret = v["secret"] as! String
        for c in v["cases"] as! [[String: Any]] {
            let name = c["name"] as! String
            let body = Data((c["body"] as! String).utf8)
            let headers = c["headers"] as! [String: String]
            let now = Int64(c["now"] as! Int)
            if c["valid"] as! Bool {
                XCTAssertNoThrow(try verifyWebhookAt(body: body, headers: headers, secret: secret, nowUnixSeconds: now), name)
                let ev = try parseWebhook(body: body)
                XCTAssertEqual(ev.event, c["event"] as? String, name)
                XCTAssertEqual(ev.eventId, c["eventId"] as? String, name)
                guard case let .domainOrderSuccess(data) = ev.data else { return XCTFail("\(name): \(ev.data)") }
                XCTAssertEqual(data.price, 15.88)
            } else {
                do {
                    try verifyWebhookAt(body: body, headers: headers, secret: secret, nowUnixSeconds: now)
                    XCTFail("\(name) verified")
                } catch let e as CmrError {
                    XCTAssertEqual(e.kind, .signatureVerification, name)
                    if let part = c["errorContains"] as? String { XCTAssertTrue(e.message.contains(part), "\(name): \(e.message)") }
                }
            }
        }
    }

    func testSignThenVerifyNowAndUnknownEvents() throws {
        let body = Data(#"{"event":"dns.changed","eventId":"E9","data":{"x":1}}"#.utf8)
        let ts = Int64(Date().timeIntervalSince1970)
        let headers = [webhookSignatureHeader(): signWebhook(secret: "whsec", timestamp: ts, body: body), webhookTimestampHeader(): String(ts)]
        try verifyWebhook(body: body, headers: headers, secret: "whsec")
        let ev = try constructWebhookEvent(body: body, headers: headers, secret: "whsec")
        guard case let .unknown(event, dataJson) = ev.data else { return XCTFail("\(ev.data)") }
        XCTAssertEqual(event, "dns.changed")
        XCTAssertTrue(dataJson.contains("\"x\":1"))
        XCTAssertThrowsError(try parseWebhook(body: Data("not json".utf8))) { e in
            XCTAssertEqual((e as? CmrError)?.kind, .decode)
        }
    }

    func testDedupeInMemory() throws {
        let d = try EventDeduplicator()
        XCTAssertEqual(d.ttlSeconds(), 7 * 86400)
        XCTAssertEqual([try d.seen(eventId: "E1"), try d.seen(eventId: "E1"), try d.seen(eventId: "E2")], [false, true, false])
        try d.forget(eventId: "E1")
        XCTAssertFalse(try d.seen(eventId: "E1"))
        XCTAssertThrowsError(try d.seen(eventId: "")) { e in XCTAssertEqual((e as? CmrError)?.kind, .validation) }
        let small = try EventDeduplicator(ttlSeconds: 3600, capacity: 2)
        XCTAssertEqual(try ["a", "b", "c", "c", "a"].map { try small.seen(eventId: $0) }, [false, false, false, true, false])
        XCTAssertThrowsError(try EventDeduplicator(ttlSeconds: UInt64.max))
        XCTAssertThrowsError(try verifyWebhookAt(body: Data(), headers: [:], secret: "s", nowUnixSeconds: 0, toleranceSeconds: UInt64.max)) { e in
            XCTAssertEqual((e as? CmrError)?.kind, .validation)
        }
    }

    final class MapStore: EventStore, @unchecked Sendable {
        var data: [String: UInt64] = [:]
        let lock = NSLock()
        func seenOrInsert(eventId: String, ttlSeconds: UInt64) throws -> Bool {
            lock.lock(); defer { lock.unlock() }
            if data[eventId] != nil { return true }
            data[eventId] = ttlSeconds
            return false
        }
        func forget(eventId: String) throws {
            lock.lock(); defer { lock.unlock() }
            data[eventId] = nil
        }
    }

    func testDedupeOverAUserStoreDropsAReplay() throws {
        let v = try scenario("webhook_vectors.json")
        let secret = v["secret"] as! String
        let c = (v["cases"] as! [[String: Any]])[0]
        let body = Data((c["body"] as! String).utf8)
        let headers = c["headers"] as! [String: String]
        let now = Int64(c["now"] as! Int)
        let store = MapStore()
        let d = try EventDeduplicator.withStore(store: store, ttlSeconds: 60)
        let first = try verifyAndDedupeWebhook(body: body, headers: headers, secret: secret, dedupe: d, nowUnixSeconds: now)
        XCTAssertEqual(first?.eventId, "6SSHBXWR3N4JEKGRQSG3KW3D76N6")
        XCTAssertEqual(store.data, ["6SSHBXWR3N4JEKGRQSG3KW3D76N6": 60])
        var replay = headers
        replay["cmr-x-timestamp"] = String(now + 3600)
        try verifyWebhookAt(body: body, headers: replay, secret: secret, nowUnixSeconds: now + 3600)
        XCTAssertNil(try verifyAndDedupeWebhook(body: body, headers: replay, secret: secret, dedupe: d, nowUnixSeconds: now + 3600))
    }

    func testSandboxOrderEventsVerifyAndParse() async throws {
        try Sandbox.shared.reset()
        let c = try client()
        let p = try await provisioned(c, "life@acme.com", "lifecycle-example.com", ["alice", "bob"])
        XCTAssertEqual(p.mailboxes.count, 2)
        let hooks = try Sandbox.shared.webhooks()
        XCTAssertEqual(hooks.compactMap { $0["event"] as? String }, ["domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created"])
        for h in hooks {
            let body = Data((h["body"] as! String).utf8)
            // Headers are recorded once a delivery was attempted (a webhook URL is configured).
            let headers = (h["headers"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            if let ts = headers["cmr-x-timestamp"].flatMap(Int64.init) {
                try verifyWebhookAt(body: body, headers: headers, secret: sandboxKey, nowUnixSeconds: ts)
            }
            let ev = try parseWebhook(body: body)
            XCTAssertNotNil(ev.eventId)
            if case .unknown = ev.data { XCTFail("typed data expected for \(ev.event)") }
        }
    }

    func testCredentialsInADeliveryAreNotPrinted() throws {
        let body = Data(#"{"event":"mailbox.created","eventId":"ev1","data":{"email":"a@b.co","password":"pw-in-body","appPassword":"app-in-body"}}"#.utf8)
        let ev = try parseWebhook(body: body)
        guard case let .mailboxCreated(data) = ev.data else { return XCTFail("mailbox.created expected: \(ev.data)") }
        XCTAssertEqual(data.password, "pw-in-body")
        XCTAssertEqual(data.appPassword, "app-in-body")
        // debugDescription is the core's redacted Debug; print/interpolation use it too.
        var dumped = ""
        dump(ev, to: &dumped)
        XCTAssertTrue(dumped.contains("<redacted>"), dumped)
        for shown in [String(describing: ev), String(reflecting: ev), "\(data)", String(describing: [data]), dumped] {
            XCTAssertFalse(shown.contains("pw-in-body") || shown.contains("app-in-body"), shown)
            XCTAssertTrue(shown.contains("a@b.co"), shown)
        }
        let login = PlatformLogin(email: "ops@acme.com", password: "s3cret-login")
        XCTAssertFalse(String(describing: login).contains("s3cret-login"), String(describing: login))
        var dumpedLogin = ""
        dump(login, to: &dumpedLogin)
        XCTAssertFalse(dumpedLogin.contains("s3cret-login"), dumpedLogin)
        XCTAssertTrue(dumpedLogin.contains("ops@acme.com"), dumpedLogin)
        XCTAssertEqual(login.password, "s3cret-login")
    }
}
