// The real binary on what a careless or hostile user feeds it: output that cannot be written,
// names that are not UTF-8, NUL bytes in stdin paths, FIFOs, silence; and eval of the shipped
// model on its own training data, which must score nothing by default.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "audio/wav_writer.h"
#include "process_util.h"

namespace genrec {
namespace {

using test::lines;
using test::run_genrec;

const std::string kModel = std::string(GENREC_SOURCE_DIR) + "/models/genrec-gtzan-290.genrec";

TEST(CliHostile, ResultsThatCannotBeWrittenAreAFailure) {
  const std::string dir = test::scratch_dir("cli_dev_full");
  write_wav(dir + "/a.wav", test::noise(4.0), 22050);
  std::ofstream(dir + "/in");
  const pid_t pid = test::spawn_genrec({"predict", "--model", kModel, dir + "/a.wav"}, dir + "/in",
                                       "/dev/full", dir + "/err");
  EXPECT_EQ(test::wait_exit_code(pid), 1);
  const std::string err = test::slurp(dir + "/err");
  EXPECT_EQ(lines(err).size(), 1u) << err;
  EXPECT_NE(err.find("cannot write the results"), std::string::npos) << err;
}

TEST(CliHostile, NonUtf8NamesAndNulPathsDoNotAbortTheBatch) {
  const std::string dir = test::scratch_dir("cli_bad_names");
  write_wav(dir + "/a.wav", test::noise(4.0), 22050);
  write_wav(dir + "/b\xff\xfe.wav", test::noise(4.0, 22050, 2), 22050);
  write_wav(dir + "/c\x1b[2J.wav", test::noise(4.0, 22050, 3), 22050);
  for (const char* format : {"json", "jsonl"}) {
    test::RunResult r =
        run_genrec({"--threads", "1", "predict", "--model", kModel, "--format", format, dir});
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_NE(r.out.find("b\\\\xff\\\\xfe.wav"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/a.wav"), std::string::npos) << r.out;
  }
  test::RunResult text = run_genrec({"predict", "--model", kModel, dir});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << "raw ESC in text output";
  EXPECT_NE(text.out.find("c\\x1b[2J.wav"), std::string::npos) << text.out;

  // "a.wav\0x" must not be read as a.wav.
  const std::string list = dir + "/a.wav" + std::string(1, '\0') + "x\n" + dir + "/a.wav\n";
  test::RunResult nul = run_genrec({"predict", "--model", kModel, "--format", "jsonl", "-"}, list);
  EXPECT_EQ(nul.exit_code, 1);
  const auto out = lines(nul.out);
  ASSERT_EQ(out.size(), 2u) << nul.out;
  EXPECT_NE(out[0].find("NUL byte"), std::string::npos) << out[0];
  EXPECT_NE(out[1].find("\"genre\""), std::string::npos) << out[1];
}

TEST(CliHostile, FifoInputIsRefusedNotWaitedOn) {
  const std::string dir = test::scratch_dir("cli_fifo");
  ASSERT_EQ(mkfifo((dir + "/pipe.wav").c_str(), 0600), 0);
  for (const char* cmd : {"predict", "mel", "features"}) {
    std::vector<std::string> args{cmd, dir + "/pipe.wav"};
    if (std::string(cmd) == "predict") args = {cmd, "--model", kModel, dir + "/pipe.wav"};
    if (std::string(cmd) == "mel") args = {cmd, dir + "/pipe.wav", "--out", dir + "/out.png"};
    if (std::string(cmd) == "features") args = {cmd, dir + "/pipe.wav", "--out", dir + "/f.csv"};
    test::RunResult r = run_genrec(args);
    EXPECT_NE(r.exit_code, 0) << cmd;
    EXPECT_NE((r.out + r.err).find("not a regular file"), std::string::npos)
        << cmd << ": " << r.out << r.err;
  }
}

TEST(CliHostile, SilenceIsAnsweredWithAWarning) {
  const std::string dir = test::scratch_dir("cli_silence");
  write_wav(dir + "/silence.wav", std::vector<float>(22050 * 5, 0.0f), 22050);
  test::RunResult r =
      run_genrec({"predict", "--model", kModel, "--format", "json", dir + "/silence.wav"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("warning")) << r.out;
  EXPECT_NE(j["warning"].get<std::string>().find("silence"), std::string::npos);
}

// The shipped model was trained on every clip of gtzan-mini: eval must find nothing to score.
TEST(CliHostile, EvalOfTheShippedModelOnItsTrainingDataScoresNothing) {
  GENREC_REQUIRE_SHARED();
  const std::string data = test::shared_data() + "/gtzan-mini";
  test::RunResult r = run_genrec({"eval", "--model", kModel, "--data", data, "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_songs"], 0);
  EXPECT_EQ(j["n_left_out_seen"], 50);
  EXPECT_NE(j["note"].get<std::string>().find("left out 50 songs"), std::string::npos);

  test::RunResult inc = run_genrec({"eval", "--model", kModel, "--data", data, "--split",
                                    "song:1/0/0:train", "--include-trained"});
  EXPECT_EQ(inc.exit_code, 0) << inc.err;
  EXPECT_NE(inc.out.find("TRAINED SONGS INCLUDED (--include-trained): 50 of the 50"),
            std::string::npos)
      << inc.out;
}

}  // namespace
}  // namespace genrec
