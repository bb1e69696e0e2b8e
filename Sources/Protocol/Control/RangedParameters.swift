/// A method's parameters whose numbers have ranges. ``ParameterDecoder`` checks them as it
/// decodes, so that a number out of range, or not even of its field's type (`1e20` for an
/// integer), is `InvalidParameter` naming the field and its range, whichever method it is for.
public protocol RangedParameters {
    /// The allowed values of integer fields, by field name.
    static var integerRanges: [String: ClosedRange<Int>] { get }
    /// The allowed values of other numeric fields, by field name.
    static var numberRanges: [String: ClosedRange<Double>] { get }
}

extension RangedParameters {
    public static var integerRanges: [String: ClosedRange<Int>] { [:] }
    public static var numberRanges: [String: ClosedRange<Double>] { [:] }
}

extension ClosedRange where Bound == Double {
    /// `0.05 to 3600`: the bounds as a person writes them (no `.0` on whole numbers).
    public var text: String {
        func number(_ value: Double) -> String {
            value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        return "\(number(lowerBound)) to \(number(upperBound))"
    }
}
