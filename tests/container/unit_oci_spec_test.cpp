// config.json as container/whole reads it, and the isolation probe's
// comparison, with nothing run.
#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <nlohmann/json.hpp>

#include "backends/linux/isolation_probe.hpp"
#include "backends/linux/oci_spec.hpp"

using namespace strata::linux;

TEST_CASE("strata's own bundle parses back with nothing left unapplied", "[unit]") {
    const auto json = strata_default_spec("/images/busybox", {"/bin/sh"}).dump();
    auto spec = parse_oci_spec(json, "/bundles/b");
    REQUIRE(spec);
    CHECK(spec->root == "/images/busybox");
    CHECK(spec->root_readonly);
    CHECK(spec->args == std::vector<std::string>{"/bin/sh"});
    CHECK(spec->namespaces.size() == 7);
    CHECK(spec->capabilities == std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    CHECK(spec->no_new_privileges);
    CHECK(spec->has_seccomp);
    CHECK(spec->seccomp_default == "SCMP_ACT_ERRNO");
    CHECK(spec->masked_paths.size() == 10);
    CHECK(spec->readonly_paths.size() == 5);
    REQUIRE(spec->memory_limit);
    CHECK(*spec->memory_limit == 256 << 20);
    CHECK(spec->unsupported.empty());
}

TEST_CASE("Fields strata does not apply are named, never ignored", "[unit]") {
    auto j = strata_default_spec("rootfs", {"/bin/true"});
    j["hooks"] = {{"prestart", nlohmann::json::array()}};
    j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
    j["process"]["rlimits"] = nlohmann::json::array();
    j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 0}, {"size", 1}}};
    auto spec = parse_oci_spec(j.dump(), "/bundles/b");
    REQUIRE(spec);
    CHECK(spec->root == "/bundles/b/rootfs");  // relative to the bundle
    auto named = [&](const std::string& prefix) {
        for (const auto& u : spec->unsupported)
            if (u.rfind(prefix, 0) == 0) return true;
        return false;
    };
    CHECK(named("hooks"));
    CHECK(named("linux.sysctl"));
    CHECK(named("process.rlimits"));
    CHECK(named("linux.uidMappings"));  // mapping to host root: strata maps itself
}

TEST_CASE("A config.json that cannot be a container is refused by field", "[unit]") {
    CHECK_FALSE(parse_oci_spec("{", "/b"));
    CHECK_FALSE(parse_oci_spec("[]", "/b"));
    auto no_root = strata_default_spec("rootfs", {"/bin/true"});
    no_root.erase("root");
    auto e = parse_oci_spec(no_root.dump(), "/b");
    REQUIRE_FALSE(e);
    CHECK(e.error().describe().find("root.path") != std::string::npos);
    auto no_args = strata_default_spec("rootfs", {});
    CHECK_FALSE(parse_oci_spec(no_args.dump(), "/b"));
    auto bad_ns = strata_default_spec("rootfs", {"/bin/true"});
    bad_ns["linux"]["namespaces"].push_back({{"type", "moon"}});
    CHECK_FALSE(parse_oci_spec(bad_ns.dump(), "/b"));
    auto wrong_type = strata_default_spec("rootfs", {"/bin/true"});
    wrong_type["linux"]["resources"]["memory"]["limit"] = "lots";
    CHECK_FALSE(parse_oci_spec(wrong_type.dump(), "/b"));
}

TEST_CASE("Mount options become mount(2) flags and data", "[unit]") {
    const auto tmpfs = mount_call_of({"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}});
    CHECK(tmpfs.flags == (MS_NOSUID | MS_STRICTATIME));
    CHECK(tmpfs.data == "mode=755,size=65536k");
    CHECK_FALSE(tmpfs.bind);
    const auto bind = mount_call_of({"/data", "bind", "/srv/data", {"rbind", "ro"}});
    CHECK(bind.bind);
    CHECK(bind.read_only);
    CHECK(bind.flags == (MS_BIND | MS_REC));
}

TEST_CASE("The probe comparison calls a refusal stricter and a missing answer unknown", "[unit]") {
    const auto ours = parse_probe_output("UID=0\nREMOUNT=refused\nSeccomp=2\nCapEff=0000000020000420\nnoise\n");
    const auto theirs = parse_probe_output("UID=0\nREMOUNT=done\nSeccomp=0\nCapEff=00000000a80425fb\n");
    for (const auto& row : compare_probes(ours, theirs)) {
        CAPTURE(row.key);
        if (row.key == "REMOUNT" || row.key == "Seccomp" || row.key == "CapEff") CHECK(row.verdict == Strictness::stricter);
        if (row.key == "UID") CHECK(row.verdict == Strictness::same);
        if (row.key == "MOUNT") CHECK(row.verdict == Strictness::unknown);
    }
    for (const auto& row : compare_probes(theirs, ours))
        if (row.key == "REMOUNT") CHECK(row.verdict == Strictness::looser);
    auto ns = parse_probe_output("NS_uts=uts:[1]\nNS_net=net:[2]\n");
    classify_namespaces(ns, {{"uts", "uts:[1]"}, {"net", "net:[9]"}});
    CHECK(ns.at("NS_uts") == "shared");
    CHECK(ns.at("NS_net") == "own");
}

TEST_CASE("A probe's numbers too large, signed or garbled are unknown, never a crash", "[unit]") {
    // Found by fuzz_container_input: stoi threw on an answer out of int's range.
    const auto odd = parse_probe_output("Seccomp=99999999999999999999\nNoNewPrivs=-1\nENVIRON=12abc\nCapEff=zz\n");
    const auto fine = parse_probe_output("Seccomp=2\nNoNewPrivs=1\nENVIRON=0\nCapEff=0000000020000420\n");
    for (const auto& row : compare_probes(odd, fine)) {
        CAPTURE(row.key);
        if (row.key == "Seccomp" || row.key == "NoNewPrivs" || row.key == "ENVIRON" || row.key == "CapEff")
            CHECK(row.verdict == Strictness::unknown);
    }
}
