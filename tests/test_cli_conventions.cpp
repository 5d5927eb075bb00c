// The Unix conventions of the command line, through the real binary: --version, audio on
// stdin, one JSON document per run, per-segment CSV, progress only on a terminal, NO_COLOR,
// no silent overwrite of a model, help with defaults and environment, the misplaced global
// flag hint, the generated man page and completions.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "process_util.h"

namespace genrec {
namespace {

using test::lines;
using test::run_genrec;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Six synthetic songs of 7 s (one per synth genre) written by `genrec synth`, made once; three
// of the genres (classical, hiphop, metal) are the shipped model's.
const std::string& synth_dir() {
  static const std::string dir = [] {
    // Per process: ctest runs these tests side by side.
    const std::string d = test::scratch_dir("cli_conv_synth_" + std::to_string(::getpid()));
    test::RunResult r =
        run_genrec({"--quiet", "synth", "--out", d, "--per-genre", "1", "--seconds", "7"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return d;
  }();
  return dir;
}
std::string song(const char* genre) {
  return synth_dir() + "/genres_original/" + genre + "/" + genre + ".00000.wav";
}

std::string file_bytes(const std::string& path) { return test::slurp(path); }

// Runs a shell command under a pseudo-terminal (util-linux `script`), so the child's stderr
// is a terminal; returns what the terminal saw.
std::string run_in_terminal(const std::string& command) {
  const std::string out = test::scratch_dir("cli_conv_pty") + "/typescript";
  const std::string line = "script -qec '" + command + "' /dev/null > " + out + " 2>&1";
  EXPECT_EQ(std::system(line.c_str()), 0) << line;
  return test::slurp(out);
}

TEST(CliConventions, VersionIsTheCMakeVersionEverywhere) {
  test::RunResult v = run_genrec({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, std::string("genrec ") + GENREC_PROJECT_VERSION + "\n");
  test::RunResult p =
      run_genrec({"predict", "--format", "jsonl", song("classical"), "missing.wav"});
  ASSERT_EQ(lines(p.out).size(), 2u) << p.err;
  for (const std::string& l : lines(p.out))  // a result and an error object alike
    EXPECT_EQ(nlohmann::json::parse(l)["genrec_version"], GENREC_PROJECT_VERSION) << l;
  test::RunResult info = run_genrec({"info", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(info.out)["genrec_version"], GENREC_PROJECT_VERSION);
  EXPECT_TRUE(contains(run_genrec({"info"}).out, std::string("genrec ") + GENREC_PROJECT_VERSION));
  test::RunResult e = run_genrec({"eval", "--data", synth_dir(), "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(e.out)["genrec_version"], GENREC_PROJECT_VERSION) << e.err;
}

// `cat song | genrec predict -`: the audio is classified as one file named "-" (not ~30,000
// lines of "no such file"), and a command that takes only paths says so in one line.
TEST(CliConventions, AudioOnStdinIsOneFile) {
  const std::string shared = test::shared_data();
  const std::string path = shared.empty() ? song("hiphop") : shared + "/formats/blues.00000.au";
  test::RunResult r = run_genrec({"predict", "--format", "json", "-"}, file_bytes(path));
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 500);
  EXPECT_LE(lines(r.err).size(), 2u);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());  // "-" may stand for several inputs, so always an array
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["file"], "-");
  // The same genre and probabilities as the file itself.
  const nlohmann::json direct =
      nlohmann::json::parse(run_genrec({"predict", "--format", "json", path}).out);
  EXPECT_EQ(j[0]["genre"], direct["genre"]);
  EXPECT_EQ(j[0]["top"], direct["top"]);

  test::RunResult f = run_genrec({"features", "-", "--out", "-"}, file_bytes(path));
  EXPECT_EQ(f.exit_code, 1);
  ASSERT_EQ(lines(f.err).size(), 1u) << f.err.substr(0, 500);
  EXPECT_TRUE(contains(f.err, "standard input holds audio")) << f.err;
}

TEST(CliConventions, JsonOfSeveralInputsIsOneDocument) {
  test::RunResult two =
      run_genrec({"predict", "--format", "json", "--segments", song("classical"), song("metal")});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const nlohmann::json j = nlohmann::json::parse(two.out);  // throws on concatenated objects
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["file"], song("metal"));
  EXPECT_EQ(j[0]["file"], song("classical"));
  // Segments carry the same fields as the web API's: start_s, end_s, genre, p, top.
  for (const auto& seg : j[0]["segments"]) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : seg.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"end_s", "genre", "p", "start_s", "top"}));
    EXPECT_EQ(seg["top"][0]["genre"], seg["genre"]);
  }
  // A directory is an array too, whatever it holds.
  const nlohmann::json dir =
      nlohmann::json::parse(run_genrec({"predict", "-f", "json", synth_dir()}).out);
  ASSERT_TRUE(dir.is_array());
  EXPECT_EQ(dir.size(), 6u);
  // One file named on the command line stays one object (SPEC's example).
  EXPECT_TRUE(nlohmann::json::parse(run_genrec({"predict", "--format", "json", song("metal")}).out)
                  .is_object());
}

