#pragma once
// `genrec train --nproc N`: N local ranks of a data-parallel job started by genrec itself, as
// `torchrun --nproc_per_node N --no_python genrec ...` would start them (Debian 12's torchrun
// fails at start-up under Python 3.11).
#include <string>
#include <vector>

namespace genrec {

// Runs `argv` (argv[0]: the executable) as ranks 0..n_ranks-1 of one job on 127.0.0.1, each
// with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT set
// (MASTER_PORT: the caller's, else a free port). When a rank fails, the others are stopped
// (SIGTERM). Returns 0 when every rank succeeded, else the first failing rank's exit code (128 +
// signal when killed). Throws genrec::Error("launch", ...) when a rank cannot be started.
int run_local_ranks(const std::vector<std::string>& argv, int n_ranks);

// This process's command line (from /proc/self/cmdline) without `option` and its value
// (`--nproc 2` or `--nproc=2`); argv[0] becomes /proc/self/exe's target.
std::vector<std::string> own_command_line_without(const std::string& option);

}  // namespace genrec
