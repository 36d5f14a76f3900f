import Testing

@testable import HTTP2

@Suite("Frame decoder")
struct FrameDecoderTests {
    static let sample: [Frame] = [
        Frame(streamID: 0, payload: .settings(.values([HTTP2Setting(.maxConcurrentStreams, 10)]))),
        Frame(
            streamID: 1,
            payload: .headers(
                HeadersPayload(
                    fieldBlock: [0x82], endStream: false,
                    priority: PrioritySpec(exclusive: true, dependency: 0, weight: 7), paddingLength: 3))),
        Frame(
            streamID: 1,
            payload: .data(DataPayload(data: Array(repeating: 7, count: 100), endStream: true, paddingLength: 9))),
        Frame(streamID: 0, payload: .ping(PingPayload(data: PingData(0x0102_0304_0506_0708), ack: true))),
        Frame(streamID: 3, payload: .rstStream(.unknown(0xdead))),
        Frame(
            streamID: 0,
            payload: .goAway(GoAwayPayload(lastStreamID: 5, errorCode: .enhanceYourCalm, debugData: [1, 2]))),
        Frame(streamID: 5, payload: .windowUpdate(increment: 1000)),
        Frame(streamID: 7, payload: .priority(PrioritySpec(dependency: 1, weight: 200))),
        Frame(streamID: 9, payload: .unknown(type: 0xfa, flags: FrameFlags(rawValue: 0xff), payload: [1, 2, 3])),
    ]

    @Test("frames round-trip through the encoder and decoder whatever the chunk size")
    func anyChunking() throws {
        let bytes = Self.sample.flatMap { FrameEncoder.encode($0) }
        for chunkSize in [1, 2, 3, 7, 9, 10, 64, bytes.count] {
            var decoder = FrameDecoder(expectsClientPreface: false)
            var frames: [Frame] = []
            for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                decoder.append(bytes[start..<min(start + chunkSize, bytes.count)])
                while let frame = try decoder.nextFrame() {
                    frames.append(frame)
                }
            }
            #expect(frames == Self.sample, "chunk size \(chunkSize)")
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test("the client preface is checked byte by byte across partial reads")
    func prefaceAcrossReads() throws {
        var decoder = FrameDecoder(expectsClientPreface: true)
        let bytes = FrameDecoder.clientPreface + FrameEncoder.encode(Self.sample[0])
        for byte in bytes.dropLast() {
            decoder.append([byte])
            #expect(try decoder.nextFrame() == nil)
        }
        decoder.append([bytes.last!])
        #expect(try decoder.nextFrame() == Self.sample[0])
    }

    @Test("a wrong preface fails on the first wrong byte, before the rest arrives")
    func wrongPreface() {
        var decoder = FrameDecoder(expectsClientPreface: true)
        decoder.append(Array("PRI * HTTP/1.1".utf8))
        #expect(throws: HTTP2Error.self) { try decoder.nextFrame() }
    }

    @Test("a declared length over SETTINGS_MAX_FRAME_SIZE fails before the body arrives")
    func oversizeFrameFailsEarly() {
        var decoder = FrameDecoder(expectsClientPreface: false)
        // Header only: length 16385, DATA, stream 1. No body bytes follow.
        decoder.append(Hex.bytes("004001 00 00 00000001"))
        #expect {
            try decoder.nextFrame()
        } throws: { error in
            (error as? HTTP2Error)?.code == .frameSizeError && (error as? HTTP2Error)?.scope == .connection
        }
    }

    @Test("HEADERS and CONTINUATION frames are joined into one block")
    func continuationJoined() throws {
        let factory = FrameFactory()
        var decoder = FrameDecoder(expectsClientPreface: false)
        decoder.append(factory.headerBlock(1, block: [0x82], endHeaders: false))
        decoder.append(factory.continuation(1, [0x86], endHeaders: false))
        #expect(try decoder.nextFrame() == nil)
        decoder.append(factory.continuation(1, [0x84], endHeaders: true))
        let frame = try decoder.nextFrame()
        #expect(frame == Frame(streamID: 1, payload: .headers(HeadersPayload(fieldBlock: [0x82, 0x86, 0x84]))))
    }

    @Test("more CONTINUATION frames than the cap end the connection with ENHANCE_YOUR_CALM")
    func continuationFlood() throws {
        let factory = FrameFactory()
        var decoder = FrameDecoder(expectsClientPreface: false)
        decoder.append(factory.headerBlock(1, block: [], endHeaders: false))
        for _ in 0...HeaderBlockAssembler.maxContinuationFrames {
            decoder.append(factory.continuation(1, [], endHeaders: false))
        }
        #expect {
            while try decoder.nextFrame() == nil && decoder.bufferedByteCount > 0 {}
        } throws: { error in
            (error as? HTTP2Error)?.code == .enhanceYourCalm
        }
    }
}
