// A BIO that reads and writes a non-blocking socket with recv/send(MSG_NOSIGNAL).
//
// OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE (killing the process by
// default) when the peer has reset the connection. MSG_NOSIGNAL turns that into EPIPE without
// changing the process's signal disposition. Would-block results set the BIO retry flags, so
// SSL_get_error reports SSL_ERROR_WANT_READ / SSL_ERROR_WANT_WRITE and the Swift side waits on
// the event loop. The descriptor is borrowed: the Swift SocketHandle owns and closes it.
#ifndef COPENSSL_SOCKET_BIO_H
#define COPENSSL_SOCKET_BIO_H

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <openssl/bio.h>

static int copenssl_socket_bio_write(BIO *bio, const char *data, int length) {
    int fd = (int)(intptr_t)BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    ssize_t sent;
    do {
        sent = send(fd, data, (size_t)length, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        BIO_set_retry_write(bio);
    }
    return (int)sent;
}

static int copenssl_socket_bio_read(BIO *bio, char *data, int length) {
    int fd = (int)(intptr_t)BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    ssize_t received;
    do {
        received = recv(fd, data, (size_t)length, 0);
    } while (received < 0 && errno == EINTR);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        BIO_set_retry_read(bio);
    }
    return (int)received;
}

static long copenssl_socket_bio_ctrl(BIO *bio, int command, long number, void *pointer) {
    (void)bio;
    (void)number;
    (void)pointer;
    // Writes go straight to the kernel, so a flush has nothing to do; other controls are
    // unsupported, which OpenSSL's TLS code tolerates for a source/sink BIO.
    return command == BIO_CTRL_FLUSH ? 1 : 0;
}

/// The BIO method, or NULL if OpenSSL is out of memory. Create it once and keep it for the life
/// of the process (Swift holds it in a static): C static storage in this header-only module
/// would not be emitted when Swift imports it.
static inline BIO_METHOD *copenssl_socket_bio_method_new(void) {
    BIO_METHOD *method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "pg-swarm socket");
    if (method == NULL) return NULL;
    BIO_meth_set_write(method, copenssl_socket_bio_write);
    BIO_meth_set_read(method, copenssl_socket_bio_read);
    BIO_meth_set_ctrl(method, copenssl_socket_bio_ctrl);
    return method;
}

/// A new BIO over `fd` (borrowed, not closed by the BIO), or NULL if out of memory.
static inline BIO *copenssl_socket_bio_new(BIO_METHOD *method, int fd) {
    BIO *bio = BIO_new(method);
    if (bio == NULL) return NULL;
    BIO_set_data(bio, (void *)(intptr_t)fd);
    BIO_set_init(bio, 1);
    return bio;
}

#endif
