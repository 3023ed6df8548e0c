// The Kotlin surface has every operation of the route table (docs/routes.md,
// generated from crates/cmr/src/routes.rs): `users.create` is
// `client.users().create(...)`, `send_error` is `client.sendError(...)`.
package cmr

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

class SurfaceTest {
    private fun camel(s: String) = s.split('_').mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar(Char::uppercase) }.joinToString("")

    @Test
    fun everyRouteIsAMethodOfItsResource() {
        val ops = File(repoRoot, "docs/routes.md").readLines()
            .mapNotNull { Regex("""^\| `([a-z_.]+)` \|""").find(it)?.groupValues?.get(1) }
        assertTrue(ops.size >= 50, "routes.md lists the route table: $ops")
        val missing = ops.filter { op ->
            val (owner, method) = if ('.' in op) {
                val (resource, m) = op.split('.', limit = 2)
                // The accessor on the client gives the resource class.
                val accessor = CmrClient::class.java.methods.single { it.name == camel(resource) && it.parameterCount == 0 }
                accessor.returnType to camel(m)
            } else {
                CmrClient::class.java to camel(op)
            }
            // A method with an inline-class parameter (UInt?, ULong) has a mangled JVM
            // name, `addMany-<hash>`.
            owner.methods.none { it.name.substringBefore('-') == method }
        }
        assertEquals(emptyList<String>(), missing)
    }
}
