import Glibc

/// A moment as a wall clock shows it: date, time of day, and the zone's offset and abbreviation.
///
/// The system's local zone comes from the C library (`TZ`, `/etc/localtime`), which knows every
/// zone without ICU's data; FoundationEssentials' `TimeZone` knows only fixed offsets.
public struct CivilTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Seconds east of UTC.
    public var utcOffset: Int
    /// The zone's abbreviation then (`CEST`, `UTC`), as the C library names it.
    public var zoneAbbreviation: String

    /// `secondsSince1970` in the system's local zone.
    ///
    /// The corresponding C calls are `tzset(3)` and `localtime_r(3)`.
    public static func local(secondsSince1970: Int) -> CivilTime {
        tzset()
        var time = time_t(secondsSince1970)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else {
            return fixed(secondsSince1970: secondsSince1970, utcOffset: 0)
        }
        let zone = parts.tm_zone.map { String(cString: $0) } ?? ""
        return CivilTime(parts, utcOffset: parts.tm_gmtoff, zoneAbbreviation: zone)
    }

    /// `secondsSince1970` at a fixed offset from UTC (the abbreviation is `UTC` at offset 0, else
    /// the offset as `+0200`).
    ///
    /// The corresponding C call is `gmtime_r(3)`.
    public static func fixed(secondsSince1970: Int, utcOffset: Int) -> CivilTime {
        var time = time_t(secondsSince1970 &+ utcOffset)
        var parts = tm()
        _ = gmtime_r(&time, &parts)
        let minutes = abs(utcOffset) / 60
        let digits = String(minutes / 60 * 100 + minutes % 60)
        let zone =
            utcOffset == 0
            ? "UTC" : (utcOffset < 0 ? "-" : "+") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return CivilTime(parts, utcOffset: utcOffset, zoneAbbreviation: zone)
    }

    private init(_ parts: tm, utcOffset: Int, zoneAbbreviation: String) {
        year = Int(parts.tm_year) + 1900
        month = Int(parts.tm_mon) + 1
        day = Int(parts.tm_mday)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
        self.utcOffset = utcOffset
        self.zoneAbbreviation = zoneAbbreviation
    }
}
