// Issue #10 from Kotlin: a created order whose answer is lost is not re-sent,
// says it may have been sent, is found by findByDomain, and the sandbox holds
// exactly one order; a panic in the core is CmrException.Internal; bad
// numbers are Validation before anything is sent; plain http off loopback is
// refused; redirects and long error bodies carry their fields.
package cmr

import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class HardeningTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    private val orderPath = "/orders/json"

    private fun requestCount(): Int = (Sandbox.control("GET", "/requests") as org.json.JSONArray).length()

    /** Orders in the sandbox state whose request names `domain`. */
    private fun ordersFor(domain: String): Int {
        val orders = (Sandbox.control("GET", "/state") as JSONObject).getJSONObject("orders")
        return orders.keySet().count { id ->
            val domains = orders.getJSONObject(id).optJSONObject("request")?.optJSONArray("domains")
            domains != null && (0 until domains.length()).any { domains.getJSONObject(it).optString("domain") == domain }
        }
    }

    @Test
    fun lostOrderAnswerIsNotResentAndIsFoundByFindByDomain() = runBlocking {
        // Retries on: a maybe-applied write must still not be re-sent.
        val c = CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxRetries = 2u, retryBaseDelayMs = 10u, retryMaxDelayMs = 20u)
        val user = c.users().create(newUser("lost@acme.com"))
        Sandbox.fault(JSONObject(mapOf("method" to "POST", "path" to orderPath, "kind" to "drop_after")))
        val e = assertThrows<CmrException.Network> { runBlocking { c.orders().create(user.id, order("lost-answer.com", listOf("ann"))) } }
        assertTrue(e.mayHaveBeenSent, "$e")
        assertTrue(e.info.mayHaveBeenSent)
        assertEquals("network", e.code)
        assertNull(e.status)
        assertEquals("POST", e.info.method)
        assertEquals(orderPath, e.info.path)
        assertEquals(1, Sandbox.hits("POST", orderPath))

        val found = c.orders().findByDomain(user.id, "lost-answer.com")
        assertNotNull(found)
        assertEquals("lost-answer.com", found!!.domainName)
        assertEquals("PENDING", found.status)
        assertNull(c.orders().findByDomain(user.id, "never-ordered.com"))
        assertEquals(1, ordersFor("lost-answer.com"))
        assertEquals(1, Sandbox.hits("POST", orderPath))
    }

    @Test
    fun lateAnswerPastTheTimeoutMayHaveBeenSent() = runBlocking {
        val c = client()
        val user = c.users().create(newUser("late@acme.com"))
        Sandbox.fault(JSONObject(mapOf("method" to "POST", "path" to orderPath, "kind" to "delay_after", "delayMs" to 3000)))
        val e = assertThrows<CmrException.Timeout> {
            runBlocking { c.withOptions(timeoutMs = 300u).orders().create(user.id, order("late-answer.com", listOf("bob"))) }
        }
        assertTrue(e.mayHaveBeenSent)
        assertEquals(1, Sandbox.hits("POST", orderPath))
        assertEquals("PENDING", c.orders().findByDomain(user.id, "late-answer.com")?.status)
        assertEquals(1, ordersFor("late-answer.com"))
    }

    @Test
    fun lostUserAnswerIsFoundByFindByEmail() = runBlocking {
        val c = client()
        Sandbox.fault(JSONObject(mapOf("method" to "POST", "path" to "/users", "kind" to "drop_after")))
        val e = assertThrows<CmrException.Network> { runBlocking { c.users().create(newUser("Lost.User@Acme.com")) } }
        assertTrue(e.mayHaveBeenSent)
        assertEquals(1, Sandbox.hits("POST", "/users"))
        assertEquals("lost.user@acme.com", c.users().findByEmail("lost.user@acme.com")?.email?.lowercase())
        assertNull(c.users().findByEmail("nobody@acme.com"))
    }

    @Test
    fun panicInsideTheCoreIsCmrExceptionInternal() = runBlocking {
        val e = assertThrows<CmrException> { runBlocking { panicForTests() } }
        assertTrue(e is CmrException.Internal, "$e")
        assertEquals("internal", e.info.code)
        assertTrue(e.info.message.contains("panic"), e.info.message)
        // Caught as an ordinary Exception too, and the library still works.
        val caught = try {
            panicForTests()
            null
        } catch (x: Exception) {
            x
        }
        assertTrue(caught is CmrException.Internal, "$caught")
        client().wallet().get()
        Unit
    }

    @Test
    fun badNumbersAreValidationErrorsBeforeSending() = runBlocking {
        val bad: List<Pair<String, () -> CmrClient>> = listOf(
            "timeout" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, timeoutMs = 0u) },
            "timeout" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, timeoutMs = ULong.MAX_VALUE) },
            "connect_timeout" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, connectTimeoutMs = 0u) },
            "retry_max_delay" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, retryMaxDelayMs = ULong.MAX_VALUE) },
            "max_retries" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxRetries = 1000u) },
            "max_retries" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxRetries = UInt.MAX_VALUE) },
            "requests_per_second" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, requestsPerSecond = 0.0) },
            "requests_per_second" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, requestsPerSecond = -1.0) },
            "requests_per_second" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, requestsPerSecond = Double.NaN) },
            "max_response_bytes" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxResponseBytes = 10u) },
            "max_response_bytes" to { CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxResponseBytes = ULong.MAX_VALUE) },
        )
        for ((name, make) in bad) {
            val e = assertThrows<CmrException.Validation> { make() }
            assertTrue(e.info.message.contains(name), "$name: ${e.info.message}")
            assertNull(e.status)
            assertFalse(e.mayHaveBeenSent)
        }
        // Per-request options are checked when the call starts, before sending.
        val c = client()
        for ((name, view) in listOf("timeout" to c.withOptions(timeoutMs = 0u), "timeout" to c.withOptions(timeoutMs = ULong.MAX_VALUE), "max_retries" to c.withOptions(maxRetries = 1000u))) {
            val e = assertThrows<CmrException.Validation> { runBlocking { view.wallet().get() } }
            assertTrue(e.info.message.contains(name), "$name: ${e.info.message}")
        }
        assertEquals(0, requestCount())
    }

    @Test
    fun plainHttpOffLoopbackIsRefusedUnlessOptedIn() {
        val url = "http://example.com/api/v1/integration"
        val e = assertThrows<CmrException.Validation> { CmrClient(apiKey = "k", baseUrl = url) }
        assertTrue(e.info.message.contains(url), e.info.message)
        assertTrue(CmrClient(apiKey = "k", baseUrl = url, allowInsecureHttp = true).baseUrl().startsWith("http://example.com"))
        assertTrue(CmrClient(apiKey = "k", baseUrl = "https://example.com/api").baseUrl().startsWith("https://"))
        for (host in listOf("127.0.0.1", "localhost", "[::1]")) CmrClient(apiKey = "k", baseUrl = "http://$host:9/api")
        assertEquals(0, requestCount())
    }

    @Test
    fun redirectAndLongErrorBodyCarryTheirFields() = runBlocking {
        val seen = java.util.Collections.synchronizedList(mutableListOf<String>())
        val server = com.sun.net.httpserver.HttpServer.create(java.net.InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { ex ->
            seen.add("${ex.requestMethod} ${ex.requestURI.path}")
            if (ex.requestURI.path.startsWith("/redirect")) {
                ex.responseHeaders.add("Location", "http://127.0.0.1:9/elsewhere/wallet")
                ex.sendResponseHeaders(302, -1)
                ex.close()
            } else {
                val body = ("{\"success\":false,\"message\":\"" + "x".repeat(200 * 1024) + "\"}").toByteArray()
                ex.sendResponseHeaders(500, body.size.toLong())
                ex.responseBody.use { it.write(body) }
            }
        }
        server.start()
        try {
            val origin = "http://127.0.0.1:${server.address.port}"
            val r = assertThrows<CmrException.Redirect> {
                runBlocking { CmrClient(apiKey = "secret-key-123", baseUrl = "$origin/redirect", maxRetries = 3u).wallet().get() }
            }
            assertEquals("redirect", r.code)
            assertEquals(302.toUShort(), r.status)
            assertEquals("http://127.0.0.1:9/elsewhere/wallet", r.info.location)
            assertFalse(r.info.bodyTruncated)
            assertFalse(r.toString().contains("secret-key-123"))
            assertEquals(listOf("GET /redirect/wallet"), seen.toList(), "neither followed nor retried")

            val s = assertThrows<CmrException.Server> {
                runBlocking { CmrClient(apiKey = "k", baseUrl = "$origin/big", maxRetries = 0u).wallet().get() }
            }
            assertTrue(s.info.bodyTruncated)
            val size = s.info.body.orEmpty().toByteArray().size
            assertTrue(size in 1..64 * 1024, "$size")
            assertNull(s.info.location)
        } finally {
            server.stop(0)
        }
    }
}
