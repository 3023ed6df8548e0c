// Issue #11 from Kotlin: the bulk helpers batch, pace and answer one result
// per input item, in input order; dns().find answers "was it applied?".
package cmr

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class BulkTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    @Test
    fun addManyBatchesRecordsAndReportsEachOne() = runBlocking {
        val c = client()
        val p = provisioned(c, "bulk-dns@acme.com", "bulk-dns.com", listOf("ann"))
        val records = (0 until 120).map { BulkDnsRecord("bulk-dns.com", "k$it", "v=bulk$it", "TXT", null, null) }
        val r = c.dns().addMany(p.user.id, records, 50u)
        assertEquals(120, r.items.size)
        assertEquals(120u, r.succeeded)
        assertEquals(0u, r.failed)
        assertEquals(0u, r.maybeApplied)
        assertEquals((0 until 120).map { it.toUInt() }, r.items.map { it.index })
        assertTrue(r.items.all { it.status == "succeeded" }, "${r.items}")
        // 120 records in batches of 50: three POSTs, not 120.
        assertEquals(3, Sandbox.hits("POST", "/dns"))
        assertEquals(3u, r.requests)

        val found = c.dns().find(p.user.id, "bulk-dns.com", "TXT", "k7", "v=bulk7")
        assertNotNull(found)
        assertNull(c.dns().find(p.user.id, "bulk-dns.com", "TXT", "k7", "v=other"))
    }

    @Test
    fun updateAllAnswersPerMailboxAndKeepsOrder() = runBlocking {
        val c = client()
        val p = provisioned(c, "bulk-mb@acme.com", "bulk-mb.com", listOf("ann", "bob", "cy"))
        val changes = p.mailboxes.map { MailboxUpdate(it.mailboxId, null, "Renamed", null, null, null) } +
            MailboxUpdate("NOSUCHMAILBOX000000000000000", null, "X", null, null, null)
        val r = c.mailboxes().updateAll(p.user.id, changes, null)
        assertEquals(changes.size, r.items.size)
        assertEquals(p.mailboxes.size.toUInt(), r.succeeded)
        assertEquals(1u, r.failed)
        val last = r.items.last()
        assertEquals((changes.size - 1).toUInt(), last.index)
        assertEquals("failed", last.status)
        assertTrue(!last.message.isNullOrEmpty(), "the failure carries the server's message")
        assertEquals(1, Sandbox.hits("PATCH", "/mailboxes/update-mailbox-details"))
    }
}
