// Every resource and every method of the Swift package, over real HTTP against
// the sandbox (mirrors the Kotlin ResourcesTest).
import Foundation
import XCTest
@testable import Cmr

final class ResourcesTests: XCTestCase {
    var c: CmrClient!

    override func setUpWithError() throws {
        try Sandbox.shared.reset()
        c = try client()
    }

    func testUsersCreateGetUpdateListDelete() async throws {
        let u = try await c.users().create(user: newUser("jane@acme.com"))
        XCTAssertFalse(u.id.isEmpty)
        XCTAssertEqual(u.email, "jane@acme.com")
        let got = try await c.users().get(userId: u.id)
        XCTAssertEqual(got.company, "Acme Inc.")
        let changes = UpdateUser(email: nil, company: nil, firstName: nil, lastName: nil, country: nil, city: "Dallas", addressLineOne: nil, addressLineTwo: nil, addressLineThree: nil, languagePreference: nil, postalCode: nil, state: nil, phoneCc: nil, phone: nil)
        let ack = try await c.users().update(userId: u.id, changes: changes)
        XCTAssertFalse(ack.message.isEmpty)
        let updated = try await c.users().get(userId: u.id)
        XCTAssertEqual(updated.city, "Dallas")
        let page = try await c.users().list()
        XCTAssertTrue(page.items.contains { $0.id == u.id })
        _ = try await c.users().delete(userId: u.id)
        let e = await assertThrowsCmr(.notFound) { try await self.c.users().get(userId: u.id) }
        XCTAssertEqual(e?.info.status, 404)
        XCTAssertEqual(e?.info.method, "GET")
        XCTAssertEqual(e?.info.path, "/users")
        XCTAssertEqual(e?.code, "not_found")
        // One CmrErrorInfo record per case: `message` is the server's message,
        // the description is the Rust Display.
        XCTAssertEqual(e?.message.isEmpty, false)
        XCTAssertEqual(e.map { "\($0)" }, e.map { "not_found: \($0.message)" })
        XCTAssertEqual(e?.info, e.map { CmrErrorInfo(code: "not_found", message: $0.message, status: 404, method: "GET", path: "/users", body: $0.info.body, bodyTruncated: false, retryAfterSeconds: nil, location: nil, mayHaveBeenSent: true) })
    }

    func testDuplicateEmailIsAConflict() async throws {
        _ = try await c.users().create(user: newUser("dup@acme.com"))
        await assertThrowsCmr(.conflict) { try await self.c.users().create(user: newUser("dup@acme.com")) }
    }

    func testPaginationWalksEveryPageOnce() async throws {
        for i in 0..<23 { _ = try await c.users().create(user: newUser("user\(i)@acme.com")) }
        let first = try await c.users().list(params: ListUsersParams(page: nil, limit: 10, search: nil))
        XCTAssertEqual(first.items.count, 10)
        XCTAssertEqual(first.nextPage, 2)
        XCTAssertEqual(first.totalPages, 3)
        let last = try await c.users().list(params: ListUsersParams(page: 3, limit: 10, search: nil))
        XCTAssertEqual(last.items.count, 3)
        XCTAssertNil(last.nextPage)
        let all = try await collect(c.users().listStream(params: ListUsersParams(page: nil, limit: 10, search: nil)))
        XCTAssertEqual(all.count, 23)
        XCTAssertEqual(Set(all.map(\.id)).count, 23, "no user twice")
    }

    func testGeoCountriesAndStates() async throws {
        let countries = try await c.geo().countries()
        XCTAssertTrue(countries.contains { $0.code == "US" && !$0.name.isEmpty })
        XCTAssertEqual(countries.map(\.name), countries.map(\.name).sorted())
        let states = try await c.geo().states(countryCode: "us")
        XCTAssertTrue(states.contains { $0.code == "TX" })
        await assertThrowsCmr(.validation) { try await self.c.geo().states(countryCode: "USA") }
    }

