// Test support: one `cmr-sandbox` process per test run (free loopback port,
// URL read from its stdout line), plain-HTTP access to its control API, and
// fixtures shared by the suites (mirrors the Kotlin suite's Support.kt).
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import Cmr

let repoRoot: URL = {
    if let r = ProcessInfo.processInfo.environment["CMR_REPO_ROOT"] { return URL(fileURLWithPath: r) }
    return URL(fileURLWithPath: #filePath).appendingPathComponent("../../../../../..").standardized
}()

func scenario(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: repoRoot.appendingPathComponent("tests/scenarios/\(name)"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

let sandboxKey = "cmr_test_key"

final class Sandbox {
    static let shared = Sandbox()

    let process: Process
    let url: String
    var baseUrl: String { "\(url)/api/v1/integration" }

    private init() {
        let bin = ProcessInfo.processInfo.environment["CMR_SANDBOX_BIN"]
            ?? repoRoot.appendingPathComponent("target/debug/cmr-sandbox").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["--port", "0", "--no-rate-limit"]
        let out = Pipe()
        p.standardOutput = out
        try! p.run()
        let prefix = "cmr-sandbox listening on "
        var buffer = Data()
        var found: String? = nil
        while found == nil {
            let chunk = out.fileHandleForReading.availableData
            precondition(!chunk.isEmpty, "cmr-sandbox exited before listening")
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
                found = String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        let u = found!
        process = p
        url = u.hasSuffix("/") ? String(u.dropLast()) : u
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        out.fileHandleForReading.readabilityHandler = { h in _ = h.availableData }
        atexit { Sandbox.shared.process.terminate() }
    }

    @discardableResult
    func control(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any? {
        var req = URLRequest(url: URL(string: "\(url)/__sandbox\(path)")!)
        req.httpMethod = method
        req.timeoutInterval = 30
        if let body = body {
            req.httpBody = try JSONSerialization.data(withJSONObject: body)
            req.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        // The completion handler runs on URLSession's queue; the semaphore
        // orders its write before our read.
        final class Box: @unchecked Sendable { var value: (Data?, URLResponse?, Error?) = (nil, nil, nil) }
        let box = Box()
        let sem = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: req) { d, r, e in
            box.value = (d, r, e)
            sem.signal()
        }.resume()
        sem.wait()
        let result = box.value
        if let e = result.2 { throw e }
        let status = (result.1 as! HTTPURLResponse).statusCode
        guard (200..<300).contains(status) else {
            throw NSError(domain: "sandbox", code: status, userInfo: [NSLocalizedDescriptionKey: "control \(method) \(path): \(status)"])
        }
        guard let data = result.0, !data.isEmpty else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    func reset() throws {
        try control("POST", "/reset")
        try control("PUT", "/wallet", ["balance": 100000.0])
    }

    func advance(_ seconds: Int) throws {
        try control("POST", "/clock/advance", ["seconds": seconds])
    }

    func fault(_ fault: [String: Any]) throws {
        try control("POST", "/faults", fault)
    }

    private func list(_ v: Any?, _ key: String) -> [[String: Any]] {
        if let a = v as? [[String: Any]] { return a }
        if let o = v as? [String: Any], let a = o[key] as? [[String: Any]] { return a }
        return []
    }

    func webhooks() throws -> [[String: Any]] { list(try control("GET", "/webhooks"), "webhooks") }

    func hits(_ method: String, _ path: String) throws -> Int {
        list(try control("GET", "/requests"), "requests").filter { r in
            guard r["method"] as? String == method, let p = r["path"] as? String else { return false }
            return p == path || p.hasSuffix(path)
        }.count
    }
}

func client(apiKey: String = sandboxKey, timeoutMs: UInt64? = nil, maxRetries: UInt32 = 0) throws -> CmrClient {
    try CmrClient(apiKey: apiKey, baseUrl: Sandbox.shared.baseUrl, timeoutMs: timeoutMs, maxRetries: maxRetries)
}

func newUser(_ email: String) -> CreateUser {
    CreateUser(
        email: email, company: "Acme Inc.", firstName: "Jane", lastName: "Doe", country: "US", city: "Austin",
        addressLineOne: "1 Main Street", addressLineTwo: "Suite 4", addressLineThree: nil, languagePreference: "en",
        postalCode: "73301", state: "TX", phoneCc: "1", phone: "5125550100"
    )
}

func google() -> GoogleConfig {
    GoogleConfig(googleOauthRoute: "https://app.example.com/oauth/google", clientId: "client-123", appName: "Example")
}

func mailbox(_ username: String) -> NewMailbox {
    NewMailbox(username: username, firstName: "First", lastName: "Last", profilePicture: nil, onWarmup: nil)
}

func order(_ domain: String, _ usernames: [String], confirm: Bool = true) -> CreateOrder {
    CreateOrder(
        domains: [OrderDomain(domain: domain, years: 1, forwardTo: nil, maskForwarding: nil)],
        mailboxes: [domain: usernames.map(mailbox)],
        billingCycle: "MONTHLY", confirm: confirm, serviceProvider: nil, microsoftOauthRoute: nil,
        google: google(), autoRenew: nil
    )
}

func subscriptionFilter(domain: String? = nil, status: String? = nil, limit: UInt32? = nil) -> ListSubscriptionsParams {
    ListSubscriptionsParams(status: status, componentSubscriptionId: nil, domain: domain, userId: nil, page: nil, limit: limit)
}

struct Provisioned {
    let user: User
    let subscription: Subscription
    let mailboxes: [Mailbox]
}

func provisioned(_ c: CmrClient, _ email: String, _ domain: String, _ usernames: [String]) async throws -> Provisioned {
    let user = try await c.users().create(user: newUser(email))
    let created = try await c.orders().create(userId: user.id, order: order(domain, usernames))
    XCTAssertNotNil(created.orderId)
    try Sandbox.shared.advance(60)
    let sub = try await c.subscriptions().list(params: subscriptionFilter(domain: domain)).items[0]
    return Provisioned(user: user, subscription: sub, mailboxes: try await c.mailboxes().list(userId: user.id))
}

/// Asserts that `body` throws a CmrError of `kind`, and returns it.
@discardableResult
func assertThrowsCmr<T>(_ kind: CmrErrorKind, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> T) async -> CmrError? {
    do {
        _ = try await body()
        XCTFail("expected \(kind), got a result", file: file, line: line)
    } catch let e as CmrError {
        XCTAssertEqual(e.kind, kind, "\(e)", file: file, line: line)
        return e
    } catch {
        XCTFail("expected CmrError, got \(error)", file: file, line: line)
    }
    return nil
}

func collect<T>(_ s: AsyncThrowingStream<T, Error>) async throws -> [T] {
    var out: [T] = []
    for try await x in s { out.append(x) }
    return out
}
