// A progress line for long verification runs: "verify: 12/10000 APIs, 3.2 s", rewritten in
// place on a terminal; nothing at all when stderr is not a terminal (logs and pipes stay clean).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace xc::cli {

// Below this many private APIs a run is quick; a progress line would only flicker.
inline constexpr std::size_t progress_min_apis = 20;

inline std::string progress_text(std::size_t done, std::size_t total, double seconds) {
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
    return "verify: " + std::to_string(done) + "/" + std::to_string(total) + " APIs, " + elapsed + " s";
}

class ProgressLine {
public:
    using Clock = std::chrono::steady_clock;

    ProgressLine(std::FILE* out, bool enabled) : out_(out), enabled_(enabled), start_(Clock::now()) {}
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    ~ProgressLine() { finish(); }

    // At most ten updates a second (writing to a slow terminal must not slow the proofs), but
    // always the first and the last, so a short run still shows where it got to.
    void update(std::size_t done, std::size_t total) {
        if (!enabled_) return;
        auto now = Clock::now();
        if (shown_ && done != total && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        shown_ = true;
        std::string line = progress_text(done, total, std::chrono::duration<double>(now - start_).count());
        std::fprintf(out_, "\r%s\033[K", line.c_str());
        std::fflush(out_);
    }

    // Erase the line, so what follows starts on a clean line.
    void finish() {
        if (!enabled_ || !shown_) return;
        std::fputs("\r\033[K", out_);
        std::fflush(out_);
        shown_ = false;
    }

private:
    std::FILE* out_;
    bool enabled_;
    Clock::time_point start_;
    Clock::time_point last_{};
    bool shown_ = false;
};

}  // namespace xc::cli
