// Webhook verification vectors (tests/scenarios/webhook_vectors.json) and the
// events the sandbox emits during an order, parsed into typed data.
package cmr

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class WebhooksTest {
    @TestFactory
    fun sharedVectors(): List<DynamicTest> {
        val v = scenario("webhook_vectors.json")
        val secret = v.getString("secret")
        val cases = v.getJSONArray("cases")
        return (0 until cases.length()).map { cases.getJSONObject(it) }.map { case ->
            DynamicTest.dynamicTest(case.getString("name")) {
                val body = case.getString("body").toByteArray()
                val h = case.getJSONObject("headers")
                val headers = h.keySet().associateWith { h.getString(it) }
                val now = case.getLong("now")
                if (case.getBoolean("valid")) {
                    verifyWebhookAt(body, headers, secret, now)
                    val ev = parseWebhook(body)
                    assertEquals(case.getString("event"), ev.event)
                    assertEquals(case.getString("eventId"), ev.eventId)
                    val data = ev.data
                    assertTrue(data is WebhookEventData.DomainOrderSuccess, "$data")
                    assertEquals(15.88, (data as WebhookEventData.DomainOrderSuccess).data.price)
                } else {
                    val e = assertThrows<CmrException.SignatureVerification> { verifyWebhookAt(body, headers, secret, now) }
                    assertEquals("signature", e.code)
                    if (case.has("errorContains")) {
                        assertTrue(e.info.message.contains(case.getString("errorContains")), e.info.message)
                    }
                }
            }
        }
    }

    @Test
    fun signThenVerifyNowAndConstruct() {
        val body = """{"event":"dns.changed","eventId":"E9","data":{"x":1}}""".toByteArray()
        val ts = System.currentTimeMillis() / 1000
        val headers = mapOf(webhookSignatureHeader() to signWebhook("whsec", ts, body), webhookTimestampHeader() to ts.toString())
        verifyWebhook(body, headers, "whsec")
        val ev = constructWebhookEvent(body, headers, "whsec")
        val data = ev.data
        assertTrue(data is WebhookEventData.Unknown, "unknown events are kept, not errors: $data")
        assertEquals("dns.changed", (data as WebhookEventData.Unknown).event)
        assertTrue(data.dataJson.contains("\"x\":1"))
        assertThrows<CmrException.SignatureVerification> { constructWebhookEvent(body, headers, "other") }
        assertThrows<CmrException.Decode> { parseWebhook("not json".toByteArray()) }
        Unit
    }

    @Test
    fun aToleranceAboveTenYearsIsAValidationError() {
        val v = scenario("webhook_vectors.json")
        val case = v.getJSONArray("cases").getJSONObject(0)
        val h = case.getJSONObject("headers")
        val headers = h.keySet().associateWith { h.getString(it) }
        val body = case.getString("body").toByteArray()
        assertThrows<CmrException.Validation> { verifyWebhookAt(body, headers, v.getString("secret"), case.getLong("now"), ULong.MAX_VALUE) }
        for (now in listOf(Long.MAX_VALUE, Long.MIN_VALUE, 0L)) {
            assertThrows<CmrException.SignatureVerification> { verifyWebhookAt(body, headers, v.getString("secret"), now, 3650UL * 86400UL) }
        }
        Unit
    }

    @Test
    fun dedupeInMemory() {
        val d = EventDeduplicator()
        assertEquals(7UL * 86400UL, d.ttlSeconds())
        assertEquals(listOf(false, true, false), listOf(d.seen("E1"), d.seen("E1"), d.seen("E2")))
        d.forget("E1")
        assertEquals(false, d.seen("E1"))
        assertThrows<CmrException.Validation> { d.seen("") }
        val zero = EventDeduplicator(0UL)
        assertEquals(listOf(false, false), listOf(zero.seen("E"), zero.seen("E")), "a 0 s TTL forgets at once")
        val small = EventDeduplicator(3600UL, 2UL)
        assertEquals(listOf(false, false, false, true), listOf(small.seen("a"), small.seen("b"), small.seen("c"), small.seen("c")))
        assertEquals(false, small.seen("a"), "the oldest id was dropped to stay within capacity")
        assertThrows<CmrException.Validation> { EventDeduplicator(ULong.MAX_VALUE) }
        assertThrows<CmrException.Validation> { EventDeduplicator(60UL, 0UL) }
        Unit
    }

    private class MapStore : EventStore {
        val data = java.util.concurrent.ConcurrentHashMap<String, ULong>()
        override fun seenOrInsert(eventId: String, ttlSeconds: ULong): Boolean = data.putIfAbsent(eventId, ttlSeconds) != null
        override fun forget(eventId: String) {
            data.remove(eventId)
        }
    }

    @Test
    fun dedupeOverAUserStoreAndReplays() {
        val v = scenario("webhook_vectors.json")
        val secret = v.getString("secret")
        val case = v.getJSONArray("cases").getJSONObject(0)
        val h = case.getJSONObject("headers")
        val headers = h.keySet().associateWith { h.getString(it) }
        val body = case.getString("body").toByteArray()
        val now = case.getLong("now")
        val store = MapStore()
        val d = EventDeduplicator.withStore(store, 60UL)
        val first = verifyAndDedupeWebhook(body, headers, secret, d, null, now)
        assertEquals("6SSHBXWR3N4JEKGRQSG3KW3D76N6", first?.eventId)
        assertEquals(mapOf("6SSHBXWR3N4JEKGRQSG3KW3D76N6" to 60UL), store.data.toMap())
        // A replay with a fresh timestamp verifies (the timestamp is not signed) but is dropped.
        val replay = headers + ("cmr-x-timestamp" to (now + 3600).toString())
        verifyWebhookAt(body, replay, secret, now + 3600)
        assertEquals(null, verifyAndDedupeWebhook(body, replay, secret, d, null, now + 3600))
        d.forget("6SSHBXWR3N4JEKGRQSG3KW3D76N6")
        assertTrue(store.data.isEmpty())
        assertEquals(false, d.isDuplicate(parseWebhook(body)))
        assertEquals(true, d.isDuplicate(parseWebhook(body)))
        assertEquals(false, d.seen("x".repeat(1000)))
        assertTrue(store.data.keys.any { it.startsWith("sha256:") && it.length == 71 })
        Unit
    }

    /** A loopback HTTP receiver for the sandbox's webhook deliveries. */
    private class Receiver : AutoCloseable {
        data class Delivery(val headers: Map<String, String>, val body: ByteArray)
        val deliveries = java.util.Collections.synchronizedList(mutableListOf<Delivery>())
        private val server = com.sun.net.httpserver.HttpServer.create(java.net.InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/hooks") { ex ->
                val body = ex.requestBody.readAllBytes()
                val headers = ex.requestHeaders.entries.associate { (k, v) -> k.lowercase() to v.first() }
                deliveries.add(Delivery(headers, body))
                ex.sendResponseHeaders(200, -1)
                ex.close()
            }
            start()
        }
        val url = "http://127.0.0.1:${server.address.port}/hooks"
        override fun close() = server.stop(0)
    }

    @Test
    fun sandboxDeliveriesVerifyAndParse() = runBlocking {
        Sandbox.reset()
        Receiver().use { rx ->
            Sandbox.control("PUT", "/config", org.json.JSONObject(mapOf("webhookUrl" to rx.url)))
            try {
                val c = client()
                val p = provisioned(c, "life@acme.com", "lifecycle-example.com", listOf("alice", "bob"))
                assertEquals(2, p.mailboxes.size)
                val events = rx.deliveries.map { d ->
                    // Verified against the raw bytes received, with the sandbox's secret (its API key).
                    val ts = d.headers.getValue(webhookTimestampHeader()).toLong()
                    verifyWebhookAt(d.body, d.headers, SANDBOX_KEY, ts)
                    assertThrows<CmrException.SignatureVerification> { verifyWebhookAt(d.body, d.headers, "wrong-secret", ts) }
                    val ev = parseWebhook(d.body)
                    assertTrue(ev.eventId != null)
                    when (val data = ev.data) {
                        is WebhookEventData.DomainOrderSuccess -> assertEquals("lifecycle-example.com", data.data.domainName)
                        is WebhookEventData.MailboxOrderSuccess -> assertEquals(p.subscription.subscriptionId, data.data.subscriptionId)
                        is WebhookEventData.MailboxCreated -> assertTrue(data.data.email.orEmpty().endsWith("@lifecycle-example.com"))
                        else -> throw AssertionError("unexpected ${ev.event}: $data")
                    }
                    ev.event
                }
                val expected = listOf("domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created")
                // Due deliveries are sent concurrently: the log, not the arrival order, is ordered.
                assertEquals(expected, Sandbox.webhooks().map { it.getString("event") })
                assertEquals(expected.sorted(), events.sorted(), "every event was delivered once")
            } finally {
                Sandbox.control("PUT", "/config", org.json.JSONObject().put("webhookUrl", org.json.JSONObject.NULL))
            }
        }
    }

    @Test
    fun credentialsInADeliveryAreNotPrinted() {
        val body = """{"event":"mailbox.created","eventId":"ev1","data":{"email":"a@b.co","password":"pw-in-body","appPassword":"app-in-body"}}""".toByteArray()
        val ev = parseWebhook(body)
        val data = (ev.data as WebhookEventData.MailboxCreated).data
        assertEquals("pw-in-body", data.password)
        assertEquals("app-in-body", data.appPassword)
        for (shown in listOf(ev.toString(), ev.data.toString(), data.toString())) {
            assertFalse("pw-in-body" in shown || "app-in-body" in shown, shown)
            assertTrue("a@b.co" in shown, shown)
        }
        // A login the caller builds prints redacted too.
        val login = PlatformLogin(email = "ops@acme.com", password = "s3cret-login")
        assertFalse("s3cret-login" in login.toString(), login.toString())
        assertEquals("s3cret-login", login.password)
    }
}
