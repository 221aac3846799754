import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// UTC timestamps as ISO 8601 text with milliseconds, e.g. `2026-12-03T16:44:55.123Z`.
/// Written by hand (gmtime/timegm) so the format is fixed whatever the locale or Foundation version.
enum ISO8601 {
    /// Formats a date, rounding to the millisecond.
    static func string(from date: Date) -> String {
        let totalMS = (date.timeIntervalSince1970 * 1000).rounded()
        var seconds = time_t((totalMS / 1000).rounded(.down))
        let ms = Int(totalMS - Double(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z`; nil for anything else.
    static func date(from text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars.last == UInt8(ascii: "Z") else { return nil }
        func number(_ start: Int, _ length: Int) -> Int32? {
            guard start + length <= chars.count else { return nil }
            var value: Int32 = 0
            for c in chars[start..<start + length] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int32(c - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var fraction = 0.0
        if chars.count > 20 {
            guard chars[19] == UInt8(ascii: "."), let digits = number(20, chars.count - 21) else { return nil }
            fraction = Double(digits) / pow(10, Double(chars.count - 21))
        }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: Double(timegm(&parts)) + fraction)
    }
}
