@testable import Actions
import Foundation
import NIOConcurrencyHelpers
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Task UUIDs")
struct TaskUUIDPoolTests {
    /// Whether `uuid` is a lowercase 8-4-4-4-12 version 4, variant 10xx UUID.
    static func isRandomV4(_ uuid: String) -> Bool {
        let bytes = Array(uuid.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                else { return false }
            }
        }
        return bytes[14] == UInt8(ascii: "4") && Array("89ab".utf8).contains(bytes[19])
    }

    @Test("formats 128 bits as lowercase 8-4-4-4-12 hex, most significant nibble first")
    func format() {
        #expect(
            TaskUUIDPool.format(high: 0x1B4E_28BA_2FA1_41D2, low: 0x883F_0016_D3CC_A427)
                == "1b4e28ba-2fa1-41d2-883f-0016d3cca427")
        #expect(TaskUUIDPool.format(high: 0, low: .max) == "00000000-0000-0000-ffff-ffffffffffff")
    }

    @Test("every UUID is a random version 4 UUID that Foundation parses back to itself")
    func versionAndVariant() throws {
        for _ in 0..<2_000 {
            let uuid = newTaskUUID()
            #expect(Self.isRandomV4(uuid), "\(uuid)")
            let parsed = try #require(UUID(uuidString: uuid))
            #expect(parsed.uuidString.lowercased() == uuid)
        }
    }

    @Test("UUIDs do not repeat, across many refills of the buffer and several threads")
    func unique() {
        let threads = 4
        let perThread = 10_000
        let made = NIOLockedValueBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var mine: [String] = []
            mine.reserveCapacity(perThread)
            for _ in 0..<perThread { mine.append(newTaskUUID()) }
            made.withLockedValue { $0.append(contentsOf: mine) }
        }
        let all = made.withLockedValue { $0 }
        #expect(all.count == threads * perThread)
        #expect(Set(all).count == all.count)
        #expect(all.allSatisfy(Self.isRandomV4))
    }

    @Test("the random bits are spread out: every hex digit appears in every random position")
    func spread() {
        let uuids = (0..<4_000).map { _ in Array(newTaskUUID().utf8) }
        for position in 0..<36 where ![8, 13, 14, 18, 19, 23].contains(position) {
            #expect(Set(uuids.map { $0[position] }).count == 16, "position \(position)")
        }
        #expect(Set(uuids.map { $0[19] }) == Set("89ab".utf8))
    }

    @Test("a forked child does not hand out the UUIDs its parent had buffered")
    func forkedChild() async {
        // In a fresh process, so that no other test holds the pool's lock when it forks.
        await #expect(processExitsWith: .success) {
            _ = newTaskUUID()  // fills the buffer, which the child inherits
            var pipeEnds: [Int32] = [0, 0]
            guard pipe(&pipeEnds) == 0 else { exit(2) }
            let child = fork()
            if child == 0 {
                var uuid = Array(newTaskUUID().utf8)
                _ = write(pipeEnds[1], &uuid, uuid.count)
                _exit(0)
            }
            guard child > 0 else { exit(3) }
            close(pipeEnds[1])
            var received = [UInt8](repeating: 0, count: 36)
            var count = 0
            while count < 36 {
                let got = received.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress! + count, 36 - count) }
                guard got > 0 else { break }
                count += got
            }
            var status: Int32 = 0
            _ = waitpid(child, &status, 0)
            let fromChild = String(decoding: received[..<count], as: UTF8.self)
            let parentNext = newTaskUUID()
            // Without the fork handler the child's first UUID would be exactly the parent's next one.
            exit(count == 36 && TaskUUIDPoolTests.isRandomV4(fromChild) && fromChild != parentNext ? 0 : 1)
        }
    }
}
