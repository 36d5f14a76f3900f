// swift-tools-version:6.0
// pg-swarm: centralized management of PostgreSQL HA clusters across edge Kubernetes clusters.
// Module map and layering: see README.md ("Architecture"). Modules depend downwards only.
import PackageDescription

/// One settings block for every target (STYLE.md §4.1, §6.1).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let swiftProtobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")

let package = Package(
    name: "pg-swarm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "central", targets: ["central"]),
        .executable(name: "satellite", targets: ["satellite"]),
        .executable(name: "failover-sidecar", targets: ["failover-sidecar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Pinned exactly: scripts/proto.sh builds protoc-gen-swift from the same version.
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // epoll, eventfd, accept4: not exported by Swift's Glibc module.
        .systemLibrary(name: "CTransportLinux"),

        // MARK: Core libraries
        .target(name: "CPosixShims"),
        .target(name: "ChildProcesses", dependencies: ["CPosixShims"], swiftSettings: strict),
        .target(
            name: "Postgres", dependencies: ["CLibPQ", "CPosixShims", "ChildProcesses", logging], swiftSettings: strict),

        // Sockets, epoll event loop and TLS (no SwiftNIO); HTTP/2 and HPACK as a sans-I/O engine.
        .target(name: "Transport", dependencies: ["COpenSSL", "CTransportLinux"], swiftSettings: strict),
        .target(name: "HTTP2", swiftSettings: strict),
        // Protobuf messages generated from Protos/ (make proto), committed.
        .target(name: "PGSwarmAPI", dependencies: [swiftProtobuf], swiftSettings: strict),
        .target(name: "GRPCInteropAPI", dependencies: [swiftProtobuf], swiftSettings: strict),
        .target(name: "DaemonSupport", dependencies: [argumentParser, logging], swiftSettings: strict),
        // The failover decision core: pure (no I/O, no clock reads, no randomness). Postgres only for `LSN`.
        .target(name: "Failover", dependencies: ["Postgres"], swiftSettings: strict),

        // MARK: Executables (thin mains: parse, validate, wire)
        .executableTarget(
            name: "central", dependencies: ["DaemonSupport", "Postgres", argumentParser, logging], swiftSettings: strict
        ),
        .executableTarget(
            name: "satellite", dependencies: ["DaemonSupport", argumentParser, logging], swiftSettings: strict),
        .executableTarget(
            name: "failover-sidecar", dependencies: ["DaemonSupport", "Postgres", argumentParser, logging],
            swiftSettings: strict),
        .executableTarget(
            name: "pg-bench", dependencies: ["CLibPQ", "ChildProcesses", "Postgres", "PostgresTestSupport"],
            swiftSettings: strict),

        // MARK: Test support (never linked into production targets)
        .target(name: "TransportTestSupport", dependencies: ["Transport"], swiftSettings: strict),
        .target(name: "PostgresTestSupport", dependencies: ["Postgres", "ChildProcesses"], swiftSettings: strict),
        // Deterministic simulation of a cluster of sidecars running the real decision core.
        .target(name: "FailoverSimulation", dependencies: ["Failover", "Postgres"], swiftSettings: strict),

        // MARK: Tests
        .testTarget(
            name: "TransportTests", dependencies: ["Transport", "TransportTestSupport"], swiftSettings: strict),
        .testTarget(name: "HTTP2Tests", dependencies: ["HTTP2"], exclude: ["Resources"], swiftSettings: strict),
        .testTarget(name: "ChildProcessesTests", dependencies: ["ChildProcesses"], swiftSettings: strict),
        .testTarget(
            name: "PGSwarmAPITests", dependencies: ["PGSwarmAPI", "GRPCInteropAPI", swiftProtobuf],
            swiftSettings: strict),
        .testTarget(
            name: "PostgresTests", dependencies: ["Postgres", "PostgresTestSupport", "ChildProcesses"],
            swiftSettings: strict),
        .testTarget(
            name: "FailoverTests", dependencies: ["Failover", "FailoverSimulation", "Postgres"], swiftSettings: strict),
    ]
)
