import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files being written, removed if SIGINT, SIGTERM or SIGHUP ends the command mid-write.
///
/// The paths are kept in memory allocated once, so that the handler only reads bytes and calls `unlink` (both
/// async-signal-safe); it then ends the process with the same signal, as if it had not been caught. A signal
/// the command was started with ignored (`nohup`) stays ignored; one it was started with blocked is unblocked.
///
/// Only a program that owns its signals installs the handlers (``removeOnSignals()``: the `reactortrack`
/// command does, first thing): a library must not take an app's SIGTERM from it, so an app that renders through
/// the library keeps its own handlers, and a temporary file is then removed only when the write fails.
package enum TemporaryFiles {
    /// How many temporary files can be registered at once (the command writes one at a time).
    private static let capacity = 4
    /// The bytes of one slot: a path and its NUL.
    private static let slotSize = Int(PATH_MAX) + 1
    /// The signals that remove the files.
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Held while a slot is taken or freed: files are written from several threads at once (a library's callers,
    /// the tests), and two writers must not take the same slot. The signal handler only reads the slots.
    private static let lock = NIOLock()

    /// `capacity` NUL-terminated paths; a slot whose first byte is NUL is free.
    private nonisolated(unsafe) static let slots: UnsafeMutablePointer<CChar> = {
        let memory = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * slotSize)
        memory.initialize(repeating: 0, count: capacity * slotSize)
        return memory
    }()

    /// Removes the registered temporary files when SIGINT, SIGTERM or SIGHUP ends the process: installs the
    /// handlers, once. For a program that owns its signals (the command), not for a library.
    package static func removeOnSignals() {
        _ = installed
    }

    /// Installs the handlers, once.
    private static let installed: Bool = {
        _ = slots
        let handler: @convention(c) (Int32) -> Void = { number in
            let slots = TemporaryFiles.slots
            var index = 0
            while index < TemporaryFiles.capacity {
                let path = slots + index * TemporaryFiles.slotSize
                if path.pointee != 0 { unlink(path) }
                index += 1
            }
            _ = signal(number, SIG_DFL)
            raise(number)
        }
        var caught = sigset_t()
        sigemptyset(&caught)
        for number in signals {
            let previous = signal(number, handler)
            // Ignored when the command started (nohup): keep it ignored.
            if let previous, unsafeBitCast(previous, to: Int.self) == 1 {
                _ = signal(number, SIG_IGN)
            } else {
                sigaddset(&caught, number)
            }
        }
        // A parent that spawned the command from a thread pool may have left these blocked (libdispatch's workers
        // block them): pending until the end, they would neither end the command nor remove anything.
        pthread_sigmask(SIG_UNBLOCK, &caught, nil)
        return true
    }()

    /// Registers `path` for removal on a signal; returns its slot for ``unregister(_:)``, or `nil` when the path
    /// is too long or every slot is taken (the file is then only removed by the caller). Called by `make` only,
    /// with the signals held back.
    private static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard bytes.count < slotSize, !bytes.contains(0) else { return nil }
        return lock.withLock {
            for index in 0..<capacity where slots[index * slotSize] == 0 {
                let slot = slots + index * slotSize
                for (offset, byte) in bytes.enumerated() { slot[offset] = CChar(bitPattern: byte) }
                slot[bytes.count] = 0
                return index
            }
            return nil
        }
    }

    /// Makes a temporary file with `make` (its path and descriptor) and registers it, with the cleanup signals held
    /// back meanwhile: a signal that comes while the file is being made acts once it is registered, and removes
    /// it. (Registered after it was made, a file made a moment before a signal was left behind.)
    package static func make(
        _ make: () throws(OutputFileError) -> (String, Int32)
    ) throws(OutputFileError) -> (path: String, fd: Int32, slot: Int?) {
        let result = withSignalsBlocked { () -> Result<(String, Int32, Int?), OutputFileError> in
            do throws(OutputFileError) {
                let (path, fd) = try make()
                return .success((path, fd, register(path)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Forgets the path in `slot` (the file was renamed or removed).
    package static func unregister(_ slot: Int?) {
        guard let slot else { return }
        withSignalsBlocked { lock.withLock { slots[slot * slotSize] = 0 } }
    }

    /// Runs `body` with the cleanup signals held back, so that the handler never sees a half-written slot.
    private static func withSignalsBlocked<T>(_ body: () -> T) -> T {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        for number in signals { sigaddset(&blocked, number) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return body()
    }
}