    func testOrdersLifecycleProcessStatusAndDetails() async throws {
        let user = try await c.users().create(user: newUser("later@acme.com"))
        let created = try await c.orders().create(userId: user.id, order: order("later-example.com", ["ann"], confirm: false))
        let orderId = try XCTUnwrap(created.orderId)
        try Sandbox.shared.advance(60)
        XCTAssertTrue(try Sandbox.shared.webhooks().isEmpty)
        let before = try await c.orders().status(userId: user.id, orderId: orderId)
        XCTAssertEqual(before.status, "CREATED")
        _ = try await c.orders().process(userId: user.id, orderId: orderId)
        try Sandbox.shared.advance(60)
        let after = try await c.orders().status(userId: user.id, orderId: orderId)
        XCTAssertEqual(after.status, "COMPLETED")
        let details = try await c.orders().get(userId: user.id, orderId: orderId)
        XCTAssertEqual(details.orderId, orderId)
        XCTAssertEqual(details.domains.count, 1)
    }

    func testOrdersMultipartWithAProfilePicture() async throws {
        let user = try await c.users().create(user: newUser("pic@acme.com"))
        let png = ProfilePicture(key: "ann@pic-example.com", fileName: "ann.png", contentType: "image/png", data: Data([0x89, 0x50, 0x4E, 0x47]))
        let created = try await c.orders().createMultipart(userId: user.id, order: order("pic-example.com", ["ann"]), files: [png])
        XCTAssertNotNil(created.orderId)
        XCTAssertTrue((created.actionId ?? "").hasPrefix("ACT_"))
        var bad = png
        bad.key = "zed@pic2-example.com"
        await assertThrowsCmr(.validation) {
            try await self.c.orders().createMultipart(userId: user.id, order: order("pic2-example.com", ["ann"]), files: [bad])
        }
        XCTAssertEqual(try Sandbox.shared.hits("POST", "/orders"), 1)
    }

    func testInsufficientWalletIsPaymentRequired() async throws {
        try Sandbox.shared.control("PUT", "/wallet", ["balance": 0.0])
        let user = try await c.users().create(user: newUser("poor@acme.com"))
        await assertThrowsCmr(.paymentRequired) { try await self.c.orders().create(userId: user.id, order: order("poor-example.com", ["a"])) }
        let w = try await c.wallet().get()
        XCTAssertEqual(w.balance, 0.0)
    }

    func testOrderMailboxesAndAddMailboxesToSubscription() async throws {
        let p = try await provisioned(c, "more@acme.com", "more-example.com", ["a"])
        let mailboxes = ["more-example.com": [mailbox("b")]]
        let both = MailboxOrder(subscriptionId: p.subscription.subscriptionId, domainId: "D", autoRenew: nil, confirm: nil, mailboxes: mailboxes, serviceProvider: nil, microsoftOauthRoute: nil, google: nil)
        await assertThrowsCmr(.validation) { try await self.c.orders().orderMailboxes(userId: p.user.id, order: both) }
        let ok = MailboxOrder(subscriptionId: p.subscription.subscriptionId, domainId: nil, autoRenew: nil, confirm: true, mailboxes: mailboxes, serviceProvider: nil, microsoftOauthRoute: nil, google: google())
        _ = try await c.orders().orderMailboxes(userId: p.user.id, order: ok)
        try Sandbox.shared.advance(60)
        let listed = try await c.mailboxes().list(userId: p.user.id)
        XCTAssertEqual(listed.count, 2)
        let add = AddMailboxesToSubscription(subscriptionId: p.subscription.subscriptionId, mailboxes: ["more-example.com": [mailbox("c")]], confirm: true, google: google(), autoRenew: nil)
        let created = try await c.orders().addMailboxesToSubscription(userId: p.user.id, req: add, files: [])
        XCTAssertFalse(created.message.isEmpty)
    }

