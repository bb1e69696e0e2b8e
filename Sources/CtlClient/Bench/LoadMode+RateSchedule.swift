extension LoadMode {
    /// The send schedule of `rate` mode starting at `start` (nanoseconds); `nil` in the closed-loop
    /// modes, which send when a reply frees a place.
    func rateSchedule(start: UInt64) -> RateSchedule? {
        guard case .rate(let perSecond) = self else { return nil }
        return RateSchedule(perSecond: perSecond, start: start)
    }
}
