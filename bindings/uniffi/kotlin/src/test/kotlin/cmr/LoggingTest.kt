// Logging (issue #14): a registered CmrLogger receives the core's lines for a
// retried and a failing call; the API key never appears in them.
package cmr

import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class LoggingTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    /** A logger collecting every record (called on the client's worker threads). */
    class Collect : CmrLogger {
        val records: MutableList<CmrLogRecord> = Collections.synchronizedList(mutableListOf())
        override fun log(record: CmrLogRecord) {
            records.add(record)
        }
    }

    private fun logged(logger: CmrLogger, level: LogLevel? = null) = CmrClient(
        apiKey = SANDBOX_KEY,
        baseUrl = Sandbox.baseUrl,
        maxRetries = 2u,
        retryBaseDelayMs = 1u,
        retryMaxDelayMs = 5u,
        logLevel = level,
        logger = logger,
    )

    private fun assertNoKey(records: List<CmrLogRecord>) {
        for (r in records) assertFalse("${r.message} ${r.fields}".contains(SANDBOX_KEY), "key in a log line: $r")
    }

    @Test
    fun aRetriedCallLogsEachAttemptAndTheRetryDecision() = runBlocking {
        val log = Collect()
        val c = logged(log)
        Sandbox.fault(JSONObject(mapOf("method" to "GET", "path" to "/users/list", "count" to 1, "kind" to "status", "status" to 503)))
        c.users().list(ListUsersParams(null, null, null))
        val recs = log.records.toList()
        assertEquals(listOf(LogLevel.INFO, LogLevel.INFO), recs.map { it.level }, recs.toString())
        val (first, second) = recs
        assertEquals("GET", first.fields["method"])
        assertTrue(first.fields["path"]!!.endsWith("/users/list"))
        assertEquals("503", first.fields["status"])
        assertEquals("1", first.fields["attempt"])
        assertTrue(first.fields["retry"]!!.startsWith("in "), first.toString())
        assertTrue(first.fields["duration_ms"]!!.toDouble() >= 0.0)
        assertTrue(first.message.contains("retrying in"), first.message)
        assertEquals("200", second.fields["status"])
        assertEquals("2", second.fields["attempt"])
        assertNull(second.fields["retry"])
        assertNoKey(recs)
    }

    @Test
    fun failingCallsLogWhyTheyAreNotRetried() = runBlocking {
        val log = Collect()
        val c = logged(log)
        assertThrows<CmrException.NotFound> { runBlocking { c.users().get("USR_missing") } }
        Sandbox.fault(JSONObject(mapOf("method" to "POST", "path" to "/users", "count" to 1, "kind" to "status", "status" to 500)))
        assertThrows<CmrException.Server> { runBlocking { c.users().create(newUser("once@acme.com")) } }
        val recs = log.records.toList()
        assertEquals(2, recs.size, recs.toString())
        assertEquals(LogLevel.INFO, recs[0].level)
        assertEquals("404", recs[0].fields["status"])
        assertEquals("no: not retryable", recs[0].fields["retry"])
        assertEquals(LogLevel.WARN, recs[1].level)
        assertEquals("no: the write may have reached the server", recs[1].fields["retry"])
        assertNoKey(recs)
    }

    @Test
    fun debugAddsBodiesAndTheKeyIsScrubbedEvenAsAnId() = runBlocking {
        val log = Collect()
        val c = logged(log, LogLevel.DEBUG)
        c.users().create(newUser("dbg@acme.com"))
        assertThrows<CmrException> { runBlocking { c.users().get(SANDBOX_KEY) } }
        val recs = log.records.toList()
        assertTrue(recs.any { it.level == LogLevel.DEBUG && it.message.startsWith("request POST") && it.fields["body"]!!.contains("dbg@acme.com") }, recs.toString())
        assertTrue(recs.any { it.message.contains("****") }, recs.toString())
        assertNoKey(recs)
    }

    @Test
    fun offSilencesAGivenLogger() = runBlocking {
        val log = Collect()
        logged(log, LogLevel.OFF).wallet().get()
        assertEquals(emptyList<CmrLogRecord>(), log.records.toList())
    }
}
