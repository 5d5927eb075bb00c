// Files the commands write: `-` is standard output, and an unsupported extension or a missing
// folder is refused before any work (exit 2, nothing written).
#include <gtest/gtest.h>

#include <filesystem>

#include "audio/wav_writer.h"
#include "process_util.h"

namespace genrec {
namespace {

namespace fs = std::filesystem;
using test::run_genrec;

const std::string kPngMagic = "\x89PNG\r\n\x1a\n";

std::string song(const std::string& dir) {
  const std::string p = dir + "/song.wav";
  write_wav(p, test::tone(440, 4.0), 22050);
  return p;
}

TEST(CliOutput, MelWritesPngSvgPdfOrStdout) {
  const std::string dir = test::scratch_dir("cli_out_mel");
  const std::string in = song(dir);
  test::RunResult r = run_genrec({"mel", in, "--out", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 8), kPngMagic);
  EXPECT_FALSE(fs::exists("-"));
  r = run_genrec({"mel", in, "--out", dir + "/m.pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::slurp(dir + "/m.pdf").substr(0, 5), "%PDF-");
  r = run_genrec({"mel", in, "--out", dir + "/m.SVG"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(test::slurp(dir + "/m.SVG").find("<svg"), std::string::npos);
}

// Checked before the input is even opened: a missing input would be a different error.
TEST(CliOutput, UnsupportedExtensionOrFolderIsAUsageError) {
  const std::string dir = test::scratch_dir("cli_out_bad");
  for (const std::string& out : {dir + "/m.jpg", dir + "/m", dir + "/no/such/dir/m.png", dir}) {
    test::RunResult r = run_genrec({"mel", dir + "/missing.wav", "--out", out});
    EXPECT_EQ(r.exit_code, 2) << out << ": " << r.err;
    EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("missing.wav"), std::string::npos) << "input opened first: " << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(fs::exists(dir + "/m.jpg"));
  test::RunResult e = run_genrec({"eval", "--data", dir + "/missing", "--plot", dir + "/cm.jpg"});
  EXPECT_EQ(e.exit_code, 2) << e.err;
  EXPECT_NE(e.err.find(".jpg"), std::string::npos) << e.err;
  test::RunResult f = run_genrec({"features", dir + "/missing.wav", "--out", dir + "/f.json"});
  EXPECT_EQ(f.exit_code, 2) << f.err;
  EXPECT_NE(f.err.find(".json"), std::string::npos) << f.err;
}

// `--plot -`: the image is stdout, so the report moves to stderr.
TEST(CliOutput, EvalPlotToStdout) {
  const std::string dir = test::scratch_dir("cli_out_eval");
  fs::create_directories(dir + "/blues");
  fs::create_directories(dir + "/jazz");
  write_wav(dir + "/blues/a.wav", test::tone(220, 3.0), 22050);
  write_wav(dir + "/jazz/b.wav", test::noise(3.0), 22050);
  test::RunResult r = run_genrec({"eval", "--data", dir, "--plot", "-", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 8), kPngMagic);
  EXPECT_NE(r.err.find("true\\pred"), std::string::npos) << r.err;
  r = run_genrec({"eval", "--data", dir, "--plot", dir + "/cm.pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::slurp(dir + "/cm.pdf").substr(0, 5), "%PDF-");
  EXPECT_NE(r.out.find("song accuracy"), std::string::npos);
}

}  // namespace
}  // namespace genrec
