// Linux I/O declarations that Swift's Glibc module does not include: epoll, eventfd, accept4
// and pthread_setname_np (GNU extensions) and the TCP keepalive/user-timeout options.
// Header-only; libc provides the symbols.
//
// _GNU_SOURCE is deliberately NOT defined: it changes glibc struct definitions (fd_set) and then
// clashes with Swift's Glibc module. The two GNU functions are declared by hand instead.
#ifndef CTRANSPORTLINUX_SHIM_H
#define CTRANSPORTLINUX_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <pthread.h>

extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

/// accept4 with the flags every accepted socket needs (SOCK_NONBLOCK | SOCK_CLOEXEC), so that
/// no child process spawned concurrently inherits the descriptor.
static inline int ctransport_accept_nonblocking(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

/// epoll_event is packed on x86-64; building it in C avoids layout surprises.
static inline int ctransport_epoll_ctl(int epoll, int operation, int fd, uint32_t events) {
    struct epoll_event event = {.events = events, .data = {.fd = fd}};
    return epoll_ctl(epoll, operation, fd, &event);
}

static inline int ctransport_epoll_event_fd(const struct epoll_event *event) {
    return event->data.fd;
}

static const uint32_t CTRANSPORT_EPOLLIN = EPOLLIN;
static const uint32_t CTRANSPORT_EPOLLOUT = EPOLLOUT;
static const uint32_t CTRANSPORT_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t CTRANSPORT_EPOLLPRI = EPOLLPRI;
static const uint32_t CTRANSPORT_EPOLLERR = EPOLLERR;
static const uint32_t CTRANSPORT_EPOLLHUP = EPOLLHUP;
static const int CTRANSPORT_EPOLL_CLOEXEC = EPOLL_CLOEXEC;
static const int CTRANSPORT_EFD_FLAGS = EFD_NONBLOCK | EFD_CLOEXEC;
static const int CTRANSPORT_SOCK_FLAGS = SOCK_NONBLOCK | SOCK_CLOEXEC;

#endif
