import Foundation
import Testing
import UDPLabProtocol

/// Someone who can write in the socket's or the state directory cannot make the daemon write or
/// chmod anything else, and the daemon says when such a directory is writable by others.
@Suite("File safety", .serialized)
struct FileSafetyTests {
    @Test("A symlink planted at engines.json.tmp-<pid> is not followed: its target is unchanged, the save works")
    func plantedTemporarySymlink() throws {
        let daemon = try DaemonHarness()
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        let target = daemon.directory + "/precious"
        try "precious".write(toFile: target, atomically: false, encoding: .utf8)
        let child = try daemon.start()
        let planted = daemon.stateFile + ".tmp-\(child.pid)"
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: target)

        let reply = try daemon.connect().call(StartMethod.name, #"{"name":"p1","kind":"echo","bind":"127.0.0.1:0"}"#)
        #expect(reply.error == nil)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
        #expect(try daemon.savedNames() == ["p1"])
        let type = try FileManager.default.attributesOfItem(atPath: daemon.stateFile)[.type] as? FileAttributeType
        #expect(type == .typeRegular)
        #expect(!FileManager.default.fileExists(atPath: planted))
    }

    @Test("A socket path that is a symlink is not followed: the daemon exits 73, the target's mode unchanged")
    func socketPathSymlink() throws {
        let daemon = try DaemonHarness()
        let target = daemon.directory + "/precious"
        try "precious".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        try FileManager.default.createSymbolicLink(atPath: daemon.socketPath, withDestinationPath: target)

        let (status, _) = try daemon.runExpectingExit()
        #expect(status == 73)
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
    }

    @Test("The daemon warns when the socket's directory or the state directory is writable by others (/tmp too)")
    func warnsAboutWorldWritableDirectories() throws {
        let daemon = try DaemonHarness()
        let open = daemon.directory + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        // 1777 like /tmp: the sticky bit does not make it safe for the daemon's files.
        try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: open)
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: daemon.stateDirectory)

        let child = try daemon.start(extraArguments: ["--socket", open + "/udplabd.sock"])
        let warnings = child.stderr.split(separator: "\n").filter { $0.contains("warning ") }
        #expect(warnings.contains { $0.contains("socket directory is writable by other users") && $0.contains(open) })
        #expect(
            warnings.contains {
                $0.contains("state directory is writable by other users") && $0.contains(daemon.stateDirectory)
            }
        )
    }

    @Test("The daemon warns about a state directory another user owns, and about the nearest one above a missing one")
    func warnsAboutOtherOwnersAndMissingStateDirectories() throws {
        let daemon = try DaemonHarness()
        let open = daemon.directory + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: open)
        let owned = daemon.directory + "/owned"
        try FileManager.default.createDirectory(atPath: owned, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountID: 65534], ofItemAtPath: owned)

        let missing = try daemon.start(extraArguments: ["--state-dir", open + "/not/yet"])
        #expect(missing.stderr.contains("state directory is writable by other users: they can replace or race"))
        #expect(missing.stderr.contains("path=\(open)\n"))
        #expect(try daemon.stop() == 0)

        let other = try daemon.start(extraArguments: ["--state-dir", owned])
        #expect(other.stderr.contains("state directory is writable by its owner, uid 65534"))
    }

    @Test("No warning for the harness's private directories")
    func noWarningForPrivateDirectories() throws {
        let daemon = try DaemonHarness()
        let child = try daemon.start()
        #expect(!child.stderr.contains("writable by"))
    }
}
