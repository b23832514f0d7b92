// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "reactortrack",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Defer", targets: ["Defer"]),
    ],

    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // Twisted's Deferred, Failure, the reactors (SwiftNIO-backed and manual), aggregates and bridges.
        .target(
            name: "Defer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "seed-example", dependencies: ["Defer"], path: "examples/seed"),
        .executableTarget(
            name: "DeferBenchmarks",
            dependencies: [
                "Defer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Benchmarks/DeferBenchmarks"
        ),
        .testTarget(
            name: "DeferTests",
            dependencies: [
                "Defer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Inputs")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
package.swiftLanguageModes = [.v6]
