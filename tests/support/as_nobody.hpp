// Running test code as an unprivileged user: nobody, with no groups and no
// capabilities, the way a student's login would be (dumpable, so its
// children's /proc files are its own: a uid change alone would leave them
// root's, and writing a user namespace's uid_map would fail).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

namespace strata::tests {

constexpr uid_t kNobody = 65534;

// Drops this process to nobody for good; false when it could not.
bool become_nobody();

// Runs body() (returning an exit code) as nobody in a forked child and
// returns the child's exit status: 100 when it could not become nobody,
// 200 when it did not exit normally.
template <class Body>
int as_nobody(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(become_nobody() ? body() : 100);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

}  // namespace strata::tests
