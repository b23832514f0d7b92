/// Turns one line of `mon.out` (without its `\n`) into a message or the reason it is unusable.
struct LineDecoder {
    enum Outcome {
        case message(EventMessage, warning: EventLogError?)
        case failure(EventLogError)
    }

    /// The longest `task_level` accepted, so that rebuilding a tree never recurses without bound.
    static let maxLevelDepth = 1000

    let file: String
    /// When set, the only fields kept besides those ``EventMessage`` has properties for; the values of the
    /// others are checked as strictly but not stored.
    var keptFields: KeptFields? = nil
    /// The longest string value kept, in UTF-8 bytes (0, the default: no limit). A longer one is cut, with a
    /// visible `…(+N bytes)`, and a warning names the line: one huge value must not cost gigabytes downstream.
    var maxValueBytes = 0

    func decode(_ raw: UnsafeBufferPointer<UInt8>, line: Int, atEndWithoutNewline: Bool = false) -> Outcome {
        var bytes = raw
        if let last = bytes.last, last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        if parser.pos == bytes.count {
            return .failure(malformed(line, "blank line"))
        }
        if bytes[parser.pos] != UInt8(ascii: "{") {
            do throws(JSONParseError) {
                let value = try parser.parseDocument()
                return .failure(malformed(line, "not a JSON object (got \(Self.kind(of: value)))"))
            } catch {
                return .failure(malformed(line, "not JSON: \(error.message): \(Self.preview(bytes))"))
            }
        }
        var taskUUID: JSONValue?
        var taskLevel: JSONValue?
        var timestamp: JSONValue?
        var messageType: JSONValue?
        var actionType: JSONValue?
        var actionStatus: JSONValue?
        var exception: JSONValue?
        var reason: JSONValue?
        var fields: [String: JSONValue] = [:]
        do throws(JSONParseError) {
            try parser.parseObjectKeys { key, p throws(JSONParseError) in
                // Compared as bytes: making each key a String and switching on it was a tenth of the time.
                switch Self.standardKey(key) {
                case 0: taskUUID = try p.parseValue()
                case 1: taskLevel = try p.parseValue()
                case 2: timestamp = try p.parseValue()
                case 3: messageType = try p.parseValue()
                case 4: actionType = try p.parseValue()
                case 5: actionStatus = try p.parseValue()
                case 6: exception = try p.parseValue()
                case 7: reason = try p.parseValue()
                default:
                    if let keptFields, !keptFields.contains(key) {
                        try p.skipValue()
                    } else {
                        // Room for a typical message's fields at once: growing 1, 3, 6 re-hashed every key twice.
                        if fields.isEmpty { fields.reserveCapacity(4) }
                        fields[key.string] = try p.parseValue()
                    }
                }
            }
            try parser.expectEnd()
        } catch {
            let what = atEndWithoutNewline ? "truncated last line (no newline at end of input)" : "invalid JSON"
            return .failure(malformed(line, "\(what): \(error.message): \(Self.preview(bytes))"))
        }
        guard case .string(let uuid)? = taskUUID, !uuid.isEmpty else {
            return .failure(invalid(line, "task_uuid missing or not a non-empty string"))
        }
        guard case .array(let levelValues)? = taskLevel, !levelValues.isEmpty else {
            return .failure(invalid(line, "task_level missing or not a non-empty array"))
        }
        guard levelValues.count <= Self.maxLevelDepth else {
            return .failure(invalid(line, "task_level deeper than \(Self.maxLevelDepth)"))
        }
        var level: [Int] = []
        level.reserveCapacity(levelValues.count)
        for value in levelValues {
            guard let n = value.intValue, n >= 1 else {
                return .failure(invalid(line, "task_level holds something other than an integer >= 1"))
            }
            level.append(n)
        }
        var message = EventMessage(taskUUID: uuid, taskLevel: level, timestamp: nil, messageType: nil)
        if let actionType {
            guard case .string(let type) = actionType else {
                return .failure(invalid(line, "action_type is not a string"))
            }
            guard case .string(let statusText)? = actionStatus, let status = ActionStatus(rawValue: statusText)
            else {
                return .failure(invalid(line, "action_status missing or not started/succeeded/failed"))
            }
            message.actionType = type
            message.actionStatus = status
            if let messageType { fields["message_type"] = messageType }
        } else {
            if let actionStatus { fields["action_status"] = actionStatus }
            switch messageType {
            case .string(let type)?: message.messageType = type
            case nil: break
            case let other?: fields["message_type"] = other
            }
        }
        switch exception {
        case .string(let text)?: message.exception = text
        case nil: break
        case let other?: fields["exception"] = other
        }
        switch reason {
        case .string(let text)?: message.reason = text
        case nil: break
        case let other?: fields["reason"] = other
        }
        message.fields = fields
        var warning: EventLogError?
        switch timestamp {
        case .int(let i)?: message.timestamp = Double(i)
        case .double(let d)?: message.timestamp = d
        case nil:
            warning = EventLogError(code: .missingTimestamp, file: file, line: line, message: "no timestamp field")
        case let other?:
            message.fields["timestamp"] = other
            warning = EventLogError(
                code: .missingTimestamp, file: file, line: line, message: "timestamp is not a number")
        }
        // Only a line longer than the limit can hold a value longer than it.
        if maxValueBytes > 0, bytes.count > maxValueBytes {
            let cut = Self.cutLongValues(&message, limit: maxValueBytes)
            if cut > 0, warning == nil {
                warning = EventLogError(
                    code: .valueTooLong, file: file, line: line,
                    message: "\(cut) value\(cut == 1 ? "" : "s") longer than \(maxValueBytes) bytes cut (--max-value-bytes raises the limit)")
            }
        }
        return .message(message, warning: warning)
    }

