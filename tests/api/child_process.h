// Starting a real binary from a test (the server, Kannel's boxes): fork and exec with a few
// environment entries added, its output going to pipes the test reads.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace sy::test {

struct ChildPipes {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout (and stderr, when merged)
  int err = -1;  // read end of the child's stderr; -1 when merged into `out`
  int in = -1;   // write end of the child's stdin; -1 when it inherits the test's
};

// Runs `args` (args[0] is the program's path) with `env` ("NAME=value") added to the test's
// environment. Stderr goes to a pipe of its own or, with `merge_stderr`, into the stdout pipe;
// with `stdin_pipe` the child's stdin is a pipe the test holds (some programs stop at its end).
inline ChildPipes start_child(const std::vector<std::string>& args,
                              const std::vector<std::string>& env, bool merge_stderr,
                              bool stdin_pipe) {
  int out[2], err[2] = {-1, -1}, in[2] = {-1, -1};
  if (pipe(out) != 0 || (!merge_stderr && pipe(err) != 0) || (stdin_pipe && pipe(in) != 0)) {
    throw std::runtime_error("pipe");
  }
  ChildPipes c;
  c.pid = fork();
  if (c.pid == 0) {
    if (stdin_pipe) {
      dup2(in[0], 0);
      close(in[1]);
    }
    dup2(out[1], 1);
    dup2(merge_stderr ? out[1] : err[1], 2);
    close(out[0]);
    if (!merge_stderr) close(err[0]);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  c.out = out[0];
  if (!merge_stderr) {
    close(err[1]);
    c.err = err[0];
  }
  if (stdin_pipe) {
    close(in[0]);
    c.in = in[1];
  }
  return c;
}

}  // namespace sy::test
