// swift-tools-version:5.7
// Swift package of cmr. The Swift sources (Sources/Cmr/cmr*.swift), the C
// headers and the module map (Sources/CmrFFI/include) are generated from the
// Rust library by scripts/test-swift.sh (uniffi-bindgen-swift); the package links
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
        // One C module, CmrFFI, over the headers of both uniffi components:
        // `cmr` (the core's records) and `cmr_uniffi` (client, resources,
        // errors, webhooks). Users import only `Cmr`.
        .target(name: "CmrFFI", path: "Sources/CmrFFI"),
        .target(
            name: "Cmr",
            dependencies: ["CmrFFI"],
            path: "Sources/Cmr",
            linkerSettings: [
                .linkedLibrary("cmr_uniffi"),
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .testTarget(name: "CmrTests", dependencies: ["Cmr"], path: "Tests/CmrTests"),
    ]
)
