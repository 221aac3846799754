#if canImport(Glibc)
import Glibc
#endif

/// Resident set size of this process in bytes, from /proc/self/statm (second field, in pages);
/// 0 where that file does not exist. Used by the leak tests and the benchmarks.
public func residentBytes() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var size = 0, resident = 0
    withUnsafeMutablePointer(to: &size) { s in
        withUnsafeMutablePointer(to: &resident) { r in
            _ = withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
        }
    }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}
