// End-to-end tests through the real binary with the shipped model: formats, exit codes,
// stdin lists, directories, a bad file in a batch, --help of every command.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "audio/wav_writer.h"
#include "process_util.h"

namespace genrec {
namespace {

using test::lines;
using test::run_genrec;

// Real GTZAN clips when ../shared is there, synthetic tones otherwise.
std::vector<std::string> sample_songs(const std::string& dir) {
  const std::string shared = test::shared_data();
  if (!shared.empty()) {
    const std::string g = shared + "/gtzan-mini/genres_original/";
    return {g + "jazz/jazz.00000.wav", g + "metal/metal.00001.wav", g + "blues/blues.00002.wav"};
  }
  std::vector<std::string> out;
  for (int i = 0; i < 3; ++i) {
    out.push_back(dir + "/tone" + std::to_string(i) + ".wav");
    write_wav(out.back(), test::tone(220.0 * (i + 1), 7.0), 22050);
  }
  return out;
}

TEST(Cli, HelpOfEveryCommandHasAnExample) {
  for (const char* cmd : {"predict", "train", "eval", "preprocess", "features", "mel", "serve",
                          "synth", "info", "completion", "calibrate"}) {
    test::RunResult r = run_genrec({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << cmd;
  }
  EXPECT_EQ(run_genrec({"--help"}).exit_code, 0);
}

// Only `genrec train` needs libgenrec_train.so (and LibTorch): a copy of the executable without
// the library beside it still predicts, and train says what is missing in one line.
TEST(Cli, OnlyTrainNeedsTheTrainingLibrary) {
  const std::string dir = test::scratch_dir("cli_no_train_lib");
  std::filesystem::create_directories(dir + "/bin");
  const std::string lone = dir + "/bin/genrec";
  std::filesystem::copy_file(test::genrec_binary(), lone);
  std::filesystem::permissions(lone, std::filesystem::perms::owner_all);
  const std::string model = std::string(GENREC_SOURCE_DIR) + "/models/genrec-gtzan-290.genrec";
  const auto songs = sample_songs(dir);
  test::RunResult p = run_genrec({"predict", "--model", model, songs[0]}, "", lone);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(lines(p.out).size(), 1u) << p.out;
  test::RunResult t = run_genrec({"train", "--data", dir, "--out", dir + "/m.genrec"}, "", lone);
  EXPECT_EQ(t.exit_code, 1);
  ASSERT_EQ(lines(t.err).size(), 1u) << t.err;
  EXPECT_NE(t.err.find("libgenrec_train.so"), std::string::npos) << t.err;
  EXPECT_NE(t.err.find("not found"), std::string::npos) << t.err;
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_genrec({}).exit_code, 2);
  EXPECT_EQ(run_genrec({"predict"}).exit_code, 2);
  EXPECT_EQ(run_genrec({"predict", "--format", "xml", "x.wav"}).exit_code, 2);
  EXPECT_EQ(run_genrec({"no-such-command"}).exit_code, 2);
}

TEST(Cli, TrainOnCudaWithoutCudaExitsTwoInOneLine) {
  // Debian's LibTorch has no CUDA: --device cuda is refused in one line before any data is read
  // (the folder is empty). A device that does not exist is a usage error too.
  const std::string dir = test::scratch_dir("cli_cuda");
  test::RunResult t = run_genrec(
      {"--threads", "1", "train", "--data", dir, "--out", dir + "/m.genrec", "--device", "cuda"});
  EXPECT_EQ(t.exit_code, 2) << t.err;
  ASSERT_EQ(lines(t.err).size(), 1u) << t.err;
  EXPECT_NE(t.err.find("--device cuda"), std::string::npos) << t.err;
  EXPECT_NE(t.err.find("CUDA"), std::string::npos) << t.err;
  t = run_genrec({"train", "--data", dir, "--out", dir + "/m.genrec", "--device", "tpu"});
  EXPECT_EQ(t.exit_code, 2) << t.err;
  EXPECT_NE(t.err.find("tpu"), std::string::npos) << t.err;
}

TEST(Cli, PredictJsonHasSpecFields) {
  const auto songs = sample_songs(test::scratch_dir("cli_json"));
  test::RunResult r =
      run_genrec({"predict", "--format", "json", "--segments", "--top-k", "3", songs[0]});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["file"], songs[0]);
  EXPECT_TRUE(j["genre"].is_string());
  EXPECT_GT(j["confidence"].get<double>(), 0.0);
  EXPECT_EQ(j["top"].size(), 3u);
  EXPECT_GE(j["segments"].size(), 2u);
  EXPECT_NEAR(j["duration_s"].get<double>(), test::shared_data().empty() ? 7.0 : 30.0, 0.7);
}

TEST(Cli, StdinListDirectoryAndCsv) {
  const std::string dir = test::scratch_dir("cli_list");
  const auto songs = sample_songs(dir);
  std::string list;
  for (const auto& s : songs) list += s + "\n";
  test::RunResult r = run_genrec({"predict", "-", "--format", "jsonl"}, list);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines(r.out).size(), songs.size());
  for (std::size_t i = 0; i < songs.size(); ++i)
    EXPECT_EQ(nlohmann::json::parse(lines(r.out)[i])["file"], songs[i]);  // input order

