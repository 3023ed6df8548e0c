//! Concrete records for the generic `cmr::models::Page<T>` (uniffi has no
//! generics): one per paginated list. The Kotlin `Flow`s and Swift
//! `AsyncThrowingStream`s over every page are in the `Idioms` files.

use cmr::models::{Extra, Mailbox, Page, PrewarmupDomain, Subscription, User};

macro_rules! page {
    ($(#[$m:meta])* $name:ident, $item:ty) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Page number of this page (from 1).
            pub current_page: u32,
            /// Total pages, when the API says.
            pub total_pages: Option<u32>,
            /// The page to ask for next, or null on the last page (computed by the SDK).
            pub next_page: Option<u32>,
            /// Total matching records, when the API says.
            pub total_count: Option<u64>,
            /// Other fields of the page object, as a JSON object string.
            pub extra: Extra,
        }

        impl From<Page<$item>> for $name {
            fn from(p: Page<$item>) -> Self {
                $name {
                    items: p.items,
                    current_page: p.current_page,
                    total_pages: p.total_pages,
                    next_page: p.next_page,
                    total_count: p.total_count,
                    extra: p.extra,
                }
            }
        }
    };
}

page!(/// A page of `users.list`.
    UserPage, User);
page!(/// A page of `mailboxes.list_all`.
    MailboxPage, Mailbox);
page!(/// A page of `subscriptions.list`.
    SubscriptionPage, Subscription);
page!(/// A page of `prewarmup.list`.
    PrewarmupPage, PrewarmupDomain);