TEST(CliConventions, CsvHasOneRowPerSegmentWithSegments) {
  test::RunResult r =
      run_genrec({"predict", "--format", "csv", "--segments", song("classical"), "missing.wav"});
  EXPECT_EQ(r.exit_code, 1);
  const auto rows = lines(r.out);
  // 7 s: two segments (the last second is dropped), then the failed file's row.
  ASSERT_EQ(rows.size(), 4u) << r.out;
  EXPECT_EQ(rows[0].rfind("file,start_s,end_s,genre,confidence,blues,", 0), 0u) << rows[0];
  EXPECT_EQ(rows[1].rfind(song("classical") + ",0.00,3.00,", 0), 0u) << rows[1];
  EXPECT_EQ(rows[2].rfind(song("classical") + ",3.00,", 0), 0u) << rows[2];
  auto n_fields = [](const std::string& row) { return std::count(row.begin(), row.end(), ','); };
  for (const std::string& row : rows) EXPECT_EQ(n_fields(row), n_fields(rows[0])) << row;
}

// Progress (count, rate, ETA) on a terminal only; --quiet silences it; NO_COLOR drops colours.
TEST(CliConventions, ProgressOnlyOnATerminal) {
  const std::string g = test::genrec_binary();
  const std::string out = test::scratch_dir("cli_conv_progress");
  for (const std::string& cmd :
       {g + " features " + synth_dir() + " --out " + out + "/f.csv",
        g + " predict " + synth_dir() + " --format jsonl",
        g + " eval --data " + synth_dir() + " --format json",
        g + " preprocess --force --data " + synth_dir() + " --cache " + out + "/cache"}) {
    const std::string tty = run_in_terminal(cmd);
    EXPECT_TRUE(contains(tty, " [#")) << cmd << "\n" << tty.substr(0, 2000);
    EXPECT_TRUE(contains(tty, "/s")) << cmd;
    EXPECT_TRUE(contains(tty, "ETA")) << cmd;
    EXPECT_FALSE(contains(run_in_terminal(g + " --quiet" + cmd.substr(g.size())), "ETA")) << cmd;
  }
  // Not a terminal (a file here): no progress at all.
  test::RunResult piped = run_genrec({"features", synth_dir(), "--out", out + "/g.csv"});
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_FALSE(contains(piped.err, "ETA")) << piped.err;
  EXPECT_FALSE(contains(piped.err, "\033[")) << piped.err;

  const std::string failing = g + " predict " + out + "/missing.wav";
  EXPECT_TRUE(contains(run_in_terminal(failing + "; true"), "\033[31m"));  // coloured error
  const std::string plain = run_in_terminal("NO_COLOR=1 " + failing + "; true");
  EXPECT_TRUE(contains(plain, "error: ")) << plain;
  EXPECT_FALSE(contains(plain, "\033[")) << plain;
}

