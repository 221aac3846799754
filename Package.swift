// swift-tools-version:6.0
// DepotTwin: a digital twin of an electric-bus depot. Swift core, Lua plugins, SQLite history.
// No third-party packages: the build machines cannot fetch them. System C libraries come in
// through `.systemLibrary` targets found by pkg-config (see tools/ensure-deps.sh).
import PackageDescription

let package = Package(
    name: "DepotTwin",
    products: [
        .executable(name: "twin", targets: ["twin"]),
        .executable(name: "twin-bench", targets: ["TwinBench"]),
        .library(name: "TwinCore", targets: ["TwinCore"]),
        .library(name: "LuaHost", targets: ["LuaHost"]),
    ],
    targets: [
        // C libraries from the system.
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // The only C we write: Lua's macros as functions, the error trampoline, hooks, allocator.
        .target(name: "CLuaShim", dependencies: ["CLua"]),

        // Swift modules; dependency direction as in DESIGN.md.
        .target(name: "LuaHost", dependencies: ["CLuaShim", "CLua"]),
        .target(name: "TwinCore"),
        .target(name: "TwinLua", dependencies: ["LuaHost", "TwinCore"]),
        .target(name: "TwinStore", dependencies: ["CSQLite", "TwinCore"]),
        .target(name: "TwinCLI", dependencies: ["TwinLua", "TwinStore", "TwinCore", "LuaHost", "CEditLine"]),
        .executableTarget(name: "twin", dependencies: ["TwinCLI"]),
        .executableTarget(name: "TwinBench", dependencies: ["TwinCore", "LuaHost", "TwinLua", "TwinTestSupport"]),
        // Writer process for TwinStore's kill -9 and two-writer tests.
        .executableTarget(name: "TwinStoreStress", dependencies: ["TwinStore", "TwinCore"]),

        // Shared by the tests and benchmarks: reference cases (files, ACN-Sim figures, the analytic
        // depot) and resident-memory readings.
        .target(name: "TwinTestSupport", dependencies: ["TwinCore"], path: "Tests/TwinTestSupport"),
        // Unit tests per module, end-to-end tests apart (they run the built `twin`).
        .testTarget(name: "LuaHostTests", dependencies: ["LuaHost", "TwinTestSupport"]),
        .testTarget(name: "TwinCoreTests", dependencies: ["TwinCore", "TwinTestSupport"]),
        .testTarget(name: "TwinLuaTests", dependencies: ["TwinLua", "LuaHost", "TwinCore", "TwinTestSupport"]),
        .testTarget(name: "TwinStoreTests", dependencies: ["TwinStore", "TwinCore"]),
        .testTarget(name: "TwinCLITests", dependencies: ["TwinCLI"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ],
    // Swift 5 language mode: the Lua state is single-threaded by design (bridge rule 4), and strict
    // Sendable checking would force unchecked annotations everywhere without adding safety.
    swiftLanguageModes: [.v5]
)
