// Files written through model/atomic_write.h (model files, checkpoints, training metrics, and
// every output file of a command: plots, reports): a temporary "<file>.tmp-<pid>" that a killed
// writer left is removed by the next write of that file, while a live writer's stays.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "model/atomic_write.h"
#include "model/output_file.h"
#include "test_util.h"

namespace genrec {
namespace {

namespace fs = std::filesystem;

// 4194303 is above any pid_max (2^22): no such process. pid 1 (init) is always alive.
constexpr const char* kDeadPid = "4194303";
constexpr const char* kLivePid = "1";

std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(AtomicWrite, NextWriteRemovesTemporariesOfKilledWriters) {
  const std::string dir = test::scratch_dir("atomic_write_stale");
  const std::string path = dir + "/m.genrec";
  const std::string dead = path + ".tmp-" + kDeadPid;
  const std::string live = path + ".tmp-" + kLivePid;
  const std::string other = dir + "/n.genrec.tmp-" + std::string(kDeadPid);  // another file's
  const std::string not_ours = path + ".tmp-notapid";
  for (const std::string& f : {dead, live, other, not_ours}) std::ofstream(f) << "half";

  write_file_atomic(path, "whole", "test");
  EXPECT_EQ(slurp_file(path), "whole");
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(not_ours));
}

TEST(AtomicWrite, CommandOutputFilesTidyTooAndLeaveNoTemporary) {
  const std::string dir = test::scratch_dir("atomic_write_output");
  const std::string path = dir + "/plot.svg";
  const std::string dead = path + ".tmp-" + kDeadPid;
  std::ofstream(dead) << "<svg";
  write_output(check_output_file(path, {"svg"}, "test"), "<svg/>", "test");
  EXPECT_EQ(slurp_file(path), "<svg/>");
  EXPECT_FALSE(fs::exists(dead));
  // Only the file itself is left in the folder: the writer's own temporary was renamed.
  int n = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace genrec
