/// Moving queued DATA and trailers into the output as the peer's windows allow
/// (RFC 9113 §6.9), round-robin over streams so one large message cannot starve the rest.
extension HTTP2Connection {
    func canEmit(on id: StreamID) -> Bool {
        guard let stream = streams[id] else { return false }
        if stream.queue.byteCount == 0 { return stream.queue.ending != nil }
        return stream.outboundWindow.size > 0 && outboundConnectionWindow.size > 0
    }

    mutating func schedule(_ id: StreamID) {
        if !scheduledStreams.contains(id) {
            scheduledStreams.append(id)
        }
    }

    /// Emits one frame per stream per round until no stream can make progress.
    mutating func flushQueuedData() {
        guard state != .closed else { return }
        var madeProgress = true
        while madeProgress && !scheduledStreams.isEmpty {
            madeProgress = false
            var stillWaiting: [StreamID] = []
            for id in scheduledStreams {
                if emitNextFrame(on: id) {
                    madeProgress = true
                }
                if let stream = streams[id], !stream.queue.isEmpty {
                    stillWaiting.append(id)
                } else {
                    retireIfFinished(id)
                }
            }
            scheduledStreams = stillWaiting
        }
    }

    /// Writes the next DATA frame (or the trailers) of a stream; false when it is blocked or empty.
    private mutating func emitNextFrame(on id: StreamID) -> Bool {
        guard var stream = streams[id] else { return false }
        defer { streams[id] = stream }
        if stream.queue.byteCount > 0 {
            let size = min(
                stream.queue.byteCount, stream.outboundWindow.size, outboundConnectionWindow.size,
                Int(remoteSettings.maxFrameSize))
            guard size > 0 else { return false }
            let chunk = stream.queue.take(upTo: size)
            stream.outboundWindow.consume(size)
            outboundConnectionWindow.consume(size)
            let endsStream = stream.queue.byteCount == 0 && stream.queue.ending == .endStream
            if endsStream {
                _ = stream.queue.takeEnding()
            }
            write(Frame(streamID: id, payload: .data(DataPayload(data: chunk, endStream: endsStream))))
            return true
        }
        switch stream.queue.takeEnding() {
        case .endStream:
            // Zero-length DATA is not flow-controlled, so END_STREAM never waits for a window.
            write(Frame(streamID: id, payload: .data(DataPayload(data: [], endStream: true))))
            return true
        case .trailers(let trailers):
            writeHeaderBlock(trailers, on: id, endStream: true)
            return true
        case nil:
            return false
        }
    }
}
