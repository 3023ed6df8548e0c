// Hand-written Swift idioms over the generated bindings. No business logic:
// the contract's lowerCamel error kinds (`.notFound`), uniform access to the
// fields every CmrError case carries, and pagination as an AsyncThrowingStream
// (the Rust core computes `nextPage`).
import Foundation

/// The error kinds of docs/CONTRACTS.md §2, Swift-cased. uniffi 0.29 keeps
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

/// The fields every case carries.
public struct CmrErrorInfo: Equatable, Sendable {
    public let code: String
    public let detail: String
    public let status: UInt16?
    public let method: String?
    public let path: String?
    public let body: String?
    public let retryAfterSeconds: Double?
    /// Whether `body` was cut to 64 KiB.
    public let bodyTruncated: Bool
    /// `Location` of a redirect the client refused to follow.
    public let location: String?
    /// Whether the server may have received the request (a write may have been applied).
    public let mayHaveBeenSent: Bool
}

extension CmrError {
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

    public var info: CmrErrorInfo {
        switch self {
        case let .Authentication(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .PermissionDenied(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .NotFound(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Conflict(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Validation(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .PaymentRequired(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .RateLimited(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Server(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Network(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Timeout(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Decode(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .SignatureVerification(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Redirect(code, detail, status, method, path, body, truncated, retry, location, sent),
             let .Internal(code, detail, status, method, path, body, truncated, retry, location, sent):
            return CmrErrorInfo(
                code: code, detail: detail, status: status, method: method, path: path, body: body,
                retryAfterSeconds: retry, bodyTruncated: truncated, location: location, mayHaveBeenSent: sent
            )
        }
    }

    public var code: String { info.code }
    public var detail: String { info.detail }
    public var status: UInt16? { info.status }
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