  const std::string tree = test::scratch_dir("cli_tree");
  std::filesystem::create_directories(tree + "/a/b");
  write_wav(tree + "/a/one.wav", test::tone(300, 4.0), 22050);
  write_wav(tree + "/a/b/two.wav", test::tone(600, 4.0), 44100);
  std::ofstream(tree + "/a/readme.txt") << "not audio, not listed";
  test::RunResult d = run_genrec({"predict", tree, "--format", "csv"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  ASSERT_EQ(lines(d.out).size(), 3u);  // header + 2 files, the .txt is not an audio file
  EXPECT_EQ(lines(d.out)[0].rfind("file,genre,confidence,", 0), 0u);
}

TEST(Cli, BadFileInBatchIsReportedAndOthersStillClassified) {
  const std::string dir = test::scratch_dir("cli_bad");
  const auto songs = sample_songs(dir);
  const std::string bad = dir + "/notes.mp3";
  std::ofstream(bad) << "this is text, not audio\n";
  test::RunResult r =
      run_genrec({"predict", "--format", "jsonl", songs[0], bad, dir + "/missing.wav", songs[1]});
  EXPECT_EQ(r.exit_code, 1);
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(nlohmann::json::parse(out[0]).contains("genre"));
  EXPECT_NE(nlohmann::json::parse(out[1])["error"].get<std::string>().find("notes.mp3"),
            std::string::npos);
  EXPECT_NE(nlohmann::json::parse(out[2])["error"].get<std::string>().find("no such file"),
            std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(out[3]).contains("genre"));
  // stderr: one line per failed file, naming it; no stack traces.
  const auto err = lines(r.err);
  ASSERT_EQ(err.size(), 2u) << r.err;
  EXPECT_NE(err[0].find("notes.mp3"), std::string::npos);
}

TEST(Cli, TextFormatIsOneLinePerFile) {
  const auto songs = sample_songs(test::scratch_dir("cli_text"));
  test::RunResult r = run_genrec({"predict", songs[0], songs[1]});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines(r.out).size(), 2u);
  EXPECT_NE(lines(r.out)[1].find(songs[1]), std::string::npos);
}

TEST(Cli, MissingModelIsAClearError) {
  const auto songs = sample_songs(test::scratch_dir("cli_model"));
  test::RunResult r = run_genrec({"predict", "--model", "/nonexistent.genrec", songs[0]});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent.genrec"), std::string::npos);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
}

// Bounded memory: a 60-minute file must not need much more than a 30 s one.
TEST(Cli, LongFileMemoryIsBounded) {
  const std::string dir = test::scratch_dir("cli_long");
  std::vector<float> minute = test::noise(60.0, 22050, 7, 0.2);
  for (std::size_t i = 0; i < minute.size(); ++i)
    minute[i] += 0.3f * static_cast<float>(std::sin(2 * M_PI * 220.0 * i / 22050));
  std::vector<float> half(minute.begin(), minute.begin() + 30 * 22050);
  write_wav(dir + "/short.wav", half, 22050);
  {
    std::vector<float> hour;
    hour.reserve(minute.size() * 60);
    for (int m = 0; m < 60; ++m) hour.insert(hour.end(), minute.begin(), minute.end());
    write_wav(dir + "/hour.wav", hour, 22050);
  }
  test::RunResult s = run_genrec({"--threads", "1", "predict", dir + "/short.wav"});
  test::RunResult l =
      run_genrec({"--threads", "1", "predict", "--format", "json", dir + "/hour.wav"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NEAR(nlohmann::json::parse(l.out)["duration_s"].get<double>(), 3600.0, 0.1);
  std::printf("peak RSS: 30 s file %ld kB, 60 min file %ld kB (ratio %.2f)\n", s.peak_rss_kb,
              l.peak_rss_kb, static_cast<double>(l.peak_rss_kb) / s.peak_rss_kb);
  EXPECT_LE(l.peak_rss_kb, s.peak_rss_kb * 3 / 2);
}

}  // namespace
}  // namespace genrec
