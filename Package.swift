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
let inMemoryLogging = Target.Dependency.product(name: "InMemoryLogging", package: "swift-log")
let swiftProtobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")

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
        // Kubeconfig files are YAML.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // epoll, eventfd, accept4: not exported by Swift's Glibc module.
        .systemLibrary(name: "CTransportLinux"),
        // gzip/deflate for gRPC message compression.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Core libraries
        .target(name: "CPosixShims"),
        // Detached pthreads for blocking work (waitpid, libpq), without Foundation's Thread.
        .target(name: "PosixThreads", dependencies: ["CPosixShims"], swiftSettings: strict),
        // Whitespace trimming and path helpers from the standard library alone (no Foundation).
        .target(name: "TextBasics", swiftSettings: strict),
        .target(name: "SeededRandom", swiftSettings: strict),
        .target(name: "ChildProcesses", dependencies: ["CPosixShims", "PosixThreads"], swiftSettings: strict),
        .target(
            name: "Postgres",
            dependencies: ["COpenSSL", "CPosixShims", "ChildProcesses", "PosixThreads", "TextBasics", logging],
            swiftSettings: strict),

        // Sockets, epoll event loop and TLS (no SwiftNIO); HTTP/2 and HPACK as a sans-I/O engine.
        .target(name: "Transport", dependencies: ["COpenSSL", "CTransportLinux"], swiftSettings: strict),
        .target(name: "HTTP2", swiftSettings: strict),
        // gRPC over HTTP2 + Transport: framing, compression, status, metadata, server and channel.
        .target(
            name: "GRPC", dependencies: ["HTTP2", "Transport", "CZlib", logging, swiftProtobuf], swiftSettings: strict),
        // Protobuf messages generated from Protos/ (make proto), committed.
        .target(name: "PGSwarmAPI", dependencies: [swiftProtobuf], swiftSettings: strict),
        .target(name: "GRPCInteropAPI", dependencies: [swiftProtobuf], swiftSettings: strict),
        // The postgres container's main process: runs PostgreSQL, demotes, rewinds, rebuilds.
        .target(
            name: "Supervisor", dependencies: ["ChildProcesses", "Postgres", "TextBasics", "Transport", logging],
            swiftSettings: strict),
        .target(name: "DaemonSupport", dependencies: [argumentParser, logging], swiftSettings: strict),
        // HTTP/1.1 server (sans-I/O parser + Transport sockets) for central's REST API.
        .target(name: "HTTP1", dependencies: ["TextBasics", "Transport", logging], swiftSettings: strict),
        // Central's logic: metadata store, registry, stream-facing services, REST API, gRPC wiring.
        .target(
            name: "Central",
            dependencies: [
                "HTTP1", "Postgres", "PGSwarmAPI", "COpenSSL", "TextBasics", "Transport", "GRPC", "PGSwarmRPC", logging,
                swiftProtobuf,
            ],
            swiftSettings: strict),
        // Kubernetes REST client on our own HTTP/1.1 client (HTTP1) over Transport.
        .target(name: "Kube", dependencies: ["HTTP1", "TextBasics", "Transport", logging], swiftSettings: strict),
        // Kubeconfig files in YAML (Yams, full Foundation): kept out of the failover sidecar.
        .target(name: "KubeconfigYAML", dependencies: ["Kube", yams], swiftSettings: strict),
        // `.bench/results.json`, shared by the benchmark executables.
        .target(name: "BenchSupport", swiftSettings: strict),
        // Hand-written method descriptors of pgswarm.v1 and grpc.health.v1, and the health service.
        .target(name: "PGSwarmRPC", dependencies: ["GRPC", "PGSwarmAPI", swiftProtobuf], swiftSettings: strict),
        // grpc.testing.TestService: descriptors, the interop server and the interop client cases.
        .target(
            name: "GRPCInterop", dependencies: ["GRPC", "GRPCInteropAPI", swiftProtobuf], swiftSettings: strict),
        // The failover decision core: pure (no I/O, no clock reads, no randomness). Postgres only for `LSN`.
        .target(name: "Failover", dependencies: ["Postgres"], swiftSettings: strict),
        // The failover sidecar's shell: Kube Leases, the local PostgreSQL and supervisor, the
        // status port and the satellite stream, around the Failover core.
        .target(
            name: "Sidecar",
            dependencies: [
                "Failover", "GRPC", "HTTP1", "Kube", "PGSwarmAPI", "PGSwarmRPC", "Postgres", "Supervisor", "TextBasics",
                "Transport", logging, swiftProtobuf,
            ],
            swiftSettings: strict),

        // MARK: Executables (thin mains: parse, validate, wire)
        .executableTarget(
            name: "central",
            dependencies: ["Central", "DaemonSupport", "Postgres", "Transport", argumentParser, logging],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "satellite", dependencies: ["DaemonSupport", argumentParser, logging], swiftSettings: strict),
        .executableTarget(
            name: "failover-sidecar",
            dependencies: [
                "CPosixShims", "DaemonSupport", "Failover", "GRPC", "HTTP1", "Kube", "PGSwarmAPI", "Postgres",
                "Sidecar",
                "Supervisor", "TextBasics", "Transport", argumentParser, logging, swiftProtobuf,
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "grpc-interop",
            dependencies: [
                "DaemonSupport", "GRPC", "GRPCInterop", "HTTP2", "PGSwarmRPC", "Transport", argumentParser, logging,
            ], swiftSettings: strict),
        .executableTarget(
            name: "pg-bench",
            dependencies: ["BenchSupport", "CLibPQ", "ChildProcesses", "Postgres", "PostgresTestSupport"],
            swiftSettings: strict),
        .executableTarget(
            name: "kube-bench", dependencies: ["BenchSupport", "Kube", "KubeTestSupport"], swiftSettings: strict),
        // Diagnoses API-server reachability and CA trust from inside a pod (and in the trust test).
        .executableTarget(
            name: "kube-probe", dependencies: ["Kube", "KubeconfigYAML", logging], swiftSettings: strict),

        .executableTarget(
            name: "grpc-bench",
            dependencies: [
                "BenchSupport", "GRPC", "GRPCInterop", "GRPCInteropAPI", "HTTP2", "PGSwarmAPI", "PGSwarmRPC", logging,
                swiftProtobuf,
            ], swiftSettings: strict),

        // N simulated satellites against the central binary on PostgreSQL (make bench).
        .executableTarget(
            name: "central-bench",
            dependencies: [
                "BenchSupport", "Central", "GRPC", "PGSwarmAPI", "PGSwarmRPC", "Postgres", "PostgresTestSupport",
                "Transport", logging, swiftProtobuf,
            ], swiftSettings: strict),

        // MARK: Test support (never linked into production targets)
        .target(name: "TransportTestSupport", dependencies: ["Transport"], swiftSettings: strict),
        .target(name: "PostgresTestSupport", dependencies: ["Postgres", "ChildProcesses"], swiftSettings: strict),
        // The in-process Kubernetes API double, the real apiserver launcher and a TLS forwarder.
        .target(
            name: "KubeTestSupport", dependencies: ["Kube", "Transport", "ChildProcesses", logging],
            swiftSettings: strict),
        // Deterministic simulation of a cluster of sidecars running the real decision core.
        .target(
            name: "FailoverSimulation", dependencies: ["Failover", "Postgres", "SeededRandom"], swiftSettings: strict),

        // MARK: Tests
        .testTarget(name: "TextBasicsTests", dependencies: ["TextBasics"], swiftSettings: strict),
        .testTarget(
            name: "SupervisorTests", dependencies: ["Supervisor", "Postgres", "PostgresTestSupport", logging],
            swiftSettings: strict),
        .testTarget(
            name: "TransportTests", dependencies: ["Transport", "TransportTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "HTTP2Tests", dependencies: ["HTTP2", "SeededRandom"], exclude: ["Resources"], swiftSettings: strict),
        .testTarget(
            name: "GRPCTests",
            dependencies: [
                "GRPC", "GRPCInterop", "GRPCInteropAPI", "HTTP2", "PGSwarmAPI", "PGSwarmRPC", "SeededRandom",
                "Transport", logging,
                swiftProtobuf,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ], swiftSettings: strict),
        .testTarget(
            name: "ChildProcessesTests", dependencies: ["ChildProcesses", "CPosixShims"], swiftSettings: strict),
        .testTarget(
            name: "PGSwarmAPITests", dependencies: ["PGSwarmAPI", "GRPCInteropAPI", swiftProtobuf],
            swiftSettings: strict),
        .testTarget(
            name: "HTTP1Tests", dependencies: ["HTTP1", "SeededRandom", "TextBasics", "Transport"],
            swiftSettings: strict),
        .testTarget(
            name: "CentralTests",
            dependencies: [
                "Central", "GRPC", "HTTP1", "PGSwarmAPI", "PGSwarmRPC", "Postgres", "PostgresTestSupport", "Transport",
                logging, swiftProtobuf,
            ],
            swiftSettings: strict),
        .testTarget(
            name: "PostgresTests", dependencies: ["Postgres", "PostgresTestSupport", "ChildProcesses", "SeededRandom"],
            swiftSettings: strict),
        .testTarget(
            name: "KubeTests",
            dependencies: [
                "Kube", "KubeconfigYAML", "KubeTestSupport", "ChildProcesses", "HTTP1", "Transport", logging,
                inMemoryLogging,
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FailoverTests", dependencies: ["Failover", "FailoverSimulation", "Postgres"], swiftSettings: strict),
        .testTarget(
            name: "SidecarTests",
            dependencies: [
                "Failover", "GRPC", "HTTP1", "Kube", "KubeTestSupport", "PGSwarmAPI", "Postgres",
                "PostgresTestSupport", "Sidecar", "Supervisor", "Transport", logging, swiftProtobuf,
            ],
            swiftSettings: strict),
    ]
)
