import Foundation

/// Unix seconds now, for `timestamp`.
func currentTimestamp() -> Double { Date().timeIntervalSince1970 }

/// A new lowercase UUID string, as Eliot writes `task_uuid`.
func newTaskUUID() -> String { TaskUUIDPool.shared.next() }
