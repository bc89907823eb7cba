#pragma once
// Runs a program the way a user or CI would, for tests of the real binaries.

#include <chrono>
#include <string>
#include <vector>

namespace medkiosk::test {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal or timed out
    bool timed_out = false;
    std::string out;
    std::string err;
};

// Runs argv[0] (a path) with the given arguments, feeding `input` on stdin. Extra environment entries
// ("NAME=value") are added to the current environment.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60),
                          const std::vector<std::string>& extra_env = {});

// Shortcut for the medkioskctl built in this tree.
ProcessResult run_ctl(const std::vector<std::string>& args, const std::string& input = {});

}  // namespace medkiosk::test

namespace medkiosk::test {

// A program left running while the test talks to it (a server, the kiosk under Xvfb). Its output
// goes to files so the test can wait for a line; the destructor kills it if still running.
class BackgroundProcess {
  public:
    BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_prefix,
                      const std::vector<std::string>& extra_env = {});
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    bool running();
    int pid() const { return pid_; }
    // Waits until stdout or stderr contains `text`; false on timeout or when the process ended first.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);
    std::string output() const;  // stdout + stderr so far
    // SIGTERM, then SIGKILL after `grace`; returns the exit code (-1 when killed by a signal).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  private:
    int pid_ = -1;
    int exit_code_ = -1;
    bool exited_ = false;
    std::string out_file_;
    std::string err_file_;
};

}  // namespace medkiosk::test
