/// Why a header block could not be decoded (RFC 7541).
///
/// Every case except `headerListTooLarge` leaves the decoder's dynamic table in
/// an unknown state relative to the peer's encoder, so the connection maps it to
/// a COMPRESSION_ERROR connection error (RFC 9113 §4.3).
public enum HPACKError: Error, Hashable, Sendable {
    case truncatedBlock
    case integerOverflow
    case invalidIndex(Int)
    case invalidHuffmanCode
    case huffmanPaddingInvalid
    case huffmanContainsEOS
    case tableSizeUpdateNotAtBlockStart
    case tableSizeUpdateAboveLimit(requested: Int, limit: Int)
    case missingTableSizeUpdate
    case stringTooLong(Int)
    /// The block decoded fine (the table is in step) but its list exceeds the limit.
    case headerListTooLarge(size: Int, limit: Int)
}