    func testMailboxesGetAdminUpdateRemoveAndListAll() async throws {
        let p = try await provisioned(c, "mb@acme.com", "mb-example.com", ["a", "b"])
        XCTAssertTrue(p.mailboxes.allSatisfy { $0.status == "ACTIVE" })
        let id = p.mailboxes[0].mailboxId
        let one = try await c.mailboxes().get(mailboxId: id, userId: p.user.id)
        XCTAssertEqual(one.mailboxId, id)
        let admin = try await c.mailboxes().adminDetails(userId: p.user.id, mailboxId: id)
        XCTAssertFalse(admin.mailboxId.isEmpty)
        // The credentials are readable, never printed.
        let password = try XCTUnwrap(admin.password)
        XCTAssertFalse(password.isEmpty)
        var dumped = ""
        dump([admin], to: &dumped)
        for shown in [String(describing: admin), "\(admin)", String(describing: [admin]), dumped] {
            XCTAssertFalse(shown.contains(password), shown)
            XCTAssertTrue(shown.contains("<redacted>") && shown.contains(admin.mailboxId), shown)
        }
        let upd = try await c.mailboxes().update(userId: p.user.id, change: MailboxUpdate(mailboxId: id, userName: nil, firstName: "Zoe", lastName: nil, profilePicture: nil, removeProfilePicture: nil))
        XCTAssertTrue((upd.actionId ?? "").hasPrefix("ACT_"))
        try Sandbox.shared.advance(10)
        let renamed = try await c.mailboxes().get(mailboxId: id)
        XCTAssertEqual(renamed.firstName, "Zoe")
        let many = try await c.mailboxes().updateMany(userId: p.user.id, changes: [
            MailboxUpdate(mailboxId: p.mailboxes[1].mailboxId, userName: nil, firstName: nil, lastName: "Roe", profilePicture: nil, removeProfilePicture: nil),
            MailboxUpdate(mailboxId: "NOSUCHMAILBOX000000000000000", userName: nil, firstName: nil, lastName: "X", profilePicture: nil, removeProfilePicture: nil),
        ])
        XCTAssertEqual(many.results.map(\.success), [true, false])
        let all = try await c.mailboxes().listAll()
        XCTAssertGreaterThanOrEqual(all.items.count, 2)
        let streamed = try await collect(c.mailboxes().listAllStream(params: ListMailboxesParams(page: nil, limit: 1)))
        XCTAssertEqual(streamed.count, 2)
        _ = try await c.mailboxes().remove(userId: p.user.id, mailboxId: id)
        try Sandbox.shared.advance(10)
        let left = try await c.mailboxes().list(userId: p.user.id)
        XCTAssertEqual(left.count, 1)
    }

    func testDnsAddListUpdateDelete() async throws {
        let p = try await provisioned(c, "dns@acme.com", "dns-example.com", ["a"])
        let added = try await c.dns().add(userId: p.user.id, req: AddDnsRecords(domain: "dns-example.com", records: [
            NewDnsRecord(host: "mail", value: "192.0.2.10", recordType: "A", priority: nil, excludedDmarcTags: nil),
            NewDnsRecord(host: "_dmarc", value: "v=DMARC1; p=none", recordType: "TXT", priority: nil, excludedDmarcTags: ["rua", "ruf"]),
        ]))
        XCTAssertEqual(added.count, 2)
        let a = try XCTUnwrap(added.first { $0.host == "mail" })
        _ = try await c.dns().update(userId: p.user.id, req: UpdateDnsRecord(recordId: a.recordId, domain: "dns-example.com", host: "mail", value: "192.0.2.20", recordType: "A", priority: nil, excludedDmarcTags: nil))
        let listed = try await c.dns().list(userId: p.user.id, domain: "dns-example.com")
        XCTAssertTrue(listed.records.contains { $0.value == "192.0.2.20" })
        _ = try await c.dns().delete(userId: p.user.id, recordId: a.recordId)
        let after = try await c.dns().list(userId: p.user.id, domain: "dns-example.com")
        XCTAssertFalse(after.records.contains { $0.recordId == a.recordId })
    }

