#include <catch2/catch.hpp>

#include "backends/replay/scrub.hpp"

using namespace strata;

TEST_CASE("Scrubbing replaces private names and directories only where they stand alone", "[unit][replay]") {
    replay::Scrubber scrub;
    scrub.add_word("vm", "<host>");
    scrub.add_word("ann", "<user>");
    scrub.add_path("/home/ann", "~");
    scrub.add_path("/home/ann/strata/build/rootfs/", "<rootfs>");

    using Case = std::pair<std::string, std::string>;
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        // The host name as a value, quoted, at either end.
        Case{"vm", "<host>"},
        Case{"the host is still \"vm\";", "the host is still \"<host>\";"},
        Case{"nodename vm", "nodename <host>"},
        // ... but not inside longer words, lesson ids or event kinds.
        Case{"vm/hello-kvm", "vm/hello-kvm"},
        // A path component is left alone: a host called "vm" must not
        // rewrite the kernel's /proc/sys/vm.
        Case{"read /proc/sys/vm/overcommit_memory", "read /proc/sys/vm/overcommit_memory"},
        Case{"kvm vm-exit create-vm vm.x", "kvm vm-exit create-vm vm.x"},
        // A directory as a whole path and as a prefix; the longest wins.
        Case{"execve(/home/ann/strata/build/rootfs/bin/busybox hostname)", "execve(<rootfs>/bin/busybox hostname)"},
        Case{"lowerdir=/home/ann/strata/build/rootfs,upperdir=/tmp/x", "lowerdir=<rootfs>,upperdir=/tmp/x"},
        Case{"/home/ann/.cache/strata", "~/.cache/strata"},
        Case{"user ann in /home/ann", "user <user> in ~"},
        // Look-alike paths are other paths.
        Case{"/home/annie/x /home/ann2 /x/home/ann", "/home/annie/x /home/ann2 /x/home/ann"},
        Case{"/home/ann/strata/build/rootfs.tmp", "~/strata/build/rootfs.tmp"},
    }));
    CAPTURE(text);
    CHECK(scrub.apply(text) == expected);
}

TEST_CASE("A placeholder is never scrubbed again", "[unit][replay]") {
    replay::Scrubber scrub;
    scrub.add_word("host", "<user>");
    scrub.add_word("box", "<host>");
    CHECK(scrub.apply("box host") == "<host> <user>");
}

TEST_CASE("Scrubbing reaches every string a recording shows", "[unit][replay]") {
    replay::Recording r;
    engine::TraceEvent e;
    e.name = "sethostname(lab-pc-07)";
    e.detail = "was lab-pc-07";
    e.args = {{"name", "lab-pc-07"}};
    r.events.push_back(e);
    replay::RecordedStep step;
    step.summary = "outside, the host is still lab-pc-07";
    step.console = "lab-pc-07\n";
    step.error = engine::Error{"resolve lab-pc-07", 2, "lab-pc-07 failed", "on lab-pc-07"};
    step.facts.set_value("host name outside", "lab-pc-07");
    step.facts.set_table({"lab-pc-07", {"", "lab-pc-07"}, {{"host name", "lab-pc-07"}}, {}});
    r.steps.push_back(step);

    replay::Scrubber scrub;
    scrub.add_word("lab-pc-07", "<host>");
    scrub.apply(r);
    const auto json = replay::recording_to_json(r).dump();
    CHECK(json.find("lab-pc-07") == std::string::npos);
    CHECK(r.events[0].name == "sethostname(<host>)");
    CHECK(r.steps[0].facts.tables[0].rows[0][1] == "<host>");
    CHECK(r.steps[0].error->operation == "resolve <host>");
}
