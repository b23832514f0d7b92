extension Array {
    /// Stores `element` at `index`, first growing the array with `filler` up to it: what a chain keeps per pair
    /// (its call site, its names) by the pair's index. Pairs are numbered from 0 as they are added and come in
    /// order, so the usual store is an append, and the first one makes room for a few (not a new array at each of
    /// the first pairs). A negative index stores nothing.
    @inlinable
    package mutating func store(_ element: consuming Element, atPair index: Int, filling filler: @autoclosure () -> Element) {
        guard index >= 0 else { return }
        if index == count {
            if isEmpty { reserveCapacity(8) }
            append(element)
            return
        }
        while count <= index { append(filler()) }
        self[index] = element
    }
}
