// zlib for gRPC message compression. deflateInit2/inflateInit2 are macros (they pass the library
// version and the stream struct size), which Swift cannot call: these wrappers can.
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

/// windowBits 15 + 16 writes a gzip wrapper (RFC 1952); 15 alone a zlib wrapper (RFC 1950),
/// which is what gRPC's "deflate" encoding means.
static inline int czlib_deflate_init(z_stream *stream, int level, int window_bits) {
    return deflateInit2(stream, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}

static inline int czlib_inflate_init(z_stream *stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}

#endif
