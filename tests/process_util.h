#pragma once
// Runs the real genrec binary for end-to-end tests: captures stdout, stderr, the exit code
// and the child's peak RSS.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_util.h"

namespace genrec::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  long peak_rss_kb = 0;
};

inline std::string genrec_binary() { return std::string(GENREC_BINARY_DIR) + "/bin/genrec"; }

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Lines in the file at `path` now (0 while it does not exist).
inline long count_lines(const std::string& path) {
  std::ifstream in(path);
  return static_cast<long>(
      std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
}

// Polls every 5 ms, up to `limit`, until the file at `path` has at least `n` lines (a training
// run's metrics file grows a line per epoch); returns its line count then.
inline long wait_for_lines(const std::string& path, long n,
                           std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (count_lines(path) < n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return count_lines(path);
}

// Starts genrec with args (no shell), stdin/stdout/stderr redirected to files; returns its pid.
// `binary` replaces the build tree's genrec when given.
// `env`: variables set in the child only (NAME, value).
inline pid_t spawn_genrec(const std::vector<std::string>& args, const std::string& in,
                          const std::string& out, const std::string& err,
                          const std::string& binary = genrec_binary(),
                          const std::vector<std::pair<std::string, std::string>>& env = {}) {
  pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    if (!std::freopen(in.c_str(), "r", stdin) || !std::freopen(out.c_str(), "w", stdout) ||
        !std::freopen(err.c_str(), "w", stderr))
      ::_exit(127);
    std::vector<std::string> all = {binary};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for a child; its exit code, or 128 + the signal that ended it. Fills peak RSS if given.
inline int wait_exit_code(pid_t pid, long* peak_rss_kb = nullptr) {
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  if (peak_rss_kb) *peak_rss_kb = usage.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs genrec (or `binary`) with args (no shell), feeding `input` on stdin.
inline RunResult run_genrec(const std::vector<std::string>& args, const std::string& input = "",
                            const std::string& binary = genrec_binary()) {
  const std::string dir = scratch_dir("run_genrec_" + std::to_string(::getpid()));
  const std::string in = dir + "/in", out = dir + "/out", err = dir + "/err";
  std::ofstream(in) << input;
  RunResult r;
  r.exit_code = wait_exit_code(spawn_genrec(args, in, out, err, binary), &r.peak_rss_kb);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream is(s);
  for (std::string l; std::getline(is, l);)
    if (!l.empty()) v.push_back(l);
  return v;
}

}  // namespace genrec::test
