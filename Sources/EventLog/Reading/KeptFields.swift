/// The non-standard fields a ``LineDecoder`` keeps, matched against keys without making strings of them.
struct KeptFields {
    let names: Set<String>
    private let bytes: [[UInt8]]

    init(_ names: Set<String>) {
        self.names = names
        bytes = names.map { Array($0.utf8) }
    }

    func contains(_ key: JSONParser.Key) -> Bool {
        if let decoded = key.decoded { return names.contains(decoded) }
        for name in bytes where name.count == key.raw.count {
            if name.withUnsafeBufferPointer({ key.is($0) }) { return true }
        }
        return false
    }
}
