import Foundation
import Glibc
import Testing

@testable import UDPLabOS

/// Files in a directory others may write: nothing is followed, nothing replaced by accident.
@Suite("Directory and atomic files", .serialized)
struct DirectoryTests {
    /// A fresh directory, removed at the end of the test.
    final class Scratch {
        let path: String
        init() throws {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "udplab-dir-\(UUID().uuidString.prefix(8))"
                )
                .path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func text(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }
        func write(_ text: String, _ name: String) throws {
            try text.write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
        }
        func mode(_ name: String) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: path + "/" + name)[.posixPermissions] as? Int
        }
    }

    @Test("A symlink planted at the temporary name is not followed: its target is unchanged, the write succeeds")
    func plantedTemporarySymlink() throws {
        let scratch = try Scratch()
        try scratch.write("precious", "target")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path + "/state.json" + ".tmp-\(getpid())",
            withDestinationPath: scratch.path + "/target"
        )
        let directory = try Directory(opening: scratch.path)
        try AtomicFile.write(Array("new\n".utf8), named: "state.json", in: directory)
        #expect(try scratch.text("target") == "precious")
        #expect(try scratch.text("state.json") == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == ["state.json", "target"])
    }

    @Test("A symlink at the file's own name is replaced, not written through, and not read through")
    func symlinkAtTheName() throws {
        let scratch = try Scratch()
        try scratch.write("precious", "target")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path + "/state.json",
            withDestinationPath: scratch.path + "/target"
        )
        let directory = try Directory(opening: scratch.path)
        #expect(throws: SystemError(code: ELOOP, operation: "open(\(scratch.path)/state.json)")) {
            try directory.contents(of: "state.json")
        }
        try AtomicFile.write(Array("new".utf8), named: "state.json", in: directory)
        #expect(try scratch.text("target") == "precious")
        #expect(try directory.contents(of: "state.json") == Array("new".utf8))
        #expect(try directory.contents(of: "missing") == nil)
    }

    @Test("moveAside takes the first free name and never replaces an existing one")
    func moveAsideNeverReplaces() throws {
        let scratch = try Scratch()
        try scratch.write("first backup", "f.bak")
        try scratch.write("second backup", "f.bak-2")
        try scratch.write("current", "f")
        let directory = try Directory(opening: scratch.path)
        #expect(try directory.moveAside("f", toUnused: "f.bak") == "f.bak-3")
        #expect(try scratch.text("f.bak") == "first backup")
        #expect(try scratch.text("f.bak-2") == "second backup")
        #expect(try scratch.text("f.bak-3") == "current")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/f"))
    }

    @Test("removeLeftovers removes NAME.tmp-<pid> of this process and of dead ones, nothing else")
    func removeLeftovers() throws {
        let scratch = try Scratch()
        // 99999999 is above the largest pid_max (2^22): no such process.
        let names = [
            "s.json", "s.json.tmp-99999999", "s.json.tmp-\(getpid())", "s.json.tmp-1", "s.json.tmp-",
            "s.json.tmp-x1", "t.json.tmp-99999999",
        ]
        for name in names {
            try scratch.write("x", name)
        }
        let directory = try Directory(opening: scratch.path)
        #expect(
            try AtomicFile.removeLeftovers(of: "s.json", in: directory)
                == [
                    "s.json.tmp-\(getpid())", "s.json.tmp-99999999",
                ].sorted()
        )
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(left == ["s.json", "s.json.tmp-", "s.json.tmp-1", "s.json.tmp-x1", "t.json.tmp-99999999"])
    }

    @Test("A control socket gets its mode from bind itself", arguments: [0o600, 0o640, 0o660, 0o666])
    func socketMode(mode: Int) throws {
        let scratch = try Scratch()
        _ = try UnixStreamSocket.listen(path: scratch.path + "/s", mode: UInt16(mode))
        #expect(try scratch.mode("s") == mode)
    }

    @Test("A symlink swapped in right after bind keeps its target's mode: nothing chmods by path")
    func socketSwappedForSymlink() throws {
        let scratch = try Scratch()
        try scratch.write("precious", "target")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: scratch.path + "/target")
        let socketPath = scratch.path + "/s"
        let listener = try UnixStreamSocket.listen(path: socketPath, mode: 0o666, backlog: 8) {
            // What a racing process does between bind(2) and any later call by path.
            try? FileManager.default.removeItem(atPath: socketPath)
            try? FileManager.default.createSymbolicLink(
                atPath: socketPath,
                withDestinationPath: scratch.path + "/target"
            )
        }
        _ = listener
        #expect(try scratch.mode("target") == 0o600)
        #expect(try scratch.text("target") == "precious")
    }

    @Test("The writable-by-others check sees S_IWOTH, sticky bit or not")
    func writableByOthers() throws {
        let scratch = try Scratch()
        for (mode, expected) in [(0o755, false), (0o775, false), (0o777, true), (0o1777, true)] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: scratch.path)
            #expect(try Directory(opening: scratch.path).isWritableByOthers() == expected, "\(String(mode, radix: 8))")
        }
    }
}
