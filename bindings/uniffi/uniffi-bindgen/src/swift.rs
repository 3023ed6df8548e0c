//! `uniffi-bindgen-swift <lib> <out-dir> --swift-sources --headers --modulemap --module-name CmrFFI`
fn main() {
    uniffi::uniffi_bindgen_swift()
}
