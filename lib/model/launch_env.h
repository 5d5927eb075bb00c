#pragma once
// Where a training process stands in a data-parallel job, read from the variables PyTorch's
// launchers set (torchrun, Kubeflow's PyTorchJob, Slurm scripts): RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR, MASTER_PORT; SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID when RANK
// and WORLD_SIZE are absent. Without any of them: one process, rank 0 of 1.
#include <string>

namespace genrec {

struct LaunchEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;  // PyTorch's default
  bool distributed() const { return world_size > 1; }
};

// Reads the variables above. Throws genrec::Error("launch", VARIABLE, cause) for a value that
// is not a number in range (rank outside [0, world size), port outside 1..65535).
LaunchEnv launch_env_from_environment();

}  // namespace genrec
