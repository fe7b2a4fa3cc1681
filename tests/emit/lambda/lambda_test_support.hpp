// Helpers for the Lambda emitter's tests: child processes that always die with the test, and
// a tiny HTTP/1.1 client for the harness's control API on 127.0.0.1.
#pragma once

#include <test_support.hpp>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace xc::test::lambda {

// A child process with its stdin and stdout on pipes; killed (with its process group) on
// destruction. Closing our end of its stdin is how the harness learns to exit.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv) {
        int in[2], out[2];
        if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            setpgid(0, 0);
            dup2(in[0], 0);
            dup2(out[1], 1);
            close(in[0]), close(in[1]), close(out[0]), close(out[1]);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execvp(args[0], args.data());
            _exit(127);
        }
        setpgid(pid_, pid_);
        close(in[0]), close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
    }
    ~Child() {
        if (stdin_ >= 0) close(stdin_);
        if (stdout_ >= 0) close(stdout_);
        kill(-pid_, SIGKILL);
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // One line of stdout, or throw after `timeout`.
    std::string read_line(std::chrono::milliseconds timeout) {
        std::string line;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw std::runtime_error("child printed no line in time (so far: '" + line + "')");
            pollfd p{stdout_, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char c;
            if (read(stdout_, &c, 1) != 1) throw std::runtime_error("child exited before printing a line (so far: '" + line + "')");
            if (c == '\n') return line;
            line += c;
        }
    }

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
};

struct HttpAnswer {
    int status = 0;
    std::string body;
};

// One request on a fresh connection to 127.0.0.1:port (Connection: close; the harness always
// answers with Content-Length).
inline HttpAnswer http_request(int port, const std::string& method, const std::string& path, const std::string& body,
                               int timeout_s = 60) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    timeval tv{timeout_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            close(fd);
            throw std::runtime_error("send failed");
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string response;
    char buffer[65536];
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n < 0) {
            close(fd);
            throw std::runtime_error("no answer from 127.0.0.1:" + std::to_string(port) + " in time");
        }
        if (n == 0) break;
        response.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    auto header_end = response.find("\r\n\r\n");
    if (response.compare(0, 9, "HTTP/1.1 ") != 0 || header_end == std::string::npos)
        throw std::runtime_error("malformed HTTP answer: " + response.substr(0, 200));
    return HttpAnswer{std::stoi(response.substr(9, 3)), response.substr(header_end + 4)};
}

// Write `files` under `dir`, touching only files whose bytes changed, so that an incremental
// build of an unchanged project does nothing.
template <class FileSet>
void sync_files(const FileSet& files, const std::filesystem::path& dir) {
    for (const auto& [path, file] : files.files()) {
        auto target = dir / path;
        std::filesystem::create_directories(target.parent_path());
        std::error_code ec;
        if (std::filesystem::exists(target, ec) && read_file(target) == file.content) continue;
        write_file(target, file.content);
    }
}

}  // namespace xc::test::lambda
