// Every error class, from the shared scenarios (tests/scenarios/errors.json),
// plus retries and the API key never showing in toString().
package cmr

import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class ErrorsTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    /** Contract class name (CONTRACTS.md §2) of each code. */
    private val kotlinClass = mapOf(
        "authentication" to CmrException.Authentication::class,
        "permission" to CmrException.PermissionDenied::class,
        "not_found" to CmrException.NotFound::class,
        "conflict" to CmrException.Conflict::class,
        "validation" to CmrException.Validation::class,
        "payment_required" to CmrException.PaymentRequired::class,
        "rate_limited" to CmrException.RateLimited::class,
        "server" to CmrException.Server::class,
        "network" to CmrException.Network::class,
        "timeout" to CmrException.Timeout::class,
        "decode" to CmrException.Decode::class,
        "signature" to CmrException.SignatureVerification::class,
    )

    private suspend fun call(c: CmrClient, op: String, args: JSONObject) {
        when (op) {
            "users.list" -> c.users().list(ListUsersParams(null, null, null))
            "users.get" -> c.users().get(args.getString("userId"))
            else -> error("scenario op $op has no mapping in this suite")
        }
    }

    @TestFactory
    fun sharedErrorScenarios(): List<DynamicTest> {
        val cases = scenario("errors.json").getJSONArray("cases")
        return (0 until cases.length()).map { cases.getJSONObject(it) }.map { case ->
            DynamicTest.dynamicTest(case.getString("name")) {
                Sandbox.reset()
                val setup = case.optJSONObject("setup") ?: JSONObject()
                val c = client(
                    apiKey = setup.optString("apiKey", SANDBOX_KEY),
                    timeoutMs = if (setup.has("timeoutMs")) setup.getLong("timeoutMs").toULong() else null,
                )
                case.optJSONObject("fault")?.let { Sandbox.fault(it) }
                val before = Sandbox.hits("GET", "")
                val e = assertThrows<CmrException> { runBlocking { call(c, case.getString("op"), case.getJSONObject("args")) } }
                val code = case.getString("code")
                assertEquals(kotlinClass.getValue(code), e::class, "${case.getString("name")}: $e")
                val info = e.info
                assertEquals(code, info.code)
                assertTrue(info.message.isNotEmpty())
                if (case.has("status")) {
                    assertEquals(case.getInt("status").toUShort(), info.status)
                    assertTrue(info.body != null, "the raw body is kept")
                }
                if (case.has("retryAfter")) assertEquals(case.getDouble("retryAfter"), info.retryAfterSeconds)
                if (case.optBoolean("noRequest")) {
                    assertEquals(before, Sandbox.hits("GET", ""), "refused before sending")
                    assertNull(info.status)
                } else {
                    assertEquals("GET", info.method)
                    assertTrue(info.path.orEmpty().startsWith("/users"), "${info.path}")
                }
                assertFalse(e.toString().contains(SANDBOX_KEY))
            }
        }
    }

    @Test
    fun decodeErrorOnAnAnswerThatIsNotJson() = runBlocking {
        // A loopback server answering 200 with a body that is not JSON.
        val server = com.sun.net.httpserver.HttpServer.create(java.net.InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { ex ->
            val body = "<html>maintenance</html>".toByteArray()
            ex.sendResponseHeaders(200, body.size.toLong())
            ex.responseBody.use { it.write(body) }
        }
        server.start()
        try {
            val c = CmrClient(apiKey = SANDBOX_KEY, baseUrl = "http://127.0.0.1:${server.address.port}/api", maxRetries = 0u)
            val e = assertThrows<CmrException.Decode> { runBlocking { c.wallet().get() } }
            assertEquals("decode", e.code)
            assertEquals(200.toUShort(), e.status)
            assertTrue(e.info.body.orEmpty().contains("maintenance"))
        } finally {
            server.stop(0)
        }
    }

    @Test
    fun getIsRetriedAfter503AndSucceeds() = runBlocking {
        Sandbox.fault(JSONObject(mapOf("path" to "/users/list", "count" to 1, "kind" to "status", "status" to 503)))
        val c = CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxRetries = 2u, retryBaseDelayMs = 10u, retryMaxDelayMs = 20u)
        c.users().list()
        assertEquals(2, Sandbox.hits("GET", "/users/list"))
    }

    @Test
    fun withOptionsOverridesRetriesPerView() = runBlocking {
        val base = client() // no retries
        Sandbox.fault(JSONObject(mapOf("path" to "/users/list", "count" to 1, "kind" to "status", "status" to 503)))
        assertThrows<CmrException.Server> { runBlocking { base.users().list() } }
        Sandbox.fault(JSONObject(mapOf("path" to "/users/list", "count" to 1, "kind" to "status", "status" to 503)))
        base.withOptions(maxRetries = 1u).users().list()
        assertEquals(3, Sandbox.hits("GET", "/users/list"))
        Sandbox.fault(JSONObject(mapOf("path" to "/users/list", "count" to 1, "kind" to "delay", "delayMs" to 2000)))
        assertThrows<CmrException.Timeout> { runBlocking { base.withOptions(timeoutMs = 200u).users().list() } }
        Unit
    }

    @Test
    fun writeIsNotRetriedAfter500() = runBlocking {
        Sandbox.fault(JSONObject(mapOf("path" to "/users", "method" to "POST", "count" to 1, "kind" to "status", "status" to 500)))
        val c = CmrClient(apiKey = SANDBOX_KEY, baseUrl = Sandbox.baseUrl, maxRetries = 2u, retryBaseDelayMs = 10u, retryMaxDelayMs = 20u)
        assertThrows<CmrException.Server> { runBlocking { c.users().create(newUser("once@acme.com")) } }
        assertEquals(1, Sandbox.hits("POST", "/users"))
    }

    @Test
    fun missingKeyIsAValidationError() {
        // CMR_API_KEY is not set in the test environment (the script unsets it).
        if (System.getenv("CMR_API_KEY") != null) return
        val e = assertThrows<CmrException.Validation> { CmrClient(baseUrl = Sandbox.baseUrl) }
        assertTrue(e.info.message.contains("CMR_API_KEY"), e.info.message)
    }

    @Test
    fun keyNeverInToStringOfClientOrExceptions() = runBlocking {
        val secret = "sk_live_very_secret_4242"
        val c = CmrClient(apiKey = secret, baseUrl = Sandbox.baseUrl, maxRetries = 0u)
        val shown = c.toString()
        assertFalse(shown.contains(secret), shown)
        assertTrue(shown.contains(Sandbox.baseUrl), shown)
        val e = assertThrows<CmrException.Authentication> { runBlocking { c.users().list() } }
        for (s in listOf(e.toString(), e.message.orEmpty(), e.info.toString(), e.stackTraceToString())) {
            assertFalse(s.contains(secret), s)
        }
        val sandboxed = CmrClient(apiKey = secret, baseUrl = Sandbox.baseUrl, sandbox = true)
        assertTrue(sandboxed.isSandbox())
        assertFalse(sandboxed.toString().contains(secret))
    }
}
