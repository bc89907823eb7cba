#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace medkiosk::test {
namespace {

void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// argv and the environment as execve wants them, prepared before fork so the child only execs.
class ExecArgs {
  public:
    ExecArgs(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) : args_(argv) {
        for (char** e = environ; *e != nullptr; ++e) env_.emplace_back(*e);
        env_.insert(env_.end(), extra_env.begin(), extra_env.end());
        for (auto& e : env_) envp_.push_back(e.data());
        envp_.push_back(nullptr);
        for (auto& a : args_) argp_.push_back(a.data());
        argp_.push_back(nullptr);
    }
    // Runs in the child after fork; only returns when exec failed.
    void run() {
        execve(argp_[0], argp_.data(), envp_.data());
        std::fprintf(stderr, "exec %s: %s\n", argp_[0], std::strerror(errno));
    }

  private:
    std::vector<std::string> args_;
    std::vector<std::string> env_;
    std::vector<char*> argp_;
    std::vector<char*> envp_;
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds timeout, const std::vector<std::string>& extra_env) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0)
        throw std::runtime_error("pipe failed");

    ExecArgs exec(argv, extra_env);

    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
        setpgid(0, 0);
        exec.run();
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    set_nonblocking(in_pipe[1]);
    set_nonblocking(out_pipe[0]);
    set_nonblocking(err_pipe[0]);

    ProcessResult result;
    std::size_t written = 0;
    int in_fd = in_pipe[1];
    if (input.empty()) {
        close(in_fd);
        in_fd = -1;
    }
    bool out_open = true, err_open = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        pollfd fds[3];
        int n = 0;
        if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
        if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
        if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
        if (poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 200))) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; ++i) {
            if (fds[i].revents == 0) continue;
            if (fds[i].fd == in_fd) {
                const ssize_t w = write(in_fd, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                if (w < 0 || written == input.size()) {
                    close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            const ssize_t r = read(fds[i].fd, buffer, sizeof buffer);
            if (r > 0) {
                (fds[i].fd == out_pipe[0] ? result.out : result.err)
                    .append(buffer, static_cast<std::size_t>(r));
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                if (fds[i].fd == out_pipe[0])
                    out_open = false;
                else
                    err_open = false;
            }
        }
    }
    if (in_fd >= 0) close(in_fd);
    close(out_pipe[0]);
    close(err_pipe[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
}

ProcessResult run_ctl(const std::vector<std::string>& args, const std::string& input) {
    std::vector<std::string> argv{MEDKIOSKCTL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input);
}

}  // namespace medkiosk::test

#include <fstream>
#include <sstream>
#include <thread>

namespace medkiosk::test {
namespace {

std::string read_whole(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv, const std::string& log_prefix,
                                     const std::vector<std::string>& extra_env)
    : out_file_(log_prefix + ".out"), err_file_(log_prefix + ".err") {
    ExecArgs exec(argv, extra_env);

    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int out = open(out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(out, 1);
        dup2(err, 2);
        setpgid(0, 0);
        exec.run();
        _exit(127);
    }
    pid_ = pid;
}

BackgroundProcess::~BackgroundProcess() {
    if (!exited_) stop(std::chrono::seconds(5));
}

bool BackgroundProcess::running() {
    if (exited_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }
    return true;
}

bool BackgroundProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (output().find(text) != std::string::npos) return true;
        if (!running()) return output().find(text) != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::string BackgroundProcess::output() const {
    return read_whole(out_file_) + read_whole(err_file_);
}

int BackgroundProcess::stop(std::chrono::milliseconds grace) {
    if (exited_) return exit_code_;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return exit_code_;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    exit_code_ = -1;
    return exit_code_;
}

}  // namespace medkiosk::test
