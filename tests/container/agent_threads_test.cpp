// The agent is a bare clone of strata, and strata has other threads (the
// GUI's renderer, Mesa's, the lesson worker) that allocate all the time.
// Whatever lock one of them held at the moment of the clone stays held in
// the agent forever, so the agent must never take one: in particular it
// must not fork through the C library, whose fork() first takes every
// malloc arena's lock. This runs programs through agents cloned while
// other threads allocate, as in the GUI, and every one must answer.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "backends/linux/agent.hpp"
#include "engine/recorder.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;
using namespace std::chrono_literals;

TEST_CASE("Agents cloned while other threads allocate still run programs", "[userns][agent]") {
    const auto before = tests::HostState::capture();
    {
        std::atomic<bool> stop{false};
        std::vector<std::thread> allocators;
        for (int t = 0; t < 4; ++t)
            allocators.emplace_back([&stop] {
                std::vector<void*> blocks(64, nullptr);
                for (std::size_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
                    std::free(blocks[i % blocks.size()]);
                    blocks[i % blocks.size()] = std::malloc(16 + (i * 37) % 4000);
                }
                for (void* b : blocks) std::free(b);
            });

        // Before the agent forked by itself, not one of 60 answered here;
        // a few failures are proof enough, so stop there.
        int answered = 0, failed = 0;
        constexpr int kAgents = 60;
        for (int i = 0; i < kAgents && failed < 3; ++i) {
            engine::Recorder recorder;
            auto agent = linux::Agent::start(recorder, {});
            REQUIRE(agent);
            auto ran = agent->run({"/bin/true"}, 2s);
            if (ran && ran->result == 0) ++answered;
            else {
                ++failed;
                UNSCOPED_INFO("agent " << i << ": " << (ran ? "exit status " + std::to_string(ran->result) : ran.error().describe()));
            }
        }
        stop = true;
        for (auto& t : allocators) t.join();
        CHECK(answered == kAgents);
    }
    CHECK_NO_LEAKS(before);
}