    func testDomainsEveryMethod() async throws {
        let p = try await provisioned(c, "dom@acme.com", "dom-example.com", ["a"])
        let domains = try await c.domains().list(userId: p.user.id)
        XCTAssertEqual(domains.map(\.domainName), ["dom-example.com"])
        let sugg = try await c.domains().suggest(userId: p.user.id, req: SuggestDomains(query: "acme", tlds: nil, limit: nil))
        XCTAssertFalse(sugg.isEmpty)
        let taken = try await c.domains().checkAvailability(userId: p.user.id, domain: "dom-example.com")
        XCTAssertEqual(taken.available, false)
        let ws = try await c.domains().checkWorkspace(userId: p.user.id, req: CheckWorkspace(domain: "dom-example.com", serviceProvider: "GOOGLE"))
        XCTAssertEqual(ws.exists, true)
        _ = try await c.domains().addForwarding(userId: p.user.id, req: DomainForwarding(domain: "dom-example.com", forwardTo: "https://acme.com", maskForwarding: nil))
        _ = try await c.domains().addEmailForwarding(userId: p.user.id, req: EmailForwarding(domain: "dom-example.com", forwardTo: "inbox@acme.com"))
        _ = try await c.domains().addGoogleClientId(userId: p.user.id, req: GoogleClientId(domain: "dom-example.com", clientId: "cid", appName: nil))
        do {
            _ = try await c.domains().remove(userId: p.user.id, domains: ["dom-example.com"])
            XCTFail("a domain with mailboxes cannot be removed")
        } catch let e as CmrError {
            XCTAssertTrue([.validation, .conflict].contains(e.kind), "\(e)")
        }
        let req = DomainRenewal(userId: p.user.id, domains: ["dom-example.com"], years: 1)
        try Sandbox.shared.advance(330 * 86_400)
        let prices = try await c.domains().renewalPrice(req: req)
        XCTAssertNotNil(prices.first?.renewalPrice)
        let renewed = try await c.domains().renew(req: req)
        XCTAssertFalse(renewed.message.isEmpty)
        let toggled = try await c.domains().toggleAutoRenew(req: ToggleDomainAutoRenew(userId: p.user.id, domains: nil, autoRenew: true))
        XCTAssertTrue(toggled.allSatisfy(\.autoRenew))
    }

    func testSubscriptionsEveryMethod() async throws {
        let p = try await provisioned(c, "sub@acme.com", "sub-example.com", ["a"])
        let ack = try await c.subscriptions().renew(subscriptionIds: [p.subscription.subscriptionId])
        XCTAssertTrue((ack.actionId ?? "").hasPrefix("ACT_"))
        _ = try await c.subscriptions().toggleAutoRenew(req: ToggleSubscriptionAutoRenew(subscriptionIds: [p.subscription.subscriptionId], autoRenew: false))
        _ = try await c.subscriptions().recreate(req: RecreateSubscriptions(subscriptionIds: nil, domainNames: ["sub-example.com"]))
        await assertThrowsCmr(.validation) { try await self.c.subscriptions().cancel(req: CancelSubscription(subscriptionId: nil, domain: nil)) }
        _ = try await c.subscriptions().cancel(req: CancelSubscription(subscriptionId: nil, domain: "sub-example.com"))
        try Sandbox.shared.advance(10)
        let cancelled = try await c.subscriptions().list(params: subscriptionFilter(status: "CANCELLED"))
        XCTAssertTrue(cancelled.items.contains { $0.domain == "sub-example.com" })
        let streamed = try await collect(c.subscriptions().listStream(params: subscriptionFilter(limit: 1)))
        XCTAssertEqual(streamed.count, 1)
    }

