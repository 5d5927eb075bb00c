// genrec train --data DIR --out M: train the genre CNN (see lib/model/trainer.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "commands.h"
#include "data_flags.h"
#include "model/launch_env.h"
#include "model/local_launch.h"
#include "model/train_library.h"
#include "progress_bar.h"

namespace genrec::cli {
namespace {

std::string percent(double x) { return fmt::format("{:5.1f}%", 100.0 * x); }

// The dataset flags as typed, for the command line recorded in the model.
std::string data_arguments(const DataOptions& d) {
  std::string s;
  for (const std::string& p : d.paths) s += (s.empty() ? "--data " : " --data ") + p;
  if (!d.audio_dir.empty()) s += " --audio " + d.audio_dir;
  if (!d.subset.empty()) s += " --subset " + d.subset;
  return s;
}

void run_train(TrainRequest request, const GlobalOptions& global) {
  request.threads = global.resolved_threads();
  request.launch = launch_env_from_environment();
  if (request.launch.distributed())  // every rank logs; the prefix tells them apart
    spdlog::set_pattern(fmt::format("[rank {}] %^%l%$: %v", request.launch.rank));
  // One bar, rank 0's: several ranks redrawing one terminal line would garble it.
  ProgressBar bar(global.quiet || request.launch.rank > 0, "batches");
  TrainCallbacks callbacks;
  if (bar.enabled()) {
    callbacks.on_batch = [&bar](int epoch, std::size_t batch, std::size_t n_batches, double loss) {
      bar.update(fmt::format("epoch {}", epoch), batch, n_batches,
                 fmt::format("loss {:.4f}", loss));
    };
  }
  callbacks.on_epoch = [&bar](const EpochMetrics& m) {
    bar.clear();
    bar.restart();
    const std::string valid = m.has_valid
                                  ? fmt::format("valid loss {:.4f} seg {} song {}", m.valid_loss,
                                                percent(m.valid_seg_acc), percent(m.valid_song_acc))
                                  : std::string("valid -");
    const std::string member =
        m.n_members > 1 ? fmt::format("member {}/{} ", m.member + 1, m.n_members) : "";
    spdlog::info("{}epoch {:>3}/{} loss {:.4f} train seg {} {} lr {:.2e} {:.1f}s{}", member,
                 m.epoch, m.n_epochs, m.loss, percent(m.train_seg_acc), valid, m.lr, m.seconds,
                 m.best ? " *" : "");
  };
  TrainResult r;
  try {
    r = train_with_library(request, callbacks);
  } catch (const DeviceUnavailable& e) {
    throw UsageError(e.what());
  }
  bar.clear();
  if (r.rank != 0) return;  // rank 0 reports
  const std::string networks =
      r.n_members > 1 ? fmt::format("{} networks; the last: ", r.n_members) : "";
  spdlog::info("saved {} ({}weights of epoch {}, {} epochs run{}) in {:.1f}s", r.model_path,
               networks, r.best_epoch, r.epochs_run, r.stopped_early ? ", stopped early" : "",
               r.seconds);
  if (r.test_song_acc) {
    // The figure scripts/cross_validate.sh collects: a result, so it goes to stdout.
    fmt::print("test songs {} song_accuracy {:.4f} segment_accuracy {:.4f}\n", r.n_test,
               *r.test_song_acc, *r.test_seg_acc);
  }
}

}  // namespace

void setup_train(CLI::App& app, const GlobalOptions& global) {
  auto req = std::make_shared<TrainRequest>();
  CLI::App* cmd = app.add_subcommand("train", "Train the genre CNN on a labelled dataset");
  cmd->footer(
      "Writes the model file M, M.metrics.jsonl (one JSON object per epoch) and, while running,\n"
      "the checkpoint M.ckpt (removed at the end unless --keep-checkpoint). With a test part in\n"
      "the split, the test songs' accuracy is printed on stdout at the end.\n"
      "Example: genrec --threads 2 train --data data/gtzan --out gtzan.genrec "
      "--config configs/default.toml --split song:0.8/0.1/0.1 --seed 42\n"
      "         genrec train --data fma_metadata/tracks.csv --audio fma_small --split column "
      "--out fma.genrec");
  add_data_options(cmd, req->data);
  cmd->add_option("-o,--out", req->out, "Output model file")->required();
  cmd->add_option("--config", req->config_path, "TOML config ([features], [model], [train])")
      ->check(CLI::ExistingFile);
  cmd->add_option("--split", req->split,
                  "song:TRAIN/VALID/TEST | lists:DIR | fold:K/N | column (the data's split "
                  "column); song:1/0/0 trains on every song")
      ->capture_default_str();
  cmd->add_option("--epochs", req->epochs, "Epochs (overrides [train] epochs)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", req->seed, "Random seed (split, weights, crops, masks, dropout)")
      ->capture_default_str();
  cmd->add_flag("--resume", req->resume, "Continue from M.ckpt after an interruption");
  cmd->add_flag("--force", req->force, "Overwrite M when it exists (refused otherwise)");
  cmd->add_flag("--keep-checkpoint", req->keep_checkpoint, "Keep M.ckpt after the run");
  cmd->add_option("--cache", req->cache_dir,
                  "Feature cache directory (default: .genrec-cache in the first --data's folder)");
  cmd->add_option("--name", req->name, "Model name stored in the file (default: file stem)");
  cmd->add_option("--device", req->device, "Training device: cpu | cuda | cuda:N")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& d) {
            const bool gpu = d.rfind("cuda:", 0) == 0 && d.size() > 5 &&
                             d.find_first_not_of("0123456789", 5) == std::string::npos;
            return d == "cpu" || d == "cuda" || gpu ? std::string()
                                                    : "'" + d + "' is not cpu, cuda or cuda:N";
          },
          "DEVICE"));
  auto nproc = std::make_shared<int>(0);
  cmd->add_option("--nproc", *nproc,
                  "Start N local ranks of a data-parallel job (as torchrun --nproc_per_node N); "
                  "without it, RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT (or SLURM_*) decide")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--dist-timeout", req->dist_timeout_s,
                  "Seconds a rank waits for the others before it gives up")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->callback([req, nproc, &global] {
    if (*nproc > 0) {
      if (launch_env_from_environment().distributed())
        throw UsageError("train: --nproc: this process is already a rank of a job (WORLD_SIZE)");
      const int code = run_local_ranks(own_command_line_without("--nproc"), *nproc);
      if (code != 0) {
        spdlog::error("train: a rank failed (exit code {}); the others were stopped", code);
        throw PartialFailure{};
      }
      return;
    }
    TrainRequest r = *req;
    r.command_line = fmt::format("genrec --threads {} train {} --out {}{} --split {} --seed {}{}",
                                 global.resolved_threads(), data_arguments(r.data), r.out,
                                 r.config_path.empty() ? "" : " --config " + r.config_path, r.split,
                                 r.seed, r.epochs > 0 ? fmt::format(" --epochs {}", r.epochs) : "");
    run_train(std::move(r), global);
  });
}

}  // namespace genrec::cli
