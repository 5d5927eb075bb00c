// Data-parallel training on 127.0.0.1 with ranks started the way PyTorch's launchers start them
// (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) or by `genrec train --nproc 2`, on `genrec synth`
// data with one thread per rank: two ranks end with bit-identical weights that equal one
// process's with the same global batch; a rank killed mid-epoch stops the other within 60 s
// and --resume ends with the uninterrupted model; bad launches fail with one clear line.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include "data/synth.h"
#include "free_port.h"
#include "model/genre_model.h"
#include "model/train_request.h"
#include "process_util.h"
#include "test_util.h"

namespace genrec {
namespace {

using test::free_port;
using test::slurp;
using test::wait_exit_code;
using Env = std::vector<std::pair<std::string, std::string>>;

Env rank_env(int rank, int world, int port) {
  return {{"RANK", std::to_string(rank)},
          {"WORLD_SIZE", std::to_string(world)},
          {"LOCAL_RANK", std::to_string(rank)},
          {"MASTER_ADDR", "127.0.0.1"},
          {"MASTER_PORT", std::to_string(port)}};
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log_prefix,
            const Env& env = {}) {
  return test::spawn_genrec(args, "/dev/null", log_prefix + ".out", log_prefix + ".err",
                            test::genrec_binary(), env);
}

// A small synthetic dataset and a config without dropout (its masks are drawn per rank).
struct Job {
  std::string dir;
  Job(const std::string& name, int epochs, double lr = 3e-3) : dir(test::scratch_dir(name)) {
    SynthOptions synth;
    synth.per_genre = 4;
    synth.seconds = 6;
    synth.seed = 7;
    write_synthetic_dataset(dir + "/data", synth);
    std::ofstream(dir + "/job.toml")
        << "[model]\ndropout = 0.0\n[train]\nepochs = " << epochs
        << "\ncrops_per_song = 4\nbatch_size = 16\nlr = " << lr << "\n";
  }
  std::vector<std::string> args(const std::string& out, std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{
        "--threads", "1",        "train",           "--data",  dir + "/data",      "--out",
        out,         "--config", dir + "/job.toml", "--split", "song:0.75/0.25/0", "--seed",
        "3",         "--cache",  dir + "/cache"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

// Starts ranks 0..world-1 of `args` (each logs to prefix.rankN); returns their pids.
std::vector<pid_t> spawn_ranks(const std::vector<std::string>& args, int world,
                               const std::string& prefix) {
  const int port = free_port();
  std::vector<pid_t> pids;
  for (int r = 0; r < world; ++r)
    pids.push_back(spawn(args, prefix + ".rank" + std::to_string(r), rank_env(r, world, port)));
  return pids;
}

std::string weights_digest(const std::string& log) {
  std::smatch m;
  const std::regex re("final weights digest ([0-9a-f]+)");
  return std::regex_search(log, m, re) ? m[1].str() : std::string();
}

double max_weight_difference(const GenreModel& a, const GenreModel& b) {
  EXPECT_EQ(a.tensors().size(), b.tensors().size());
  double worst = 0;
  for (std::size_t t = 0; t < std::min(a.tensors().size(), b.tensors().size()); ++t) {
    const auto& x = a.tensors()[t].values;
    const auto& y = b.tensors()[t].values;
    EXPECT_EQ(x.size(), y.size()) << a.tensors()[t].name;
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i)
      worst = std::max(worst, static_cast<double>(std::fabs(x[i] - y[i])));
  }
  return worst;
}

TEST(Distributed, TwoRanksEqualOneProcessWithTheSameGlobalBatch) {
  // One epoch of 5 steps at a small learning rate: AdamW is invariant to the gradient's scale and
  // its first steps move each weight by about lr * sign(gradient), so a gradient within rounding of
  // zero may flip sign between the two runs; lr bounds what such a flip can do (here ~5e-6 in all).
  const Job job("dist_equal", /*epochs=*/1, /*lr=*/2e-5);
  const std::string one = job.dir + "/one.genrec", two = job.dir + "/two.genrec";
  ASSERT_EQ(wait_exit_code(spawn(job.args(one), job.dir + "/one")), 0)
      << slurp(job.dir + "/one.err");

  const std::vector<pid_t> ranks = spawn_ranks(job.args(two), 2, job.dir + "/two");
  for (int r = 0; r < 2; ++r)
    EXPECT_EQ(wait_exit_code(ranks[r]), 0)
        << slurp(job.dir + "/two.rank" + std::to_string(r) + ".err");
  const std::string log0 = slurp(job.dir + "/two.rank0.err"),
                    log1 = slurp(job.dir + "/two.rank1.err");
  // Both ranks' weights, bit for bit (a digest of every byte of every kept tensor).
  ASSERT_FALSE(weights_digest(log0).empty()) << log0;
  EXPECT_EQ(weights_digest(log0), weights_digest(log1)) << log1;

  // 2 ranks x 8 windows = 1 process x 16 windows: same weights within 1e-4 (here ~1e-6).
  const GenreModel a = GenreModel::load(one), b = GenreModel::load(two);
  EXPECT_LT(max_weight_difference(a, b), 1e-4);
  EXPECT_EQ(b.info().training.at("world_size"), 2);
  EXPECT_EQ(a.info().training.at("world_size"), 1);
  // Rank 0 alone reports epochs (rank 1's log has no epoch lines) and writes the files.
  EXPECT_NE(log0.find("epoch   1/1"), std::string::npos) << log0;
  EXPECT_EQ(log1.find("epoch   1/1"), std::string::npos) << log1;
}

TEST(Distributed, KilledRankStopsTheOtherAndResumeMatchesUninterrupted) {
  const Job job("dist_kill", /*epochs=*/3);
  // Uninterrupted, with the launcher of genrec itself.
  const std::string full = job.dir + "/full.genrec";
  ASSERT_EQ(wait_exit_code(spawn(job.args(full, {"--nproc", "2"}), job.dir + "/full")), 0)
      << slurp(job.dir + "/full.err");

  const std::string killed = job.dir + "/killed.genrec";
  const std::vector<pid_t> ranks = spawn_ranks(job.args(killed), 2, job.dir + "/killed");
  ASSERT_GE(test::wait_for_lines(metrics_path(killed), 1), 1)
      << slurp(job.dir + "/killed.rank0.err");
  ::kill(ranks[1], SIGKILL);  // in epoch 2
  EXPECT_EQ(wait_exit_code(ranks[1]), 128 + SIGKILL);
  const auto t_kill = std::chrono::steady_clock::now();
  const int code = wait_exit_code(ranks[0]);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_kill).count();
  const std::string err0 = slurp(job.dir + "/killed.rank0.err");
  EXPECT_NE(code, 0) << err0;
  // Reported, not asserted (timings belong in bench/); a survivor that hangs fails at CTest's
  // timeout.
  std::cerr << "rank 0 exited " << waited << " s after rank 1 was killed\n";
  EXPECT_NE(err0.find("distributed: 'rank 0 of 2'"), std::string::npos) << err0;
  ASSERT_FALSE(std::filesystem::exists(killed)) << "the run finished before it was killed";
  std::filesystem::copy_file(checkpoint_path(killed), job.dir + "/saved.ckpt");

  // Resumed with 2 ranks: exactly the uninterrupted model.
  const std::vector<pid_t> resumed =
      spawn_ranks(job.args(killed, {"--resume"}), 2, job.dir + "/resumed");
  for (int r = 0; r < 2; ++r)
    ASSERT_EQ(wait_exit_code(resumed[r]), 0)
        << slurp(job.dir + "/resumed.rank" + std::to_string(r) + ".err");
  EXPECT_NE(slurp(job.dir + "/resumed.rank0.err").find("resuming from"), std::string::npos);
  EXPECT_EQ(max_weight_difference(GenreModel::load(full), GenreModel::load(killed)), 0.0);

  // The same checkpoint continues in one process too (another world size).
  const std::string single = job.dir + "/single.genrec";
  std::filesystem::copy_file(job.dir + "/saved.ckpt", checkpoint_path(single));
  ASSERT_EQ(wait_exit_code(spawn(job.args(single, {"--resume"}), job.dir + "/single")), 0)
      << slurp(job.dir + "/single.err");
  const GenreModel s = GenreModel::load(single);
  EXPECT_EQ(s.info().training.at("world_size"), 1);
  EXPECT_EQ(s.info().training.at("metrics").size(), 3u);
}

TEST(Distributed, BadLaunchesFailWithOneClearLine) {
  const Job job("dist_errors", /*epochs=*/1);
  // MASTER_PORT taken by another program: rank 0 cannot serve the rendezvous.
  const int taken_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::listen(taken_fd, 1);
  socklen_t len = sizeof addr;
  ::getsockname(taken_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int taken = ntohs(addr.sin_port);
  int code = wait_exit_code(spawn(job.args(job.dir + "/a.genrec", {"--dist-timeout", "5"}),
                                  job.dir + "/taken", rank_env(0, 2, taken)));
  ::close(taken_fd);
  std::string err = slurp(job.dir + "/taken.err");
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("port in use"), std::string::npos) << err;
  EXPECT_EQ(test::lines(err).size(), 1u) << err;

  // Nobody at MASTER_ADDR:MASTER_PORT: rank 1 gives up after --dist-timeout.
  const auto t0 = std::chrono::steady_clock::now();
  code = wait_exit_code(spawn(job.args(job.dir + "/b.genrec", {"--dist-timeout", "3"}),
                              job.dir + "/alone", rank_env(1, 2, free_port())));
  err = slurp(job.dir + "/alone.err");
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("cannot reach rank 0"), std::string::npos) << err;
  std::cerr << "rank 1 gave up after "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s (--dist-timeout 3)\n";

  // Ranks started with different configs (here: epochs): rank 1 names the difference.
  const int port = free_port();
  const pid_t r0 = spawn(job.args(job.dir + "/c.genrec", {"--dist-timeout", "20"}),
                         job.dir + "/mismatch.rank0", rank_env(0, 2, port));
  const pid_t r1 = spawn(job.args(job.dir + "/c.genrec", {"--dist-timeout", "20", "--epochs", "2"}),
                         job.dir + "/mismatch.rank1", rank_env(1, 2, port));
  EXPECT_NE(wait_exit_code(r1), 0);
  EXPECT_NE(wait_exit_code(r0), 0);
  err = slurp(job.dir + "/mismatch.rank1.err");
  EXPECT_NE(err.find("not the same as rank 0's"), std::string::npos) << err;
}

}  // namespace
}  // namespace genrec
