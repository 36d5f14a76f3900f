/// A point in the cluster's WAL history: a position on a timeline.
struct WALPoint: Equatable, CustomStringConvertible {
    var timeline: Int
    var lsn: UInt64

    var description: String { "tl\(timeline)@\(lsn)" }
}

/// The tree of timelines (each promotion branches a new one off the promoted node's position),
/// and the ground truth of what clients were told was committed.
struct ClusterHistory {
    /// `forks[t]` is where timeline `t` branched off its parent (timeline 1 has none).
    private var forks: [Int: WALPoint] = [:]
    private(set) var newestTimeline = 1
    /// The highest acknowledged position per timeline.
    private(set) var acknowledged: [Int: UInt64] = [:]

    mutating func branch(from point: WALPoint) -> Int {
        newestTimeline += 1
        forks[newestTimeline] = point
        return newestTimeline
    }

    mutating func acknowledge(_ point: WALPoint) {
        acknowledged[point.timeline] = max(acknowledged[point.timeline] ?? 0, point.lsn)
    }

    /// Whether `point` is part of the history that leads to `position` (a node at `position` holds
    /// every WAL byte up to `point`).
    func holds(_ point: WALPoint, at position: WALPoint) -> Bool {
        var timeline = position.timeline
        var limit = position.lsn
        while timeline != point.timeline {
            guard let fork = forks[timeline] else { return false }
            limit = min(limit, fork.lsn)
            timeline = fork.timeline
        }
        return point.lsn <= limit
    }

    /// The furthest point of `position`'s history that `other`'s history shares: where pg_rewind
    /// takes a diverged node back to.
    func commonPoint(_ position: WALPoint, _ other: WALPoint) -> WALPoint {
        var timeline = position.timeline
        var limit = position.lsn
        while true {
            // The part of `other`'s history on this timeline, if any.
            var otherTimeline = other.timeline
            var otherLimit = other.lsn
            while otherTimeline != timeline, let fork = forks[otherTimeline] {
                otherLimit = min(otherLimit, fork.lsn)
                otherTimeline = fork.timeline
            }
            if otherTimeline == timeline { return WALPoint(timeline: timeline, lsn: min(limit, otherLimit)) }
            guard let fork = forks[timeline] else { return WALPoint(timeline: 1, lsn: 0) }
            limit = min(limit, fork.lsn)
            timeline = fork.timeline
        }
    }

    /// Acknowledged writes a node at `position` lacks: (timeline, bytes missing) pairs.
    func acknowledgedWritesMissing(at position: WALPoint) -> [(timeline: Int, bytes: UInt64)] {
        acknowledged.keys.sorted().compactMap { timeline in
            let lsn = acknowledged[timeline] ?? 0
            guard !holds(WALPoint(timeline: timeline, lsn: lsn), at: position) else { return nil }
            let kept = commonPoint(WALPoint(timeline: timeline, lsn: lsn), position)
            return (timeline, kept.timeline == timeline ? lsn - min(lsn, kept.lsn) : lsn)
        }
    }
}
