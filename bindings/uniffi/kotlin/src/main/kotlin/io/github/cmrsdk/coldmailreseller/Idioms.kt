// Hand-written Kotlin idioms over the generated bindings (this package; the
// records are in io.github.cmrsdk.coldmailreseller.models).
// No business logic: pagination as a Flow (the Rust core computes `nextPage`)
// and uniform access to the CmrErrorInfo every CmrException variant carries.
package io.github.cmrsdk.coldmailreseller

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import io.github.cmrsdk.coldmailreseller.models.ListMailboxesParams
import io.github.cmrsdk.coldmailreseller.models.ListPrewarmupParams
import io.github.cmrsdk.coldmailreseller.models.ListSubscriptionsParams
import io.github.cmrsdk.coldmailreseller.models.ListUsersParams
import io.github.cmrsdk.coldmailreseller.models.Mailbox
import io.github.cmrsdk.coldmailreseller.models.PrewarmupDomain
import io.github.cmrsdk.coldmailreseller.models.Subscription
import io.github.cmrsdk.coldmailreseller.models.User

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

/**
 * The fields of any variant, readable on the base class:
 * `catch (e: CmrException) { e.info.status }`. Each variant also has its own `info`.
 * `e.info.message` is the server's message; Kotlin's own `e.message` is
 * `info=<code>: <message>` (uniffi builds it from the variant's fields).
 */
val CmrException.info: CmrErrorInfo
    get() = when (this) {
        is CmrException.Authentication -> info
        is CmrException.PermissionDenied -> info
        is CmrException.NotFound -> info
        is CmrException.Conflict -> info
        is CmrException.Validation -> info
        is CmrException.PaymentRequired -> info
        is CmrException.RateLimited -> info
        is CmrException.Server -> info
        is CmrException.Network -> info
        is CmrException.Timeout -> info
        is CmrException.Decode -> info
        is CmrException.SignatureVerification -> info
        is CmrException.Redirect -> info
        is CmrException.Internal -> info
    }

/** The stable snake_case code (`not_found`, ...), shared with every language. */
val CmrException.code: String
    get() = info.code

/** The HTTP status, when the server answered. */
val CmrException.status: UShort?
    get() = info.status

/**
 * Whether the server may have received the request: a write that failed with
 * `true` may have been applied, so look it up (`orders().findByDomain`,
 * `users().findByEmail`) before sending it again.
 */
val CmrException.mayHaveBeenSent: Boolean
    get() = info.mayHaveBeenSent
