// Work spread over threads: the loader reads services, the verifier proves subjects, each on up
// to `jobs` threads, with results kept in input order by the caller (one slot per task), so
// that what comes out is the same for any number of threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace xc::detail {

// `jobs`, or one per core when it is 0.
inline unsigned jobs_or_cores(unsigned jobs) { return jobs ? jobs : std::max(1u, std::thread::hardware_concurrency()); }

// Run work(0) ... work(n - 1) on up to `jobs` threads (the calling one among them); the first
// exception is rethrown once all have stopped.
inline void run_parallel(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& work) {
    const std::size_t threads = std::min<std::size_t>(n, std::max(1u, jobs));
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i) work(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::mutex failed_mutex;
    std::exception_ptr failed;
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) {
            try {
                work(i);
            } catch (...) {
                std::lock_guard lock(failed_mutex);
                if (!failed) failed = std::current_exception();
                next = n;  // start no more
            }
        }
    };
    std::vector<std::thread> pool;
    try {
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
    } catch (const std::system_error&) {
        // No more threads to be had: those started and this one do the work.
    }
    worker();
    for (auto& t : pool) t.join();
    if (failed) std::rethrow_exception(failed);
}

// How many chunks of `per_chunk` items `n` items make (the last may be short).
inline std::size_t chunk_count(std::size_t n, std::size_t per_chunk) { return (n + per_chunk - 1) / per_chunk; }

// Items 0 ... n - 1 in chunks of `per_chunk`: work(chunk, begin, end) for each chunk [begin, end),
// on up to `jobs` threads. A caller keeps each chunk's results in its own slot (chunk_count
// slots) and takes them in chunk order, the same for any number of threads.
inline void run_chunks(std::size_t n, std::size_t per_chunk, unsigned jobs,
                       const std::function<void(std::size_t chunk, std::size_t begin, std::size_t end)>& work) {
    run_parallel(chunk_count(n, per_chunk), jobs, [&](std::size_t c) { work(c, c * per_chunk, std::min(n, (c + 1) * per_chunk)); });
}

}  // namespace xc::detail
