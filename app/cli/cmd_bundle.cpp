// `strata bundle DIR [-- ARGS...]`: strata's container as an OCI bundle
// (config.json whose root.path is strata's image), the same one
// container/whole builds from, for crun or runc to run next to strata:
//   strata bundle /tmp/b && crun run --bundle /tmp/b demo
#include <cstdio>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "backends/linux/oci_spec.hpp"
#include "backends/linux/rootfs.hpp"

namespace strata::cli {

Command add_bundle(CLI::App& app) {
    struct Options {
        std::string dir;
        std::vector<std::string> args;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("bundle", "Write strata's container as an OCI bundle (config.json) for crun or runc");
    cmd->add_option("dir", o->dir, "The bundle directory to write (config.json goes there)")->required();
    cmd->add_option("args", o->args, "What the container runs (after --; default: /bin/sh)");
    return [o]() {
        auto rootfs = linux::find_rootfs();
        if (!rootfs) {
            std::fprintf(stderr, "strata: %s\n  %s\n", rootfs.error().describe().c_str(), rootfs.error().hint.c_str());
            return static_cast<int>(exit_requirement);
        }
        const std::vector<std::string> args = o->args.empty() ? std::vector<std::string>{"/bin/sh"} : o->args;
        if (auto r = linux::write_bundle(o->dir, *rootfs, args); !r) {
            std::fprintf(stderr, "strata: %s\n", r.error().describe().c_str());
            return static_cast<int>(exit_failed);
        }
        std::printf("Wrote %s/config.json (root.path %s, read-only).\n"
                    "Run it in strata: strata run container/whole --set bundle=%s\n"
                    "Or in crun:       crun run --bundle %s strata-demo\n",
                    o->dir.c_str(), rootfs->c_str(), o->dir.c_str(), o->dir.c_str());
        return static_cast<int>(exit_ok);
    };
}

}  // namespace strata::cli
