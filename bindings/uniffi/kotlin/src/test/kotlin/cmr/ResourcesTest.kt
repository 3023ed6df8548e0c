// Every resource and every method of the Kotlin package, over real HTTP
// against the sandbox.
package cmr

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class ResourcesTest {
    private val c = client()

    @BeforeEach
    fun reset() = Sandbox.reset()

    private fun updateUser(city: String? = null, email: String? = null) =
        UpdateUser(email, null, null, null, null, city, null, null, null, null, null, null, null, null)

    @Test
    fun usersCreateGetUpdateListDelete() = runBlocking {
        val u = c.users().create(newUser("jane@acme.com"))
        assertTrue(u.id.isNotEmpty())
        assertEquals("jane@acme.com", u.email)
        assertEquals("Acme Inc.", c.users().get(u.id).company)

        val ack = c.users().update(u.id, updateUser(city = "Dallas"))
        assertTrue(ack.message.isNotEmpty())
        assertEquals("Dallas", c.users().get(u.id).city)

        assertTrue(c.users().list().items.any { it.id == u.id })

        c.users().delete(u.id)
        val e = assertThrows<CmrException.NotFound> { runBlocking { c.users().get(u.id) } }
        assertEquals(404.toUShort(), e.status)
        assertEquals("GET", e.info.method)
        assertEquals("/users", e.info.path)
        assertEquals("not_found", e.code)
        // One CmrErrorInfo record per variant: `info.message` is the server's message,
        // toString() is the Rust Display, and Kotlin's message names the field.
        assertTrue(e.info.message.isNotEmpty())
        assertEquals("not_found: ${e.info.message}", e.toString())
        assertEquals("info=not_found: ${e.info.message}", e.message)
    }

    @Test
    fun duplicateEmailIsAConflict() = runBlocking {
        c.users().create(newUser("dup@acme.com"))
        assertThrows<CmrException.Conflict> { runBlocking { c.users().create(newUser("dup@acme.com")) } }
        Unit
    }

    @Test
    fun paginationWalksEveryPageOnce() = runBlocking {
        repeat(23) { c.users().create(newUser("user$it@acme.com")) }
        val first = c.users().list(ListUsersParams(page = null, limit = 10u, search = null))
        assertEquals(10, first.items.size)
        assertEquals(2u, first.nextPage)
        assertEquals(3u, first.totalPages)
        val last = c.users().list(ListUsersParams(page = 3u, limit = 10u, search = null))
        assertEquals(3, last.items.size)
        assertNull(last.nextPage)

        val all = c.users().listStream(ListUsersParams(page = null, limit = 10u, search = null)).toList()
        assertEquals(23, all.size)
        assertEquals(23, all.map { it.id }.toSet().size, "no user twice")
        assertEquals(3, Sandbox.hits("GET", "/users/list") - 2, "the flow fetched three pages")
    }

    @Test
    fun geoCountriesAndStates() = runBlocking {
        val countries = c.geo().countries()
        assertTrue(countries.any { it.code == "US" && it.name.isNotEmpty() })
        assertEquals(countries.sortedBy { it.name }, countries, "sorted by name")
        assertTrue(c.geo().states("us").any { it.code == "TX" })
        assertThrows<CmrException.Validation> { runBlocking { c.geo().states("USA") } }
        Unit
    }

    @Test
    fun ordersLifecycleProcessStatusAndDetails() = runBlocking {
        val user = c.users().create(newUser("later@acme.com"))
        val created = c.orders().create(user.id, order("later-example.com", listOf("ann"), confirm = false))
        val orderId = created.orderId!!
        Sandbox.advance(60)
        assertTrue(Sandbox.webhooks().isEmpty(), "an unconfirmed order does nothing")
        assertEquals("CREATED", c.orders().status(user.id, orderId).status)

        c.orders().process(user.id, orderId)
        Sandbox.advance(60)
        assertEquals("COMPLETED", c.orders().status(user.id, orderId).status)
        val details = c.orders().get(user.id, orderId)
        assertEquals(orderId, details.orderId)
        assertEquals(1, details.domains.size)
    }

    @Test
    fun ordersMultipartWithAProfilePicture() = runBlocking {
        val user = c.users().create(newUser("pic@acme.com"))
        val png = ProfilePicture(key = "ann@pic-example.com", fileName = "ann.png", contentType = "image/png", data = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()))
        val created = c.orders().createMultipart(user.id, order("pic-example.com", listOf("ann")), listOf(png))
        assertNotNull(created.orderId)
        assertTrue(created.actionId.orEmpty().startsWith("ACT_"))
        val bad = png.copy(key = "zed@pic2-example.com")
        assertThrows<CmrException.Validation> {
            runBlocking { c.orders().createMultipart(user.id, order("pic2-example.com", listOf("ann")), listOf(bad)) }
        }
        assertEquals(1, Sandbox.hits("POST", "/orders"), "the bad one was refused before sending")
    }

    @Test
    fun insufficientWalletIsPaymentRequired() = runBlocking {
        Sandbox.control("PUT", "/wallet", JSONObject(mapOf("balance" to 0.0)))
        val user = c.users().create(newUser("poor@acme.com"))
        val e = assertThrows<CmrException.PaymentRequired> { runBlocking { c.orders().create(user.id, order("poor-example.com", listOf("a"))) } }
        assertEquals(402.toUShort(), e.status)
        assertEquals(0.0, c.wallet().get().balance)
    }

    @Test
    fun orderMailboxesAndAddMailboxesToSubscription() = runBlocking {
        val p = provisioned(c, "more@acme.com", "more-example.com", listOf("a"))
        val mailboxes = mapOf("more-example.com" to listOf(mailbox("b")))
        val both = MailboxOrder(p.subscription.subscriptionId, "D", null, null, mailboxes, null, null, null)
        assertThrows<CmrException.Validation> { runBlocking { c.orders().orderMailboxes(p.user.id, both) } }
        assertEquals(0, Sandbox.hits("POST", "/orders/create-mailbox-order/json"), "refused before sending")

        val ok = MailboxOrder(p.subscription.subscriptionId, null, null, true, mailboxes, null, null, google())
        c.orders().orderMailboxes(p.user.id, ok)
        Sandbox.advance(60)
        assertEquals(2, c.mailboxes().list(p.user.id).size)

        val add = AddMailboxesToSubscription(p.subscription.subscriptionId, mapOf("more-example.com" to listOf(mailbox("c"))), true, google(), null)
        val created = c.orders().addMailboxesToSubscription(p.user.id, add, emptyList())
        assertTrue(created.message.isNotEmpty())
        assertEquals(1, Sandbox.hits("POST", "/orders/add-mailboxes"))
    }

    @Test
    fun mailboxesGetAdminUpdateRemoveAndListAll() = runBlocking {
        val p = provisioned(c, "mb@acme.com", "mb-example.com", listOf("a", "b"))
        assertTrue(p.mailboxes.all { it.status == "ACTIVE" }, "${p.mailboxes}")
        val id = p.mailboxes[0].mailboxId
        val one = c.mailboxes().get(id, p.user.id)
        assertEquals(id, one.mailboxId)
        assertTrue(one.email.orEmpty().endsWith("@mb-example.com"))
        val admin = c.mailboxes().adminDetails(p.user.id, id)
        assertTrue(admin.mailboxId.isNotEmpty())
        // toString is the core's redacted Debug: the credentials are readable, never printed.
        val password = admin.password
        assertTrue(!password.isNullOrEmpty(), "the sandbox hands out a password")
        for (shown in listOf(admin.toString(), listOf(admin).toString(), "$admin")) {
            assertFalse(password!! in shown, shown)
            assertTrue("<redacted>" in shown && admin.mailboxId in shown, shown)
        }

        val upd = c.mailboxes().update(p.user.id, MailboxUpdate(id, null, "Zoe", null, null, null))
        assertTrue(upd.actionId.orEmpty().startsWith("ACT_"))
        Sandbox.advance(10)
        assertEquals("Zoe", c.mailboxes().get(id).firstName)

        val many = c.mailboxes().updateMany(
            p.user.id,
            listOf(
                MailboxUpdate(p.mailboxes[1].mailboxId, null, null, "Roe", null, null),
                MailboxUpdate("NOSUCHMAILBOX000000000000000", null, null, "X", null, null),
            ),
        )
        assertEquals(listOf(true, false), many.results.map { it.success })

        assertTrue(c.mailboxes().listAll().items.size >= 2)
        assertEquals(2, c.mailboxes().listAllStream(ListMailboxesParams(page = null, limit = 1u)).toList().size)

        c.mailboxes().remove(p.user.id, id)
        Sandbox.advance(10)
        assertEquals(1, c.mailboxes().list(p.user.id).size)
    }

    @Test
    fun userWithResourcesCannotBeDeleted() = runBlocking {
        val p = provisioned(c, "busy@acme.com", "busy-example.com", listOf("a"))
        val e = assertThrows<CmrException.Validation> { runBlocking { c.users().delete(p.user.id) } }
        assertEquals(400.toUShort(), e.status)
        assertTrue(e.info.body.orEmpty().contains("\"status\":400"), "raw body kept: ${e.info.body}")
    }

    @Test
    fun dnsAddListUpdateDelete() = runBlocking {
        val p = provisioned(c, "dns@acme.com", "dns-example.com", listOf("a"))
        val added = c.dns().add(
            p.user.id,
            AddDnsRecords(
                "dns-example.com",
                listOf(
                    NewDnsRecord("mail", "192.0.2.10", "A", null, null),
                    NewDnsRecord("_dmarc", "v=DMARC1; p=none", "TXT", null, listOf("rua", "ruf")),
                ),
            ),
        )
        assertEquals(2, added.size)
        assertTrue(added.all { it.recordId.isNotEmpty() })
        val dmarc = c.dns().list(p.user.id, "dns-example.com").records.first { it.host == "_dmarc" }
        assertTrue(dmarc.value.contains("pct=100") && !dmarc.value.contains("rua="), dmarc.value)

        val a = added.first { it.host == "mail" }
        c.dns().update(p.user.id, UpdateDnsRecord(a.recordId, "dns-example.com", "mail", "192.0.2.20", "A", null, null))
        assertTrue(c.dns().list(p.user.id, "dns-example.com").records.any { it.value == "192.0.2.20" })
        c.dns().delete(p.user.id, a.recordId)
        assertFalse(c.dns().list(p.user.id, "dns-example.com").records.any { it.recordId == a.recordId })
    }

    @Test
    fun domainsEveryMethod() = runBlocking {
        val p = provisioned(c, "dom@acme.com", "dom-example.com", listOf("a"))
        val domains = c.domains().list(p.user.id)
        assertEquals(listOf("dom-example.com"), domains.map { it.domainName })
        assertEquals("ACTIVE", domains[0].status)
        assertTrue(c.domains().suggest(p.user.id, SuggestDomains("acme", null, null)).isNotEmpty())
        assertEquals(false, c.domains().checkAvailability(p.user.id, "dom-example.com").available)
        val free = c.domains().checkAvailability(p.user.id, "brand-new-name-1234.com")
        assertEquals(true, free.available)
        assertTrue((free.price ?: 0.0) > 0.0)
        assertEquals(true, c.domains().checkWorkspace(p.user.id, CheckWorkspace("dom-example.com", "GOOGLE")).exists)
        c.domains().addForwarding(p.user.id, DomainForwarding("dom-example.com", "https://acme.com", null))
        c.domains().addEmailForwarding(p.user.id, EmailForwarding("dom-example.com", "inbox@acme.com"))
        c.domains().addGoogleClientId(p.user.id, GoogleClientId("dom-example.com", "cid", null))
        val e = assertThrows<CmrException> { runBlocking { c.domains().remove(p.user.id, listOf("dom-example.com")) } }
        assertTrue(e is CmrException.Validation || e is CmrException.Conflict, "a domain with mailboxes cannot be removed: $e")
        assertEquals(1, Sandbox.hits("DELETE", "/domains/remove"))
    }

    @Test
    fun domainRenewalWindowAndAutoRenew() = runBlocking {
        val p = provisioned(c, "renew@acme.com", "renew-example.com", listOf("a"))
        val req = DomainRenewal(p.user.id, listOf("renew-example.com"), 1u)
        assertNotNull(c.domains().renewalPrice(req)[0].error, "outside the renewal window")
        Sandbox.advance(330L * 86_400)
        val prices = c.domains().renewalPrice(req)
        assertTrue(prices[0].error == null && prices[0].renewalPrice != null, "$prices")
        assertTrue(c.domains().renew(req).message.isNotEmpty())
        val toggled = c.domains().toggleAutoRenew(ToggleDomainAutoRenew(p.user.id, null, true))
        assertTrue(toggled.isNotEmpty() && toggled.all { it.autoRenew })
    }

    @Test
    fun subscriptionsEveryMethod() = runBlocking {
        val p = provisioned(c, "sub@acme.com", "sub-example.com", listOf("a"))
        assertEquals("ACTIVE", p.subscription.subscriptionStatus)
        val ack = c.subscriptions().renew(listOf(p.subscription.subscriptionId))
        assertTrue(ack.actionId.orEmpty().startsWith("ACT_"))
        c.subscriptions().toggleAutoRenew(ToggleSubscriptionAutoRenew(listOf(p.subscription.subscriptionId), false))
        c.subscriptions().recreate(RecreateSubscriptions(null, listOf("sub-example.com")))
        assertThrows<CmrException.Validation> { runBlocking { c.subscriptions().cancel(CancelSubscription(null, null)) } }
        c.subscriptions().cancel(CancelSubscription(null, "sub-example.com"))
        Sandbox.advance(10)
        val cancelled = c.subscriptions().list(subscriptionFilter(status = "CANCELLED"))
        assertTrue(cancelled.items.any { it.domain == "sub-example.com" }, "$cancelled")
        assertEquals(1, c.subscriptions().listStream(subscriptionFilter(limit = 1u)).toList().size)
    }

    @Test
    fun exportsEveryMethod() = runBlocking {
        val p = provisioned(c, "exp@acme.com", "exp-example.com", listOf("a"))
        val add = AddPlatformCredential(
            "EMAILBISON",
            PlatformLogin("john@agency.com", "secret-pass"),
            PlatformMetadata("https://app.emailbison.com", "client_eb", "EmailBison", "ws"),
        )
        val c1 = c.exports().addCredential(p.user.id, add)
        val c2 = c.exports().addCredential(p.user.id, add)
        assertNotEquals(c1.credentialId, c2.credentialId)
        val eb = c.exports().listCredentials(p.user.id).first { it.app == "EMAILBISON" }
        assertTrue(eb.connected)
        assertEquals(2, eb.credentials.size)
        c.exports().exportMailboxes(p.user.id, ExportMailboxes(c1.credentialId, listOf(p.mailboxes[0].mailboxId)))
        c.exports().reexport(p.user.id, p.mailboxes[0].mailboxId)
        c.exports().removeCredential(p.user.id, c1.credentialId)
        assertThrows<CmrException.NotFound> { runBlocking { c.exports().removeCredential(p.user.id, c1.credentialId) } }
        Unit
    }

    @Test
    fun prewarmupEveryMethod() = runBlocking {
        val user = c.users().create(newUser("pw@acme.com"))
        val page = c.prewarmup().list()
        assertTrue(page.items.isNotEmpty())
        val first = page.items[0]
        val provider = first.serviceProvider ?: "GOOGLE"
        val google = provider == "GOOGLE"
        c.prewarmup().order(
            user.id,
            PrewarmupOrder(
                listOf(PrewarmupItem(first.domain, null)), provider,
                if (google) google() else null, if (google) null else "https://app.example.com/oauth/ms", null, null,
            ),
        )
        val all = c.prewarmup().listStream(ListPrewarmupParams(null, null, null, 2u)).toList()
        assertEquals(all.map { it.domain }.toSet().size, all.size, "no domain twice")

        val names = c.prewarmup().sandboxList().map { it.domain }
        assertTrue("sandbox.nexora-tech.com" in names, "$names")
        val sandboxOrder = PrewarmupOrder(
            listOf(PrewarmupItem("sandbox.nexora-tech.com", null), PrewarmupItem("mail-sandbox.brightplathlabs.com", null)),
            "GOOGLE", google(), null, null, "partial_failure",
        )
        assertThrows<CmrException.Validation> { runBlocking { c.prewarmup().order(user.id, sandboxOrder) } }
        c.prewarmup().sandboxOrder(user.id, sandboxOrder)
        Sandbox.advance(60)
        val events = Sandbox.webhooks().map { it.optString("event") }
        assertTrue("prewarmup.order.success" in events && "prewarmup.order.failed" in events, "$events")
        assertTrue(c.prewarmup().sandboxReset().message.isNotEmpty())
    }

    @Test
    fun walletAndSendError() = runBlocking {
        assertEquals(100000.0, c.wallet().get().balance)
        val ack = c.sendError(SendErrorReport("webhook never arrived", "ACT_1", null))
        assertTrue(ack.message.isNotEmpty())
    }

    @Test
    fun rawRequestReachesAnyPath() = runBlocking {
        val env = JSONObject(c.request("GET", "/geo/countries", null, null))
        assertEquals(200, env.getInt("status"))
        assertTrue(env.get("data") is JSONObject)
        val withQuery = JSONObject(c.request("GET", "/users", mapOf("userId" to c.users().create(newUser("raw@acme.com")).id), null))
        assertEquals("raw@acme.com", withQuery.getJSONObject("data").optString("email"))
        val nf = assertThrows<CmrException.NotFound> { runBlocking { c.request("GET", "/no/such/path") } }
        assertEquals("/no/such/path", nf.info.path)
        assertThrows<CmrException.Validation> { runBlocking { c.request("GET", "relative") } }
        assertThrows<CmrException.Validation> { runBlocking { c.request("POST", "/users", null, "{not json") } }
        Unit
    }
}
