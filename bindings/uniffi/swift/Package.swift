// swift-tools-version:5.7
// Swift package of cmr. The Swift sources (Sources/Cmr/cmr*.swift), the C
// headers and module maps (Sources/*FFI/include) are generated from the Rust
// library by scripts/test-swift.sh (uniffi library mode); the package links
// libcmr_uniffi from the cargo target dir (CMR_LIB_DIR, default ../../../target/debug).
import PackageDescription
import Foundation

let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let libDir = ProcessInfo.processInfo.environment["CMR_LIB_DIR"]
    ?? packageDir.appendingPathComponent("../../../target/debug").standardized.path

let package = Package(
    name: "Cmr",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "Cmr", targets: ["Cmr"]),
    ],
    targets: [
        // One C module per uniffi component: `cmr` (the core's records) and
        // `cmr_uniffi` (client, resources, errors, webhooks).
        .target(name: "cmrFFI", path: "Sources/cmrFFI"),
        .target(name: "cmr_uniffiFFI", path: "Sources/cmr_uniffiFFI"),
        .target(
            name: "Cmr",
            dependencies: ["cmrFFI", "cmr_uniffiFFI"],
            path: "Sources/Cmr",
            linkerSettings: [
                .linkedLibrary("cmr_uniffi"),
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .testTarget(name: "CmrTests", dependencies: ["Cmr"], path: "Tests/CmrTests"),
    ]
)
