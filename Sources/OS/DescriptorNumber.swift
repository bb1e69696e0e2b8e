/// The number of a descriptor that something else owns: what a registration remembers of a
/// source whose owner is not at hand (e.g. a socket inside a future), to change its epoll
/// registration later.
///
/// It neither owns nor closes the descriptor, and only `Sources/OS` can read the number or
/// make one (``FileDescriptor/number``): above this layer it is an opaque key.
public struct DescriptorNumber: Hashable, Sendable {
    let rawValue: Int32
}

extension FileDescriptor {
    /// This descriptor's number, to be remembered without owning it.
    public var number: DescriptorNumber { DescriptorNumber(rawValue: rawValue) }
}
