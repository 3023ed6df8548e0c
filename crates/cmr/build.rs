// `CMR_CODEGEN_BOOTSTRAP=1 cargo run -p cmr-codegen -- write` builds the core
// without its generated dispatch (`src/ops_generated.rs`), for the day a
// route-table change leaves that file unable to compile: cmr-codegen then
// rewrites it from the table.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(cmr_codegen_bootstrap)");
    println!("cargo::rerun-if-env-changed=CMR_CODEGEN_BOOTSTRAP");
    if std::env::var_os("CMR_CODEGEN_BOOTSTRAP").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=cmr_codegen_bootstrap");
    }
}
