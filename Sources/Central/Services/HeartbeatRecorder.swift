public import Foundation

/// Collects heartbeat times in memory and writes them in one statement per interval, so 10,000
/// satellites beating every 10 s cost one UPDATE a second instead of a thousand.
public actor HeartbeatRecorder {
    private let store: MetadataStore
    private var pending: [UUID: Date] = [:]

    public init(store: MetadataStore) {
        self.store = store
    }

    public func record(_ satelliteID: UUID, at time: Date) {
        if let existing = pending[satelliteID], existing >= time { return }
        pending[satelliteID] = time
    }

    /// Writes what is pending; on failure the times are kept for the next attempt.
    public func flush() async throws {
        let batch = pending
        guard !batch.isEmpty else { return }
        pending.removeAll()
        do {
            try await store.recordHeartbeats(batch)
        } catch {
            for (id, time) in batch where (pending[id] ?? .distantPast) < time { pending[id] = time }
            throw error
        }
    }

    public var pendingCount: Int { pending.count }
}
