// Training end to end on synthetic genres (`genrec synth` data): the default CNN learns them,
// and a run killed with SIGKILL and resumed ends with exactly the model of an uninterrupted run
// (an ensemble of two networks, killed mid-epoch while the second one trains).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

#include "data/batch_loader.h"
#include "data/dataset.h"
#include "data/synth.h"
#include "model/evaluate.h"
#include "model/genre_model.h"
#include "process_util.h"
#include "test_util.h"
#include "train/trainer.h"

namespace genrec {
namespace {

using test::slurp;
using test::wait_exit_code;

// Starts the genrec binary with stdout/stderr to files; returns the child's pid.
pid_t spawn_genrec(const std::vector<std::string>& args, const std::string& log_prefix) {
  return test::spawn_genrec(args, "/dev/null", log_prefix + ".out", log_prefix + ".err");
}

std::vector<float> fixed_inputs(std::size_t batch) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-80.0f, 0.0f);
  std::vector<float> x(batch * 128 * 130);
  for (float& v : x) v = u(rng);
  return x;
}

TEST(Train, LearnsSyntheticGenresQuickly) {
  const std::string dir = test::scratch_dir("train_smoke");
  SynthOptions synth;
  synth.per_genre = 8;
  synth.seconds = 12;
  synth.seed = 3;
  write_synthetic_dataset(dir + "/data", synth);
  std::ofstream(dir + "/smoke.toml") << "[train]\nepochs = 6\ncrops_per_song = 6\n";

  TrainRequest req;
  req.data.paths = {dir + "/data"};
  req.out = dir + "/smoke.genrec";
  req.config_path = dir + "/smoke.toml";
  req.split = "song:0.75/0/0.25";  // 6 train and 2 held-out test songs per genre
  req.seed = 1;
  req.threads = 2;
  const auto t0 = std::chrono::steady_clock::now();
  const TrainResult r = train_model(req);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  ASSERT_TRUE(r.test_song_acc.has_value());
  EXPECT_EQ(r.n_test, 12u);
  EXPECT_GE(*r.test_song_acc, 0.9) << "segment accuracy " << *r.test_seg_acc;
  // Its time is reported, not asserted (timed assertions do not belong in tests).
  std::cerr << "smoke: test song accuracy " << *r.test_song_acc << ", segment accuracy "
            << *r.test_seg_acc << ", " << seconds << " s\n";

  // The model file holds what it was trained on; metrics JSONL has one line per epoch.
  const GenreModel model = GenreModel::load(req.out);
  std::vector<std::string> genres = synth_genres();
  std::sort(genres.begin(), genres.end());  // labels are the sorted folder names
  EXPECT_EQ(model.info().labels, genres);
  EXPECT_EQ(model.info().training.at("split"), "song:0.75/0/0.25");
  EXPECT_EQ(model.info().training.at("metrics").size(), 6u);
  EXPECT_DOUBLE_EQ(model.info().training.at("test").at("song_accuracy").get<double>(),
                   *r.test_song_acc);
  std::ifstream metrics(metrics_path(req.out));
  int n_lines = 0;
  for (std::string line; std::getline(metrics, line); ++n_lines)
    EXPECT_TRUE(nlohmann::json::parse(line).contains("loss"));
  EXPECT_EQ(n_lines, 6);
  EXPECT_FALSE(std::filesystem::exists(checkpoint_path(req.out)));

  // The training songs' fingerprints went from the feature cache into the model file: eval of
  // every song scores only the 12 held-out ones unless told to include the others.
  const Dataset data = scan_dataset(dir + "/data");
  std::vector<int> all(data.songs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  const EvalResult unseen = evaluate(model, data, all, EvalOptions{}, 2);
  EXPECT_EQ(unseen.songs.total(), 12);
  EXPECT_EQ(unseen.seen_left_out.size(), data.songs.size() - 12);
  EvalOptions include;
  include.include_seen = true;
  EXPECT_EQ(evaluate(model, data, all, include, 2).n_seen_scored, data.songs.size() - 12);
}

TEST(Train, ResumeAfterKillMatchesUninterruptedRun) {
  const std::string dir = test::scratch_dir("train_resume");
  SynthOptions synth;
  synth.per_genre = 4;
  synth.seconds = 8;
  synth.seed = 5;
  write_synthetic_dataset(dir + "/data", synth);
  std::ofstream(dir + "/resume.toml")
      << "[model]\nensemble = 2\n[train]\nepochs = 3\ncrops_per_song = 6\nbatch_size = 8\n";
  auto args = [&](const std::string& out) {
    return std::vector<std::string>{"--threads",
                                    "2",
                                    "train",
                                    "--data",
                                    dir + "/data",
                                    "--out",
                                    out,
                                    "--config",
                                    dir + "/resume.toml",
                                    "--split",
                                    "song:0.5/0.25/0.25",
                                    "--seed",
                                    "9",
                                    "--cache",
                                    dir + "/cache"};
  };

  // Uninterrupted run.
  const std::string full = dir + "/full.genrec";
  ASSERT_EQ(wait_exit_code(spawn_genrec(args(full), dir + "/full")), 0) << slurp(dir + "/full.err");

  // Killed (SIGKILL, raised by the trainer itself at a step this test chooses) halfway through
  // the second epoch of the second member: resuming must bring back the finished first member
  // and the second one's weights, optimizer state, weight average and step counter as they were
  // after its first epoch, or the weights differ from the uninterrupted run's.
  const std::int64_t per_epoch =
      static_cast<std::int64_t>(BatchLoader::count_batches(synth_genres().size() * 2 * 6, 8));
  ASSERT_GE(per_epoch, 4);
  const std::int64_t kill_step = 3 * per_epoch + per_epoch + per_epoch / 2;
  const std::string killed = dir + "/killed.genrec";
  ASSERT_EQ(::setenv("GENREC_TEST_KILL_AT_STEP", std::to_string(kill_step).c_str(), 1), 0);
  const pid_t pid = spawn_genrec(args(killed), dir + "/killed");
  ::unsetenv("GENREC_TEST_KILL_AT_STEP");
  EXPECT_EQ(wait_exit_code(pid), 128 + SIGKILL) << slurp(dir + "/killed.err");
  ASSERT_FALSE(std::filesystem::exists(killed)) << "the run finished before it was killed";
  {
    std::ifstream in(metrics_path(killed));
    EXPECT_EQ(
        std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'), 4)
        << "not killed in the second epoch of the second member";
  }
  // A SIGKILL between writing and renaming a checkpoint leaves its temporary behind (named by
  // the dead writer's pid): the next start removes it and resumes from the last complete one.
  // The same holds for the run's other files written by temporary and rename.
  const std::string torn = checkpoint_path(killed) + ".tmp-" + std::to_string(pid);
  const std::vector<std::string> torn_files = {
      torn, killed + ".tmp-" + std::to_string(pid),
      metrics_path(killed) + ".tmp-" + std::to_string(pid)};
  for (const std::string& f : torn_files) std::ofstream(f) << "half a file";

  std::vector<std::string> resume_args = args(killed);
  resume_args.push_back("--resume");
  ASSERT_EQ(wait_exit_code(spawn_genrec(resume_args, dir + "/resumed")), 0)
      << slurp(dir + "/resumed.err");
  const std::string resumed_log = slurp(dir + "/resumed.err");
  EXPECT_NE(resumed_log.find("after epoch 1 of member 2/2"), std::string::npos) << resumed_log;
  for (const std::string& f : torn_files) {
    EXPECT_NE(resumed_log.find("removed '" + f + "'"), std::string::npos) << resumed_log;
    EXPECT_FALSE(std::filesystem::exists(f)) << f;
  }

  const GenreModel a = GenreModel::load(full);
  const GenreModel b = GenreModel::load(killed);
  const auto x = fixed_inputs(4);
  const auto la = a.logits(x.data(), 4);
  const auto lb = b.logits(x.data(), 4);
  ASSERT_EQ(la.size(), lb.size());
  for (std::size_t i = 0; i < la.size(); ++i) EXPECT_EQ(la[i], lb[i]) << i;
  // Bit for bit: every weight of the two model files (their other fields hold timings).
  ASSERT_EQ(a.tensors().size(), b.tensors().size());
  for (std::size_t t = 0; t < a.tensors().size(); ++t) {
    EXPECT_EQ(a.tensors()[t].name, b.tensors()[t].name);
    EXPECT_EQ(a.tensors()[t].shape, b.tensors()[t].shape);
    EXPECT_TRUE(a.tensors()[t].values == b.tensors()[t].values) << a.tensors()[t].name;
  }
  // The per-epoch history agrees too, every field but the timings (losses, accuracies, learning
  // rate, best flag), so a restore that is lost shows even where the kept best weights are from
  // before the kill.
  const auto& ha = a.info().training.at("metrics");
  const auto& hb = b.info().training.at("metrics");
  ASSERT_EQ(ha.size(), 6u);
  ASSERT_EQ(hb.size(), 6u);
  for (std::size_t e = 0; e < 6; ++e) {
    EXPECT_EQ(ha[e].at("member"), e / 3) << e;
    EXPECT_TRUE(ha[e].contains("valid_loss")) << e;
    nlohmann::json ta = ha[e], tb = hb[e];
    for (const char* timing : {"seconds", "windows_per_s"}) {
      ta.erase(timing);
      tb.erase(timing);
    }
    EXPECT_EQ(ta, tb) << "epoch " << e;
  }
  // Two different networks (seeds 9 and 10), both kept.
  ASSERT_EQ(a.info().training.at("members").size(), 2u);
  for (std::size_t m = 0; m < 2; ++m) {
    const auto& ma = a.info().training.at("members")[m];
    const auto& mb = b.info().training.at("members")[m];
    EXPECT_EQ(ma.at("seed"), 9 + m);
    EXPECT_EQ(mb.at("seed"), 9 + m);
    EXPECT_EQ(ma.at("best_epoch"), mb.at("best_epoch"));
  }
  EXPECT_NE(ha[0].at("loss"), ha[3].at("loss"));
  EXPECT_EQ(a.info().training.at("best_epoch"), b.info().training.at("best_epoch"));
}

}  // namespace
}  // namespace genrec
