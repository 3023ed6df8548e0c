// Hand-written Swift idioms over the generated bindings. No business logic:
// the contract's lowerCamel error kinds (`.notFound`), uniform access to the
// CmrErrorInfo every CmrError case carries, and pagination as an AsyncThrowingStream
// (the Rust core computes `nextPage`).
import Foundation

/// The error kinds of docs/CONTRACTS.md §2, Swift-cased. uniffi keeps
/// the Rust variant names for error cases (`CmrError.NotFound(...)`); match on
/// `error.kind == .notFound` for the contract's spelling.
public enum CmrErrorKind: String, CaseIterable, Sendable {
    case authentication
    case permissionDenied
    case notFound
    case conflict
    case validation
    case paymentRequired
    case rateLimited
    case server
    case network
    case timeout
    case decode
    case signatureVerification
    case redirect
    case `internal`
}

extension CmrError: CustomStringConvertible {
    /// The contract's kind of this error (`.notFound`, ...).
    public var kind: CmrErrorKind {
        switch self {
        case .Authentication: return .authentication
        case .PermissionDenied: return .permissionDenied
        case .NotFound: return .notFound
        case .Conflict: return .conflict
        case .Validation: return .validation
        case .PaymentRequired: return .paymentRequired
        case .RateLimited: return .rateLimited
        case .Server: return .server
        case .Network: return .network
        case .Timeout: return .timeout
        case .Decode: return .decode
        case .SignatureVerification: return .signatureVerification
        case .Redirect: return .redirect
        case .Internal: return .internal
        }
    }

    /// The fields every case carries (`CmrErrorInfo`, one record shared by
    /// every case).
    public var info: CmrErrorInfo {
        switch self {
        case let .Authentication(info), let .PermissionDenied(info), let .NotFound(info),
             let .Conflict(info), let .Validation(info), let .PaymentRequired(info),
             let .RateLimited(info), let .Server(info), let .Network(info), let .Timeout(info),
             let .Decode(info), let .SignatureVerification(info), let .Redirect(info),
             let .Internal(info):
            return info
        }
    }

    /// The stable snake_case code (`not_found`, ...).
    public var code: String { info.code }
    /// The server's message, or the client's for local failures.
    public var message: String { info.message }
    /// The HTTP status, when the server answered.
    public var status: UInt16? { info.status }
    /// Whether the server may have received the request: a write that
    /// failed with `true` may have been applied; look it up first.
    public var mayHaveBeenSent: Bool { info.mayHaveBeenSent }
}

/// Walks every page, starting at `start`, yielding each item.
private func pages<Item>(
    start: UInt32?,
    fetch: @escaping (UInt32?) async throws -> (items: [Item], next: UInt32?)
) -> AsyncThrowingStream<Item, Error> {
    AsyncThrowingStream { continuation in
        let task = Task {
            do {
                var page = start
                while true {
                    let p = try await fetch(page)
                    for item in p.items { continuation.yield(item) }
                    guard let next = p.next else { break }
                    page = next
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
    }
}

extension UsersResource {
    /// Every user of every page (`users.list`).
    public func listStream(params: ListUsersParams = ListUsersParams(page: nil, limit: nil, search: nil)) -> AsyncThrowingStream<User, Error> {
        pages(start: params.page) { page in
            var p = params
            p.page = page
            let r = try await self.list(params: p)
            return (r.items, r.nextPage)
        }
    }
}

extension MailboxesResource {
    /// Every mailbox of the partner (`mailboxes.list_all`).
    public func listAllStream(params: ListMailboxesParams = ListMailboxesParams(page: nil, limit: nil)) -> AsyncThrowingStream<Mailbox, Error> {
        pages(start: params.page) { page in
            var p = params
            p.page = page
            let r = try await self.listAll(params: p)
            return (r.items, r.nextPage)
        }
    }
}

extension SubscriptionsResource {
    /// Every subscription matching the filters (`subscriptions.list`).
    public func listStream(params: ListSubscriptionsParams) -> AsyncThrowingStream<Subscription, Error> {
        pages(start: params.page) { page in
            var p = params
            p.page = page
            let r = try await self.list(params: p)
            return (r.items, r.nextPage)
        }
    }
}

extension PrewarmupResource {
    /// Every pre-warmed domain (`prewarmup.list`).
    public func listStream(params: ListPrewarmupParams) -> AsyncThrowingStream<PrewarmupDomain, Error> {
        pages(start: params.page) { page in
            var p = params
            p.page = page
            let r = try await self.list(params: p)
            return (r.items, r.nextPage)
        }
    }
}

extension WebhookEvent: CustomReflectable {
    /// `dump()` of a delivery: `rawJson`, which holds a mailbox's credentials
    /// in clear, shows only its size (as in `debugDescription`); `data`
    /// shows them redacted (Redaction.swift).
    public var customMirror: Mirror {
        Mirror(self, children: [
            "event": event as Any,
            "eventId": eventId as Any,
            "actionId": actionId as Any,
            "data": data as Any,
            "rawJson": "<\(rawJson.utf8.count) bytes>",
        ], displayStyle: .struct)
    }
}