    func testExportsEveryMethod() async throws {
        let p = try await provisioned(c, "exp@acme.com", "exp-example.com", ["a"])
        let add = AddPlatformCredential(
            app: "EMAILBISON",
            credentials: PlatformLogin(email: "john@agency.com", password: "secret-pass"),
            metadata: PlatformMetadata(appBaseUrl: "https://app.emailbison.com", clientId: "client_eb", appName: "EmailBison", workspace: "ws")
        )
        let c1 = try await c.exports().addCredential(userId: p.user.id, req: add)
        let list = try await c.exports().listCredentials(userId: p.user.id)
        XCTAssertTrue(list.contains { $0.app == "EMAILBISON" && $0.connected })
        _ = try await c.exports().exportMailboxes(userId: p.user.id, req: ExportMailboxes(credentialId: c1.credentialId, componentMailboxIds: [p.mailboxes[0].mailboxId]))
        _ = try await c.exports().reexport(userId: p.user.id, mailboxId: p.mailboxes[0].mailboxId)
        _ = try await c.exports().removeCredential(userId: p.user.id, credentialId: c1.credentialId)
        await assertThrowsCmr(.notFound) { try await self.c.exports().removeCredential(userId: p.user.id, credentialId: c1.credentialId) }
    }

    func testPrewarmupEveryMethod() async throws {
        let user = try await c.users().create(user: newUser("pw@acme.com"))
        let page = try await c.prewarmup().list()
        let first = try XCTUnwrap(page.items.first)
        let provider = first.serviceProvider ?? "GOOGLE"
        let isGoogle = provider == "GOOGLE"
        _ = try await c.prewarmup().order(userId: user.id, order: PrewarmupOrder(
            order: [PrewarmupItem(domain: first.domain, forwardTo: nil)], serviceProvider: provider,
            google: isGoogle ? google() : nil, microsoftOauthRoute: isGoogle ? nil : "https://app.example.com/oauth/ms",
            autoRenew: nil, scenario: nil
        ))
        let all = try await collect(c.prewarmup().listStream(params: ListPrewarmupParams(serviceProvider: nil, contains: nil, page: nil, limit: 2)))
        XCTAssertEqual(Set(all.map(\.domain)).count, all.count)
        let names = try await c.prewarmup().sandboxList().map(\.domain)
        XCTAssertTrue(names.contains("sandbox.nexora-tech.com"))
        let sandboxOrder = PrewarmupOrder(
            order: [PrewarmupItem(domain: "sandbox.nexora-tech.com", forwardTo: nil), PrewarmupItem(domain: "mail-sandbox.brightplathlabs.com", forwardTo: nil)],
            serviceProvider: "GOOGLE", google: google(), microsoftOauthRoute: nil, autoRenew: nil, scenario: "partial_failure"
        )
        _ = try await c.prewarmup().sandboxOrder(userId: user.id, order: sandboxOrder)
        try Sandbox.shared.advance(60)
        let events = try Sandbox.shared.webhooks().compactMap { $0["event"] as? String }
        XCTAssertTrue(events.contains("prewarmup.order.success") && events.contains("prewarmup.order.failed"), "\(events)")
        let reset = try await c.prewarmup().sandboxReset()
        XCTAssertFalse(reset.message.isEmpty)
    }

    func testWalletAndSendError() async throws {
        let w = try await c.wallet().get()
        XCTAssertEqual(w.balance, 100000.0)
        let ack = try await c.sendError(report: SendErrorReport(message: "webhook never arrived", actionId: "ACT_1", details: nil))
        XCTAssertFalse(ack.message.isEmpty)
    }

    func testRawRequestReachesAnyPath() async throws {
        let text = try await c.request(method: "GET", path: "/geo/countries")
        let env = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        XCTAssertEqual(env["status"] as? Int, 200)
        XCTAssertNotNil(env["data"] as? [String: Any])
        let nf = await assertThrowsCmr(.notFound) { try await self.c.request(method: "GET", path: "/no/such/path") }
        XCTAssertEqual(nf?.info.path, "/no/such/path")
        await assertThrowsCmr(.validation) { try await self.c.request(method: "GET", path: "relative") }
    }
}
