// Sending an fd to another process over a Unix socket (SCM_RIGHTS), with
// the message it belongs to. strata hands the agent a terminal this way and
// the agent hands back sockets made inside its namespaces. Header-only and
// allocation-free: the agent, a bare clone of a multi-threaded strata, uses
// it too, and may only make system calls and use fixed buffers.
//
// One system call each; EINTR is the caller's to handle, because strata's
// side polls for a stop between tries and the agent's simply tries again.
#pragma once

#include <cstddef>
#include <cstring>

#include <sys/socket.h>

namespace strata::sys {

// sendmsg of `size` bytes at `data`, with `fd` attached when it is >= 0.
// The caller keeps its copy of `fd`.
inline ssize_t send_with_fd(int socket, const void* data, std::size_t size, int fd) {
    iovec iov{const_cast<void*>(data), size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    return ::sendmsg(socket, &msg, MSG_NOSIGNAL);
}

// recvmsg of up to `size` bytes into `data`; `fd` becomes the fd that came
// with them (close-on-exec, now the caller's to close), or -1 if none did.
inline ssize_t receive_with_fd(int socket, void* data, std::size_t size, int& fd) {
    fd = -1;
    iovec iov{data, size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) return n;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return n;
}

}  // namespace strata::sys