TEST(CliConventions, TrainRefusesToOverwriteWithoutForce) {
  const std::string dir = test::scratch_dir("cli_conv_train");
  const std::string model = dir + "/existing.genrec";
  { std::ofstream(model) << "a model someone cares about"; }
  test::RunResult r = run_genrec({"train", "--data", synth_dir(), "--out", model, "--epochs", "1"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(contains(r.err, "--force")) << r.err;
  EXPECT_EQ(test::slurp(model), "a model someone cares about");
  // With --force the check passes and training itself runs (here it stops at the data).
  test::RunResult f = run_genrec({"train", "--force", "--data", dir + "/no-data", "--out", model});
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_FALSE(contains(f.err, "already exists")) << f.err;
  EXPECT_TRUE(contains(f.err, "no-data")) << f.err;
}

TEST(CliConventions, HelpShowsDefaultsEnvironmentAndShortFlags) {
  const std::string top = run_genrec({"--help"}).out;
  for (const char* s : {"GENREC_MODEL", "GENREC_THREADS", "GENREC_LOG_LEVEL", "NO_COLOR",
                        "-j,--threads", "-q,--quiet", "-V,--version", "Example"})
    EXPECT_TRUE(contains(top, s)) << s << "\n" << top;
  const std::string predict = run_genrec({"predict", "--help"}).out;
  for (const char* s : {"-m,--model", "-f,--format", "=text", "-k,--top-k", "=3", "=16"})
    EXPECT_TRUE(contains(predict, s)) << s << "\n" << predict;
  EXPECT_TRUE(contains(run_genrec({"serve", "--help"}).out, "=8080"));

  // The documented environment variables are read: a bad GENREC_THREADS is a usage error.
  ::setenv("GENREC_THREADS", "many", 1);
  test::RunResult bad = run_genrec({"info"});
  ::unsetenv("GENREC_THREADS");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_TRUE(contains(bad.err, "threads")) << bad.err;
}

TEST(CliConventions, MisplacedGlobalFlagGetsAHint) {
  test::RunResult r = run_genrec({"predict", song("classical"), "--threads", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "hint: --threads is an option of genrec itself")) << r.err;
  EXPECT_TRUE(contains(r.err, "genrec --threads")) << r.err;
  EXPECT_EQ(run_genrec({"--threads", "2", "predict", song("classical")}).exit_code, 0);
  // A plain typo gets no such hint.
  EXPECT_FALSE(contains(run_genrec({"predict", song("classical"), "--thread", "2"}).err, "hint"));
}

TEST(CliConventions, ManPageAndCompletionsAreGeneratedFromTheOptions) {
  const std::string share = std::string(GENREC_BINARY_DIR) + "/share";
  const std::string man = test::slurp(share + "/man/man1/genrec.1");
  const std::string bash = test::slurp(share + "/bash-completion/completions/genrec");
  const std::string zsh = test::slurp(share + "/zsh/vendor-completions/_genrec");
  ASSERT_FALSE(man.empty());
  EXPECT_TRUE(contains(man, std::string(".TH GENREC 1 \"\" \"genrec ") + GENREC_PROJECT_VERSION));
  for (const char* cmd : {"predict", "train", "eval", "preprocess", "features", "mel", "serve",
                          "synth", "info", "completion"}) {
    EXPECT_TRUE(contains(man, std::string(".SS \"genrec ") + cmd + "\"")) << cmd;
    EXPECT_TRUE(contains(zsh, std::string("\n        ") + cmd + ")")) << cmd;
  }
  EXPECT_TRUE(contains(man, "GENREC_THREADS"));
  EXPECT_FALSE(contains(man, "manpage"));  // the hidden build step stays hidden
  EXPECT_EQ(bash, run_genrec({"completion", "bash"}).out);

  // Bash: complete "genrec pre", "genrec predict --fo" and "genrec predict --format ".
  const std::string script = test::scratch_dir("cli_conv_compl") + "/genrec.bash";
  { std::ofstream(script) << bash; }
  auto complete = [&](const std::string& words) {
    const std::string cmd = "bash -c 'source " + script + "; COMP_WORDS=(" + words +
                            "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _genrec; "
                            "echo \"${COMPREPLY[*]}\"'";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    for (int c; (c = std::fgetc(p)) != EOF;) out += static_cast<char>(c);
    EXPECT_EQ(::pclose(p), 0) << cmd;
    return out;
  };
  EXPECT_EQ(complete("genrec pre"), "preprocess predict\n");
  EXPECT_EQ(complete("genrec predict --fo"), "--format\n");
  EXPECT_EQ(complete("genrec predict --format j"), "json jsonl\n");
  EXPECT_EQ(complete("genrec --log-level w"), "warn\n");

  // Zsh: the script parses, and defines the function compinit will call.
  const std::string zfile = test::scratch_dir("cli_conv_compl") + "/_genrec";
  { std::ofstream(zfile) << zsh; }
  EXPECT_EQ(std::system(("zsh -n " + zfile).c_str()), 0) << "zsh (scripts/setup.sh installs it)";
  EXPECT_TRUE(contains(zsh, "#compdef genrec"));
  EXPECT_TRUE(contains(
      zsh, "'(-f --format)'{-f,--format}'[text|json|jsonl|csv]:format:(text json jsonl csv)'"))
      << zsh.substr(0, 3000);
}

}  // namespace
}  // namespace genrec
