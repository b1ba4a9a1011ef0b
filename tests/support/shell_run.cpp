#include "tests/support/shell_run.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>

#include <sys/wait.h>

namespace strata::tests {

ShellRun run_shell(const std::string& command) {
    ShellRun run;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) run.output.append(buffer.data(), n);
    const int status = ::pclose(pipe.release());
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace strata::tests
