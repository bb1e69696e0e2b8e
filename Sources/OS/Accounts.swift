import Glibc

/// User and group facts the daemon's authorization needs.
public enum Accounts {
    /// The uid this process runs as. The corresponding C call is `getuid(2)`.
    public static var currentUID: UInt32 { getuid() }

    /// The process id. The corresponding C call is `getpid(2)`.
    public static var processID: Int32 { getpid() }

    /// `true` when `uid` belongs to group `name`, as primary or supplementary group.
    ///
    /// The corresponding C calls are `getgrnam_r(3)`, `getpwuid_r(3)` and `getgrouplist(3)`.
    /// A group that does not exist has no members.
    public static func isMember(uid: UInt32, ofGroup name: String) -> Bool {
        guard let groupID = groupID(named: name), let (userName, primaryGroup) = user(uid) else { return false }
        if primaryGroup == groupID { return true }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(userName, primaryGroup, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(userName, primaryGroup, &groups, &count) != -1 else { return false }
        }
        return groups.prefix(Int(count)).contains(groupID)
    }

    /// The id of group `name`, or `nil` when there is none.
    public static func groupID(named name: String) -> UInt32? {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        guard getgrnam_r(name, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return group.gr_gid
    }

    /// The name and primary group of `uid`, or `nil` when the user is unknown.
    public static func user(_ uid: UInt32) -> (name: String, groupID: UInt32)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return (String(cString: entry.pw_name), entry.pw_gid)
    }
}
