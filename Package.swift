// swift-tools-version: 6.1
// Assay: model registry and evaluation harness for small language models.
// No package dependencies by design: SQLite is the system library, everything else is ours.
import PackageDescription

/// Hot numeric modules are always optimized and built for AVX2/FMA/F16C (haswell), also in
/// debug builds, so that tests running real models finish in seconds, not minutes.
let hot: [SwiftSetting] = [
    .unsafeFlags(["-O", "-target-cpu", "haswell"])
]

/// Integer kernel sets: the source is written once in KernelSource (generic, `@inlinable`) and
/// instantiated by one thin module per instruction set, each compiled for its own CPU
/// baseline; InferenceCore picks one at run time (KernelSets). The Builtin module gives the
/// thin modules LLVM's x86 intrinsics (vpmaddwd, vpdpwssd) where Swift SIMD has no spelling.
func kernels(cpu: String) -> [SwiftSetting] {
    [.unsafeFlags(["-O", "-target-cpu", cpu, "-enable-builtin-module"])]
}

let package = Package(
    name: "Assay",
    // No `platforms`: Assay builds on Linux x86-64 only (Glibc sockets and file locks, and
    // x86 `-target-cpu` kernel modules); it does not claim a macOS version it cannot build for.
    products: [
        .executable(name: "assay", targets: ["assay"])
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "Storage", dependencies: ["CSQLite"]),
        // The one outbound HTTP/1.1 client and URL type (webhooks, the OpenAI backend, eval import).
        .target(name: "HTTPClient"),
        .target(name: "Hashing", swiftSettings: hot),
        // `JSONValue`: the parser and the canonical encoding every hashed JSON goes through.
        .target(name: "JSON", swiftSettings: hot),
        .target(name: "ModelFormat", swiftSettings: hot),
        .target(name: "Tokenizers", dependencies: ["ModelFormat"], swiftSettings: hot),
        .target(name: "KernelSource", swiftSettings: kernels(cpu: "x86-64")),
        .target(name: "KernelsPortable", dependencies: ["KernelSource"], swiftSettings: kernels(cpu: "x86-64")),
        // x86 instructions the AVX2 and VNNI sets share (always inlined, so compiled per set).
        .target(name: "KernelsX86", dependencies: ["KernelSource"], swiftSettings: kernels(cpu: "alderlake")),
        .target(
            name: "KernelsAVX2", dependencies: ["KernelSource", "KernelsX86"], swiftSettings: kernels(cpu: "haswell")),
        .target(
            name: "KernelsAVXVNNI", dependencies: ["KernelSource", "KernelsX86"],
            swiftSettings: kernels(cpu: "alderlake")),
        .target(
            name: "KernelsAVX512VNNI", dependencies: ["KernelSource", "KernelsX86"],
            swiftSettings: kernels(cpu: "cascadelake")),
        .target(
            name: "InferenceCore",
            dependencies: [
                "ModelFormat", "Tokenizers", "KernelSource", "KernelsPortable", "KernelsAVX2",
                "KernelsAVXVNNI", "KernelsAVX512VNNI", "HTTPClient", "Hashing"
            ],
            swiftSettings: hot),
        .target(name: "Registry", dependencies: ["Storage", "Hashing", "JSON", "ModelFormat", "HTTPClient"]),
        .target(name: "Evaluation", dependencies: ["InferenceCore", "ModelFormat", "Registry", "Hashing", "JSON"]),
        .target(name: "DatasetQuality", dependencies: ["Hashing", "JSON"], swiftSettings: hot),
        .target(
            name: "Governance",
            dependencies: ["Registry", "Evaluation", "Hashing", "JSON", "DatasetQuality"],
            resources: [.copy("Resources/policy.json")]),
        .target(
            name: "Service",
            dependencies: [
                "Registry", "Evaluation", "Governance", "InferenceCore", "HTTPClient",
                "Hashing", "JSON"
            ],
            resources: [.copy("Resources/openapi.json")]),
        .target(
            name: "AssayCLI",
            dependencies: [
                "Hashing", "JSON", "ModelFormat", "Tokenizers", "InferenceCore", "Registry", "Evaluation",
                "Governance", "Service", "HTTPClient", "DatasetQuality"
            ]
        ),
        .executableTarget(name: "assay", dependencies: ["AssayCLI"]),
        .executableTarget(
            name: "Performance",
            dependencies: [
                "Hashing", "JSON", "InferenceCore", "Evaluation", "Registry", "DatasetQuality", "Governance"
            ],
            path: "Benchmarks/Performance",
            swiftSettings: hot
        ),

        // Test-only helpers: temp directories, fixture and model locations.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "CSQLite", "TestSupport"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        // Issue 15's shape rules on the source tree (imports declared, file sizes, @unchecked Sendable).
        .testTarget(name: "PackageShapeTests", dependencies: ["TestSupport"]),
        .testTarget(name: "ModelFormatTests", dependencies: ["ModelFormat", "Hashing", "TestSupport"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "ModelFormat", "TestSupport"]),
        .testTarget(
            name: "InferenceCoreTests",
            dependencies: [
                "InferenceCore", "KernelSource", "KernelsPortable", "ModelFormat", "TestSupport"
            ],
            exclude: ["Golden"]),
        .testTarget(
            name: "RegistryTests", dependencies: ["Registry", "Storage", "CSQLite", "Hashing", "JSON", "TestSupport"]),
        .testTarget(
            name: "EvaluationTests",
            dependencies: ["Evaluation", "Registry", "InferenceCore", "Hashing", "JSON", "TestSupport"]),
        .testTarget(
            name: "DatasetQualityTests",
            dependencies: [
                "DatasetQuality", "Governance", "Evaluation", "Registry", "Hashing", "JSON", "TestSupport"
            ]),
        .testTarget(
            name: "GovernanceTests",
            dependencies: ["Governance", "Registry", "Hashing", "JSON", "TestSupport"]),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Service", "Registry", "HTTPClient", "Governance", "Hashing", "JSON", "InferenceCore", "Storage",
                "TestSupport"
            ]),
        .testTarget(
            name: "AssayCLITests",
            dependencies: [
                "AssayCLI", "Storage", "CSQLite", "JSON", "ModelFormat", "Tokenizers", "InferenceCore",
                "Registry", "Evaluation", "Governance", "Service", "TestSupport"
            ]
        )
    ]
)
