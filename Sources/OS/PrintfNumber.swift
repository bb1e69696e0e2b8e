import Glibc

/// A `Double` as C's printf writes it: the digits tables show (`%.2f`, `%.3g`), always with a `.`
/// (the process never calls setlocale(3), so the C locale holds).
public enum PrintfNumber {
    /// `value` with `digits` digits after the point, as `%.<digits>f`: `1.50`, `-0.0`, `inf`, `nan`.
    ///
    /// The corresponding C call is `snprintf(3)`.
    public static func fixed(_ value: Double, digits: Int) -> String {
        formatted("%.*f", value, precision: digits)
    }

    /// `value` with `digits` significant digits, as `%.<digits>g`: `12.3`, `0.0012`, `1.23e+06`.
    ///
    /// The corresponding C call is `snprintf(3)`.
    public static func significant(_ value: Double, digits: Int) -> String {
        formatted("%.*g", value, precision: digits)
    }

    /// `format` (one `*` precision, one double) applied: measured first, then written.
    private static func formatted(_ format: String, _ value: Double, precision: Int) -> String {
        let precision = Int32(clamping: max(0, min(precision, 64)))
        let length = withVaList([precision, value]) { vsnprintf(nil, 0, format, $0) }
        guard length > 0 else { return "" }
        var bytes = [CChar](repeating: 0, count: Int(length) + 1)
        _ = bytes.withUnsafeMutableBufferPointer { buffer in
            withVaList([precision, value]) { vsnprintf(buffer.baseAddress, buffer.count, format, $0) }
        }
        return String(decoding: bytes.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
