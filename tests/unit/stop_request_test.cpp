// engine::request_stop is process-wide and happens once, so each case runs
// in a forked child of its own and reports what it saw in its exit status.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/lesson.hpp"
#include "engine/session.hpp"
#include "engine/stop_request.hpp"

using namespace strata;

namespace {

// Runs body() in a child; its exit status (0: every expectation held,
// otherwise the number of the first that did not).
template <class Body>
int in_child(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

bool eventually(const std::atomic<int>& value, int wanted) {
    for (int i = 0; i < 200 && value.load() != wanted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return value.load() == wanted;
}

// A lesson whose one step waits until it is cancelled.
engine::Lesson waiting_lesson() {
    engine::Lesson lesson;
    lesson.id = "test/waits";
    lesson.title = "waits";
    lesson.steps = {{"wait", "Wait", [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
                         while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
                         return engine::plain_error("wait", "cancelled");
                     }, {}}};
    return lesson;
}

}  // namespace

TEST_CASE("The first stop request is kept, makes the stop fd readable and runs each hook once", "[unit]") {
    CHECK(in_child([] {
              if (engine::stop_requested() || engine::stop_fd() < 0 || readable(engine::stop_fd())) return 1;
              std::atomic<int> calls{0};
              engine::StopHook hook([&calls] { ++calls; });
              engine::start_stop_watcher();
              if (!engine::request_stop(SIGTERM)) return 2;
              if (engine::request_stop(SIGINT)) return 3;  // a second request changes nothing
              if (engine::stop_signal() != SIGTERM) return 4;
              if (!readable(engine::stop_fd()) || !readable(engine::stop_fd())) return 5;  // and stays so
              if (!eventually(calls, 1)) return 6;
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
              if (calls.load() != 1) return 7;
              // A hook made after the watcher ran is called at once.
              std::atomic<int> late{0};
              engine::StopHook after([&late] { ++late; });
              return late.load() == 1 ? 0 : 8;
          }) == 0);
}

TEST_CASE("A stop request cancels a running session, and a session made after it starts cancelled", "[unit]") {
    CHECK(in_child([] {
              const engine::Lesson lesson = waiting_lesson();
              engine::start_stop_watcher();
              {
                  engine::Session session(lesson);
                  std::thread stopper([] {
                      std::this_thread::sleep_for(std::chrono::milliseconds(30));
                      engine::request_stop(SIGHUP);
                  });
                  const auto outcome = session.step();  // returns only when cancelled
                  stopper.join();
                  if (outcome || !session.snapshot().cancelled) return 1;
              }
              engine::Session later(lesson);
              const auto outcome = later.step();
              if (outcome || outcome.error().errno_value != ECANCELED) return 2;
              return 0;
          }) == 0);
}
