// Test support: one `cmr-sandbox` process per test JVM (started on a free
// loopback port, URL read from its stdout line), plain-HTTP access to its
// control API, and fixtures shared by the suites. Nothing here talks to the
// API through anything but the generated bindings.
package cmr

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.TimeUnit
import org.json.JSONArray
import org.json.JSONObject
import io.github.cmrsdk.coldmailreseller.*
import io.github.cmrsdk.coldmailreseller.models.*

/** The repository root (the test script sets CMR_REPO_ROOT; else relative to this Maven project). */
val repoRoot: File = File(System.getenv("CMR_REPO_ROOT") ?: "../../..").canonicalFile

fun scenario(name: String): JSONObject = JSONObject(File(repoRoot, "tests/scenarios/$name").readText())

const val SANDBOX_KEY = "cmr_test_key"

object Sandbox {
    private val process: Process
    /** `http://127.0.0.1:PORT` (control API root). */
    val url: String
    /** Base URL to give the client. */
    val baseUrl: String get() = "$url/api/v1/integration"
    private val http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    init {
        val bin = System.getenv("CMR_SANDBOX_BIN") ?: File(repoRoot, "target/debug/cmr-sandbox").path
        require(File(bin).canExecute()) { "no sandbox binary at $bin: run cargo build -p cmr-sandbox" }
        process = ProcessBuilder(bin, "--port", "0", "--no-rate-limit")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val out = BufferedReader(InputStreamReader(process.inputStream))
        val prefix = "cmr-sandbox listening on "
        var found: String? = null
        while (found == null) {
            val line = out.readLine() ?: error("cmr-sandbox exited before listening")
            if (line.startsWith(prefix)) found = line.removePrefix(prefix).trim().trimEnd('/')
        }
        url = found
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        Thread { out.useLines { lines -> lines.forEach { } } }.apply { isDaemon = true }.start()
        Runtime.getRuntime().addShutdownHook(Thread {
            process.destroy()
            process.waitFor(5, TimeUnit.SECONDS)
        })
    }

    /** Call the control API; returns the decoded JSON answer (or null when empty). */
    fun control(method: String, path: String, body: Any? = null): Any? {
        val b = HttpRequest.newBuilder(URI.create("$url/__sandbox$path")).timeout(Duration.ofSeconds(30))
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body.toString())
        b.header("content-type", "application/json").method(method, publisher)
        val resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString())
        check(resp.statusCode() in 200..299) { "control $method $path: ${resp.statusCode()} ${resp.body()}" }
        val text = resp.body().trim()
        return when {
            text.isEmpty() -> null
            text.startsWith("[") -> JSONArray(text)
            text.startsWith("{") -> JSONObject(text)
            else -> text
        }
    }

    fun reset() {
        control("POST", "/reset")
        control("PUT", "/wallet", JSONObject(mapOf("balance" to 100000.0)))
    }

    fun advance(seconds: Long) {
        control("POST", "/clock/advance", JSONObject(mapOf("seconds" to seconds)))
    }

    fun fault(fault: JSONObject) {
        control("POST", "/faults", fault)
    }

    private fun list(v: Any?, key: String): JSONArray = when (v) {
        is JSONArray -> v
        is JSONObject -> v.optJSONArray(key) ?: JSONArray()
        else -> JSONArray()
    }

    fun webhooks(): List<JSONObject> = list(control("GET", "/webhooks"), "webhooks").let { a -> (0 until a.length()).map { a.getJSONObject(it) } }

    /** How many API requests `method path` (relative to the base path) the sandbox received. */
    fun hits(method: String, path: String): Int {
        val a = list(control("GET", "/requests"), "requests")
        return (0 until a.length()).map { a.getJSONObject(it) }.count {
            it.optString("method") == method && it.optString("path").let { p -> p == path || p.endsWith(path) }
        }
    }
}

/** A client on the sandbox with no retries (each test sees exactly one attempt). */
fun client(apiKey: String = SANDBOX_KEY, timeoutMs: ULong? = null, maxRetries: UInt = 0u): CmrClient =
    CmrClient(apiKey = apiKey, baseUrl = Sandbox.baseUrl, timeoutMs = timeoutMs, maxRetries = maxRetries)

fun newUser(email: String) = CreateUser(
    email = email,
    company = "Acme Inc.",
    firstName = "Jane",
    lastName = "Doe",
    country = "US",
    city = "Austin",
    addressLineOne = "1 Main Street",
    addressLineTwo = "Suite 4",
    addressLineThree = null,
    languagePreference = "en",
    postalCode = "73301",
    state = "TX",
    phoneCc = "1",
    phone = "5125550100",
)

fun google() = GoogleConfig(googleOauthRoute = "https://app.example.com/oauth/google", clientId = "client-123", appName = "Example")

fun mailbox(username: String) = NewMailbox(username = username, firstName = "First", lastName = "Last", profilePicture = null, onWarmup = null)

fun order(domain: String, usernames: List<String>, confirm: Boolean = true) = CreateOrder(
    domains = listOf(OrderDomain(domain = domain, years = 1u, forwardTo = null, maskForwarding = null)),
    mailboxes = mapOf(domain to usernames.map { mailbox(it) }),
    billingCycle = "MONTHLY",
    confirm = confirm,
    serviceProvider = null,
    microsoftOauthRoute = null,
    google = google(),
    autoRenew = null,
)

fun subscriptionFilter(domain: String? = null, status: String? = null, page: UInt? = null, limit: UInt? = null) =
    ListSubscriptionsParams(status = status, componentSubscriptionId = null, domain = domain, userId = null, page = page, limit = limit)

data class Provisioned(val user: User, val subscription: Subscription, val mailboxes: List<Mailbox>)

/** A user owning `domain` with ACTIVE mailboxes and an active subscription (order + 60 s of virtual time). */
suspend fun provisioned(c: CmrClient, email: String, domain: String, usernames: List<String>): Provisioned {
    val user = c.users().create(newUser(email))
    val created = c.orders().create(user.id, order(domain, usernames))
    check(created.orderId != null) { "order accepted: $created" }
    Sandbox.advance(60)
    val sub = c.subscriptions().list(subscriptionFilter(domain = domain)).items.first()
    return Provisioned(user, sub, c.mailboxes().list(user.id))
}
