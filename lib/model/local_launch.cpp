#include "model/local_launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "audio/error.h"

namespace genrec {
namespace {

// A port nobody listens on now: the kernel's pick for port 0 on the loopback interface.
int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("launch", "socket", "cannot open a socket to pick a port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw Error("launch", "127.0.0.1", "cannot pick a free port; set MASTER_PORT");
  return ntohs(addr.sin_port);
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int run_local_ranks(const std::vector<std::string>& argv, int n_ranks) {
  const char* port_text = std::getenv("MASTER_PORT");
  const std::string port = port_text && *port_text ? port_text : std::to_string(free_local_port());
  std::vector<pid_t> ranks;
  for (int r = 0; r < n_ranks; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (pid_t p : ranks) ::kill(p, SIGTERM);
      throw Error("launch", "rank " + std::to_string(r), "cannot start a process");
    }
    if (pid == 0) {
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(n_ranks).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(n_ranks).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<std::string> args = argv;
      std::vector<char*> c_args;
      for (std::string& a : args) c_args.push_back(a.data());
      c_args.push_back(nullptr);
      ::execv(c_args[0], c_args.data());
      ::_exit(127);
    }
    ranks.push_back(pid);
  }
  // Wait for every rank; the first failure stops the rest (they would only wait for it).
  int result = 0;
  for (std::size_t left = ranks.size(); left > 0; --left) {
    int status = 0;
    const pid_t done = ::wait(&status);
    if (done < 0) break;
    const int code = exit_code_of(status);
    if (code != 0 && result == 0) {
      result = code;
      for (pid_t p : ranks)
        if (p != done) ::kill(p, SIGTERM);
    }
  }
  return result;
}

std::vector<std::string> own_command_line_without(const std::string& option) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t end = all.find('\0', at);
    args.push_back(all.substr(at, end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == option) {
      ++i;  // and its value
      continue;
    }
    if (args[i].rfind(option + "=", 0) == 0) continue;
    out.push_back(args[i]);
  }
  if (!out.empty()) out[0] = std::filesystem::read_symlink("/proc/self/exe").string();
  return out;
}

}  // namespace genrec
