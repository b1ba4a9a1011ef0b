#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "engine/event_log.hpp"
#include "engine/recorder.hpp"

using namespace strata::engine;

namespace {

TraceEvent event(std::uint64_t sequence, int step, std::vector<LayerId> layers = {LayerId::vmm, LayerId::kvm}) {
    TraceEvent e;
    e.sequence = sequence;
    e.step = step;
    e.name = "event " + std::to_string(sequence);
    e.layers = std::move(layers);
    return e;
}

}  // namespace

TEST_CASE("The event log hands out views that later appends never change", "[unit][engine]") {
    EventLog log;
    for (std::uint64_t i = 0; i < 1000; ++i) log.append(event(i, 0));
    const EventLogView before = log.view();
    // Past a chunk's end and past the first directory's eight chunks.
    for (std::uint64_t i = 1000; i < 5000; ++i) log.append(event(i, 1, {LayerId::vmm}));
    const EventLogView after = log.view();

    REQUIRE(before.size() == 1000);
    REQUIRE(after.size() == 5000);
    CHECK(before.back().name == "event 999");
    CHECK(after[4321].name == "event 4321");
    CHECK(&before[999] == &after[999]);  // shared, not copied
    std::uint64_t expected = 0;
    bool in_order = true;
    for (const TraceEvent& e : after) in_order = in_order && e.sequence == expected++;
    CHECK(in_order);
    CHECK(expected == 5000);
    CHECK(std::distance(after.rbegin(), after.rend()) == 5000);
    CHECK(after.rbegin()->sequence == 4999);

    SECTION("counts per layer, for the run and per step, as of the view") {
        CHECK(before.layer_counts().at(LayerId::vmm) == 1000);
        CHECK(before.layer_counts().at(LayerId::kvm) == 1000);
        CHECK(before.layer_counts(1).empty());
        CHECK(after.layer_counts().at(LayerId::vmm) == 5000);
        CHECK(after.layer_counts().at(LayerId::kvm) == 1000);
        CHECK(after.layer_counts(1).at(LayerId::vmm) == 4000);
        CHECK(after.layer_counts(1).count(LayerId::kvm) == 0);
        CHECK(after.layer_counts(7).empty());
    }
    SECTION("a step's events come from its index") {
        const auto second = after.of_step(1);
        REQUIRE(second.size() == 4000);
        CHECK(second.front()->sequence == 1000);
        CHECK(second.back()->sequence == 4999);
        CHECK(before.of_step(1).empty());
        REQUIRE(after.step_events(0) != nullptr);
        CHECK(after.step_events(0)->first == 0);
        CHECK(after.step_events(0)->end == 1000);
        CHECK(after.step_events(2) == nullptr);
        CHECK(after.of_step(-1).empty());
    }
    SECTION("events are found by sequence number") {
        REQUIRE(after.find_sequence(1234) != nullptr);
        CHECK(after.find_sequence(1234)->name == "event 1234");
        CHECK(before.find_sequence(1234) == nullptr);  // recorded after the view
        CHECK(after.find_sequence(5000) == nullptr);
    }
    SECTION("clearing starts a new log; old views keep their events") {
        const auto id = after.log_id();
        log.clear();
        log.append(event(0, 0));
        CHECK(log.view().size() == 1);
        CHECK(log.view().log_id() != id);
        CHECK(after.size() == 5000);
        CHECK(after[4999].name == "event 4999");
    }
}

TEST_CASE("A step's events stay findable when another step's interleave", "[unit][engine]") {
    EventLog log;
    log.append(event(0, -1));  // before any step
    log.append(event(1, 0));
    log.append(event(2, 1));
    log.append(event(3, 0));  // a late event of step 0, from a thread finishing it
    log.append(event(4, 2));
    const EventLogView view = log.view();
    const auto zero = view.of_step(0);
    REQUIRE(zero.size() == 2);
    CHECK(zero[0]->sequence == 1);
    CHECK(zero[1]->sequence == 3);
    REQUIRE(view.of_step(1).size() == 1);
    CHECK(view.of_step(1)[0]->sequence == 2);
    CHECK(view.layer_counts().at(LayerId::vmm) == 5);
    CHECK(view.layer_counts(0).at(LayerId::vmm) == 2);
}

TEST_CASE("event_log_of keeps a list as it is", "[unit][engine]") {
    const EventLogView view = event_log_of({event(7, 0), event(9, 1)});
    REQUIRE(view.size() == 2);
    CHECK(view[0].sequence == 7);
    CHECK(view[1].step == 1);
    CHECK(view.to_vector().size() == 2);
    CHECK(view.log_id() != 0);
}

TEST_CASE("Views taken while another thread records see a consistent prefix", "[unit][engine]") {
    Recorder recorder;
    recorder.set_step(0);
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 20000; ++i) {
            TraceEvent e;
            e.name = "exit";
            e.layers = {LayerId::cpu_virt, LayerId::kvm};
            recorder.record(std::move(e));
        }
        done = true;
    });
    std::size_t views = 0, last_size = 0;
    bool consistent = true;
    while (!done || views == 0) {
        const EventLogView view = recorder.events();
        // Every event the view holds is whole, and the counts match them.
        consistent = consistent && view.size() >= last_size;
        for (std::size_t i = last_size; i < view.size(); ++i)
            consistent = consistent && view[i].sequence == i && view[i].name == "exit";
        const auto& counts = view.layer_counts();
        consistent = consistent && (view.empty() ? counts.empty() : counts.at(LayerId::kvm) == view.size());
        last_size = view.size();
        ++views;
    }
    writer.join();
    CHECK(consistent);
    CHECK(recorder.events().size() == 20000);
    CHECK(views > 0);
}
