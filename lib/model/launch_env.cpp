#include "model/launch_env.h"

#include <cstdlib>

#include "audio/error.h"

namespace genrec {
namespace {

// The variable's value as an int in [low, high], or `fallback` when it is unset or empty.
int int_variable(const char* name, int fallback, long low, long high) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (*end != '\0' || v < low || v > high)
    throw Error("launch", name,
                "'" + std::string(text) + "' is not a number from " + std::to_string(low) + " to " +
                    std::to_string(high));
  return static_cast<int>(v);
}

bool is_set(const char* name) {
  const char* text = std::getenv(name);
  return text && *text;
}

}  // namespace

LaunchEnv launch_env_from_environment() {
  constexpr long kMaxRanks = 1 << 20;
  LaunchEnv env;
  const bool torch_vars = is_set("WORLD_SIZE") || is_set("RANK");
  const char* world = torch_vars ? "WORLD_SIZE" : "SLURM_NTASKS";
  const char* rank = torch_vars ? "RANK" : "SLURM_PROCID";
  const char* local = is_set("LOCAL_RANK") || torch_vars ? "LOCAL_RANK" : "SLURM_LOCALID";
  env.world_size = int_variable(world, 1, 1, kMaxRanks);
  env.rank = int_variable(rank, 0, 0, env.world_size - 1);
  env.local_rank = int_variable(local, env.rank, 0, kMaxRanks);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) env.master_addr = addr;
  env.master_port = int_variable("MASTER_PORT", env.master_port, 1, 65535);
  return env;
}

}  // namespace genrec
