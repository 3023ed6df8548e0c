//! Concrete records for the generic `cmr::models::Page<T>` (uniffi has no
//! generics): one per paginated list, declared with [`page!`] in the
//! generated `resources_generated.rs` (one per paginated operation of the
//! route table). The Kotlin `Flow`s and Swift `AsyncThrowingStream`s over
//! every page are in the `Idioms` files.

/// `page!(/// doc \n Name, Item)`: the record `Name` of a `Page<Item>` and
/// its conversion from it.
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
            pub extra: cmr::models::Extra,
        }

        impl From<cmr::models::Page<$item>> for $name {
            fn from(p: cmr::models::Page<$item>) -> Self {
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
pub(crate) use page;
