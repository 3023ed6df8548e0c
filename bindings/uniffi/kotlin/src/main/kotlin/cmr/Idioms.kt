// Hand-written Kotlin idioms over the generated bindings (uniffi.cmr_uniffi).
// No business logic: pagination as a Flow (the Rust core computes `nextPage`)
// and uniform access to the fields every CmrException variant carries.
package uniffi.cmr_uniffi

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import uniffi.cmr.ListMailboxesParams
import uniffi.cmr.ListPrewarmupParams
import uniffi.cmr.ListSubscriptionsParams
import uniffi.cmr.ListUsersParams
import uniffi.cmr.Mailbox
import uniffi.cmr.PrewarmupDomain
import uniffi.cmr.Subscription
import uniffi.cmr.User

/** Every user of every page, fetched page by page as the flow is collected (`users.list`). */
fun UsersResource.listStream(params: ListUsersParams = ListUsersParams(null, null, null)): Flow<User> = flow {
    var page: UInt? = params.page
    while (true) {
        val p = list(params.copy(page = page))
        p.items.forEach { emit(it) }
        page = p.nextPage ?: break
    }
}

/** Every mailbox of the partner, page by page (`mailboxes.list_all`). */
fun MailboxesResource.listAllStream(params: ListMailboxesParams = ListMailboxesParams(null, null)): Flow<Mailbox> = flow {
    var page: UInt? = params.page
    while (true) {
        val p = listAll(params.copy(page = page))
        p.items.forEach { emit(it) }
        page = p.nextPage ?: break
    }
}

/** Every subscription matching the filters, page by page (`subscriptions.list`). */
fun SubscriptionsResource.listStream(
    params: ListSubscriptionsParams = ListSubscriptionsParams(null, null, null, null, null, null),
): Flow<Subscription> = flow {
    var page: UInt? = params.page
    while (true) {
        val p = list(params.copy(page = page))
        p.items.forEach { emit(it) }
        page = p.nextPage ?: break
    }
}

/** Every pre-warmed domain, page by page (`prewarmup.list`). */
fun PrewarmupResource.listStream(
    params: ListPrewarmupParams = ListPrewarmupParams(null, null, null, null),
): Flow<PrewarmupDomain> = flow {
    var page: UInt? = params.page
    while (true) {
        val p = list(params.copy(page = page))
        p.items.forEach { emit(it) }
        page = p.nextPage ?: break
    }
}

/** The fields every [CmrException] variant carries, readable on the base class. */
data class CmrErrorInfo(
    val code: String,
    val detail: String,
    val status: UShort?,
    val method: String?,
    val path: String?,
    val body: String?,
    val retryAfterSeconds: Double?,
    /** Whether `body` was cut to 64 KiB. */
    val bodyTruncated: Boolean = false,
    /** `Location` of a redirect the client refused to follow. */
    val location: String? = null,
    /** Whether the server may have received the request (a write may have been applied). */
    val mayHaveBeenSent: Boolean = false,
)

/** The common fields of any variant: `catch (e: CmrException) { e.info.status }`. */
val CmrException.info: CmrErrorInfo
    get() = when (this) {
        is CmrException.Authentication -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.PermissionDenied -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.NotFound -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Conflict -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Validation -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.PaymentRequired -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.RateLimited -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Server -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Network -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Timeout -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Decode -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.SignatureVerification -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Redirect -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
        is CmrException.Internal -> CmrErrorInfo(code, detail, status, method, path, body, retryAfterSeconds, bodyTruncated, location, mayHaveBeenSent)
    }
