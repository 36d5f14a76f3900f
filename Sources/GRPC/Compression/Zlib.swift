import CZlib

/// gzip and deflate through zlib, one message at a time.
///
/// Decompression is bounded: it stops as soon as the output would exceed `limit`, so a small
/// "zip bomb" (a few KiB that inflate to gigabytes) costs at most `limit` bytes of memory.
enum Zlib {
    /// What goes wrong when inflating.
    enum Failure: Error, Hashable, Sendable {
        case corrupt(String)
        case outputLimitExceeded(limit: Int)
    }

    /// Output grows in steps of this size: small messages need one step, large ones a few.
    static let outputChunkSize = 64 * 1024

    /// gzip wrapper: windowBits 15 + 16; zlib wrapper: 15 (zlib.h, deflateInit2).
    private static func windowBits(_ algorithm: CompressionAlgorithm) -> Int32 {
        algorithm == .gzip ? 15 + 16 : 15
    }

    /// Compresses a whole message. Only fails on zlib resource errors (out of memory).
    static func compress(_ input: [UInt8], algorithm: CompressionAlgorithm) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init(&stream, Z_DEFAULT_COMPRESSION, windowBits(algorithm)) == Z_OK else {
            throw .corrupt("deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .corrupt("deflate returned \(status)") }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// Inflates a whole message, refusing to produce more than `limit` bytes.
    static func decompress(_ input: [UInt8], algorithm: CompressionAlgorithm, limit: Int) throws(Failure)
        -> [UInt8]
    {
        var stream = z_stream()
        guard czlib_inflate_init(&stream, windowBits(algorithm)) == Z_OK else {
            throw .corrupt("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var input = input
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(outputChunkSize, limit + 1))
        return try input.withUnsafeMutableBufferPointer { (inBuffer) throws(Failure) -> [UInt8] in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuffer.count - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else { throw .outputLimitExceeded(limit: limit) }
                output += chunk[0..<produced]
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in == 0 else { throw .corrupt("trailing bytes after the compressed data") }
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced > 0:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: the input ended before the compressed stream did.
                    throw .corrupt("truncated compressed data")
                default:
                    throw .corrupt("inflate returned \(status)")
                }
            }
        }
    }
}