    /// Cuts every string of `message` longer than `limit` bytes; returns how many were cut.
    static func cutLongValues(_ message: inout EventMessage, limit: Int) -> Int {
        var count = 0
        func cut(_ text: inout String) {
            guard text.utf8.count > limit else { return }
            var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
            while end.samePosition(in: text.unicodeScalars) == nil { end = text.utf8.index(before: end) }
            let removed = text.utf8.count - text.utf8.distance(from: text.utf8.startIndex, to: end)
            text = String(text[..<end]) + "…(+\(removed) bytes)"
            count += 1
        }
        func cut(_ value: inout JSONValue) {
            switch value {
            case .string(var text):
                guard text.utf8.count > limit else { return }
                cut(&text)
                value = .string(text)
            case .array(var items):
                for i in items.indices { cut(&items[i]) }
                value = .array(items)
            case .object(var fields):
                for key in fields.keys { cut(&fields[key]!) }
                value = .object(fields)
            default:
                break
            }
        }
        for key in message.fields.keys { cut(&message.fields[key]!) }
        if var text = message.exception { cut(&text); message.exception = text }
        if var text = message.reason { cut(&text); message.reason = text }
        if var text = message.messageType { cut(&text); message.messageType = text }
        if var text = message.actionType { cut(&text); message.actionType = text }
        return count
    }

    /// The standard keys, in the order ``standardKey(_:)`` numbers them.
    private static let standardKeys: [StaticString] = [
        "task_uuid", "task_level", "timestamp", "message_type", "action_type", "action_status", "exception", "reason",
    ]

    /// The index of `key` in ``standardKeys``, or `nil` for any other key.
    @inline(__always)
    static func standardKey(_ key: JSONParser.Key) -> Int? {
        for (i, name) in standardKeys.enumerated()
        where key.is(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)) {
            return i
        }
        return nil
    }

    func malformed(_ line: Int, _ text: String) -> EventLogError {
        EventLogError(code: .malformedLine, file: file, line: line, message: text)
    }

    func invalid(_ line: Int, _ text: String) -> EventLogError {
        EventLogError(code: .invalidMessage, file: file, line: line, message: text)
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The first 40 characters of the line, for the warning text.
    static func preview(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes.prefix(160)), as: UTF8.self)
        let cut = text.prefix(40)
        return "'" + cut + (cut.count < text.count || bytes.count > 160 ? "…" : "") + "'"
    }
}
