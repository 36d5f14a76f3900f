import Synchronization

/// Chaos for the API double: matching requests can be delayed, answered with a chosen error,
/// left hanging, cut off, or applied with their answer lost; clients (identified by bearer
/// token) can be partitioned away; watches can be dropped (`KubeAPIDouble.dropWatches`).
public final class FaultInjector: Sendable {
    /// Which requests a rule applies to; nil fields match anything.
    public struct Match: Sendable, Equatable {
        public var method: String?
        /// A substring of the path, e.g. "/leases/" or "/namespaces/x/pods".
        public var pathContains: String?
        /// The client's bearer token.
        public var client: String?
        /// true: only watches; false: only non-watch requests.
        public var watch: Bool?

        public init(method: String? = nil, pathContains: String? = nil, client: String? = nil, watch: Bool? = nil) {
            self.method = method
            self.pathContains = pathContains
            self.client = client
            self.watch = watch
        }

        func matches(method: String, path: String, client: String?, isWatch: Bool) -> Bool {
            if let wanted = self.method, wanted != method { return false }
            if let fragment = pathContains, !path.contains(fragment) { return false }
            if let wanted = self.client, wanted != client { return false }
            if let wanted = watch, wanted != isWatch { return false }
            return true
        }
    }

    public enum Effect: Sendable, Equatable {
        /// Wait this long, then go on (other matching rules still apply).
        case delay(Duration)
        /// Answer with this status code and reason (a Status body like the server's).
        case respond(code: Int, reason: String, message: String, retryAfterSeconds: Int?)
        /// Never answer; the request is not applied.
        case hang
        /// Close the connection without answering; the request is not applied.
        case closeConnection
        /// Apply the request, then close the connection instead of answering: a write that
        /// landed whose answer was lost.
        case dropResponse
    }

    public struct Rule: Sendable, Equatable {
        public var match: Match
        public var effect: Effect
        /// How many requests it applies to; nil: until removed.
        public var times: Int?

        public init(_ match: Match, _ effect: Effect, times: Int? = nil) {
            self.match = match
            self.effect = effect
            self.times = times
        }
    }

    private struct State {
        var rules: [(id: Int, rule: Rule)] = []
        var nextID = 0
        var partitioned: Set<String> = []
    }
    private let state = Mutex(State())

    public init() {}

    @discardableResult
    public func add(_ rule: Rule) -> Int {
        state.withLock { state in
            state.nextID += 1
            state.rules.append((state.nextID, rule))
            return state.nextID
        }
    }

    public func remove(_ id: Int) {
        state.withLock { $0.rules.removeAll { $0.id == id } }
    }

    public func removeAllRules() {
        state.withLock { $0.rules.removeAll() }
    }

    /// Cuts `client` off: its new requests hang and its open watches deliver nothing, until
    /// `heal`. Other clients are unaffected (an asymmetric, per-client partition).
    public func partition(client: String) {
        state.withLock { _ = $0.partitioned.insert(client) }
    }

    public func heal(client: String) {
        state.withLock { _ = $0.partitioned.remove(client) }
    }

    public func healAll() {
        state.withLock { $0.partitioned.removeAll() }
    }

    public func isPartitioned(_ client: String?) -> Bool {
        guard let client else { return false }
        return state.withLock { $0.partitioned.contains(client) }
    }

    /// The effects for one request, in rule order, consuming counted rules. A partitioned
    /// client's request hangs.
    func effects(method: String, path: String, client: String?, isWatch: Bool) -> [Effect] {
        state.withLock { state in
            if let client, state.partitioned.contains(client) { return [.hang] }
            var effects: [Effect] = []
            for index in state.rules.indices
            where state.rules[index].rule.match.matches(method: method, path: path, client: client, isWatch: isWatch) {
                if let left = state.rules[index].rule.times {
                    guard left > 0 else { continue }
                    state.rules[index].rule.times = left - 1
                }
                effects.append(state.rules[index].rule.effect)
            }
            state.rules.removeAll { $0.rule.times == 0 }
            return effects
        }
    }
}
