#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog

/// The terminal in raw mode on the alternate screen, for `top`'s interactive view: entered once, and restored
/// however the process ends (a return, `exit`, SIGINT, SIGTERM, SIGHUP).
///
/// Invariants: `saved` is written once, by ``enter()``, before any handler that reads it is installed, and only
/// read afterwards, by ``restore()``, which may run in a signal handler: it calls only `tcsetattr` and `write`,
/// both async-signal-safe, and takes no lock.
enum RawTerminal {
    /// The terminal's settings before ``enter()``.
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var entered = false

    /// A key read.
    enum Key: Equatable {
        case character(Character)
        case up, down, pageUp, pageDown, home, end, enter, escape, backspace, interrupt
    }

    /// Puts the terminal in raw mode (no echo, no line editing, Ctrl-C read as a key) on the alternate screen with
    /// the cursor hidden. `false` when standard input or output is not a terminal.
    static func enter() -> Bool {
        guard !entered, isatty(0) == 1, isatty(1) == 1, tcgetattr(0, &saved) == 0 else { return false }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(0, TCSAFLUSH, &raw) == 0 else { return false }
        entered = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                RawTerminal.restore()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
        // A resize interrupts the wait for a key, so the screen is drawn again at once.
        signal(SIGWINCH) { _ in }
        atexit { RawTerminal.restore() }
        write("\u{1B}[?1049h\u{1B}[?25l")
        return true
    }

    /// Leaves the alternate screen and puts the settings back; does nothing when not entered (or twice).
    static func restore() {
        guard entered else { return }
        entered = false
        tcsetattr(0, TCSAFLUSH, &saved)
        write("\u{1B}[?25h\u{1B}[?1049l")
    }

    /// Writes all of `text` to standard output.
    static func write(_ text: String) {
        var text = text
        _ = text.withUTF8 { PosixFile.writeAll($0, to: 1) }
    }

    /// The terminal's columns and rows (80×24 when it does not say).
    static func size() -> (columns: Int, rows: Int) {
        var w = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 else { return (80, 24) }
        return (Int(w.ws_col), Int(w.ws_row))
    }

    /// Waits up to `seconds` for keys: every key that came (typed fast or pasted, several come at once); none
    /// when the time ran out or a signal, such as a resize, came first.
    static func keys(within seconds: Double) -> [Key] {
        var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, Int32(max(0, min(seconds, 60)) * 1000)) > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: 256)
        let n = read(0, &bytes, bytes.count)
        guard n > 0 else { return [] }
        return decode(bytes[..<n])
    }

    /// The keys a burst of bytes stands for, in order; bytes that are no key are skipped.
    static func decode(_ bytes: ArraySlice<UInt8>) -> [Key] {
        var keys: [Key] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            i += 1
            switch b {
            case 0x1B:
                // An escape sequence (ESC [ X or ESC O X, PgUp and PgDn with a closing ~), or Esc alone.
                guard i + 1 < bytes.endIndex, bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "O")
                else {
                    keys.append(.escape)
                    continue
                }
                let code = bytes[i + 1]
                i += 2
                switch code {
                case UInt8(ascii: "A"): keys.append(.up)
                case UInt8(ascii: "B"): keys.append(.down)
                case UInt8(ascii: "H"): keys.append(.home)
                case UInt8(ascii: "F"): keys.append(.end)
                case UInt8(ascii: "5"): keys.append(.pageUp)
                case UInt8(ascii: "6"): keys.append(.pageDown)
                default: break
                }
                if i < bytes.endIndex, bytes[i] == UInt8(ascii: "~") { i += 1 }
            case 0x0D, 0x0A: keys.append(.enter)
            case 0x7F, 0x08: keys.append(.backspace)
            case 0x03: keys.append(.interrupt)
            default:
                if b >= 0x20, b < 0x7F { keys.append(.character(Character(Unicode.Scalar(b)))) }
            }
        }
        return keys
    }
}
