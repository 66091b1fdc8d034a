// The watchdog thread and the loops' StepWatch records.
#include "aio/watchdog.hpp"

#include "aio/diagnostics.hpp"
#include "aio/step_clock.hpp"

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include <sys/syscall.h>
#include <unistd.h>

namespace aio {
namespace {

std::atomic<std::chrono::nanoseconds::rep> stall_ns{std::chrono::nanoseconds(std::chrono::seconds(1)).count()};
std::atomic<StallHandler> stall_handler{nullptr};

std::int64_t now_ns() noexcept { return StepClock::now().time_since_epoch().count(); }

int this_thread_id() noexcept {
  static thread_local const int id = static_cast<int>(::gettid()); // one syscall per thread, not per step
  return id;
}

// [blocking-call]
// What a blocked thread is doing, read from /proc/self/task/<id>/syscall: the number of the
// system call it waits in, if any. A step that blocks in a known call is named with its fix.
struct BlockingCall {
  const char* name;
  const char* fix;
};
BlockingCall blocking_call(int thread_id) {
  constexpr const char* socket_fix =
      "a socket (or a pipe) read or written with a blocking call stops every task: use chapter 10's streams, "
      "co_await reader.read(...) / co_await writer.drain(), which wait without holding the loop; a blocking "
      "call you cannot replace goes to a thread: co_await aio::to_thread(call, args...)";
  constexpr const char* sleep_fix =
      "use co_await aio::sleep(...) instead of sleeping on the loop's thread; a blocking call that sleeps "
      "inside (a library's) goes to a thread: co_await aio::to_thread(call, args...)";
  constexpr const char* wait_fix =
      "the thread waits for a lock, a condition variable, a std::future or a thread join: on the loop use "
      "aio::Lock, aio::Event or co_await on a task; a blocking wait you cannot replace goes to a thread: "
      "co_await aio::to_thread(call, args...)";
  std::ifstream file("/proc/self/task/" + std::to_string(thread_id) + "/syscall");
  long number = -1;
  if (!(file >> number)) return {nullptr, nullptr}; // "running": it computes, it does not wait
  switch (number) {
  case SYS_read: return {"read()", socket_fix};
  case SYS_recvfrom: return {"recvfrom()", socket_fix};
  case SYS_recvmsg: return {"recvmsg()", socket_fix};
  case SYS_accept: return {"accept()", socket_fix};
  case SYS_accept4: return {"accept4()", socket_fix};
  case SYS_connect: return {"connect()", socket_fix};
  case SYS_write: return {"write()", socket_fix};
  case SYS_sendto: return {"sendto()", socket_fix};
  case SYS_sendmsg: return {"sendmsg()", socket_fix};
  case SYS_ppoll: return {"ppoll()", socket_fix};
  case SYS_pselect6: return {"pselect6()", socket_fix};
#ifdef SYS_poll
  case SYS_poll: return {"poll()", socket_fix};
#endif
  case SYS_clock_nanosleep: return {"clock_nanosleep()", sleep_fix};
  case SYS_nanosleep: return {"nanosleep()", sleep_fix};
  case SYS_futex: return {"futex()", wait_fix};
  case SYS_wait4: return {"wait4()", wait_fix};
  case SYS_waitid: return {"waitid()", wait_fix};
  default: return {nullptr, nullptr};
  }
}
// [blocking-call]

} // namespace

// One thread for the process, started with the first StepWatch, polling every watch a few
// times per stall limit. It sleeps on a condition variable, so it stops at once at exit.
class Watchdog {
public:
  static Watchdog& instance() {
    static Watchdog watchdog;
    return watchdog;
  }

  void add(StepWatch& watch) {
    std::lock_guard lock(mutex_);
    watch.next_ = head_;
    if (head_ != nullptr) head_->prev_ = &watch;
    head_ = &watch;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }

  void remove(StepWatch& watch) {
    std::lock_guard lock(mutex_);
    if (watch.prev_ != nullptr) watch.prev_->next_ = watch.next_;
    if (watch.next_ != nullptr) watch.next_->prev_ = watch.prev_;
    if (head_ == &watch) head_ = watch.next_;
  }

  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

private:
  Watchdog() = default;

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const auto limit = stall_limit();
      wake_.wait_for(lock, std::clamp(limit / 4, std::chrono::nanoseconds(std::chrono::milliseconds(5)),
                                      std::chrono::nanoseconds(std::chrono::milliseconds(250))));
      if (stopping_) break;
      for (StepWatch* watch = head_; watch != nullptr; watch = watch->next_) check(*watch, limit);
    }
  }

  // Reads one watch consistently; reports its step once if it has run past the limit.
  void check(StepWatch& watch, std::chrono::nanoseconds limit) {
    std::uint64_t before = 0;
    std::int64_t since = 0;
    std::uint64_t step = 0;
    Origin who;
    const char* kind = "";
    do {
      before = watch.seq_.load(std::memory_order_acquire);
      since = watch.since_ns_.load(std::memory_order_relaxed);
      step = watch.step_id_.load(std::memory_order_relaxed);
      kind = watch.kind_.load(std::memory_order_relaxed);
      who = {watch.function_.load(std::memory_order_relaxed), watch.file_.load(std::memory_order_relaxed),
             watch.line_.load(std::memory_order_relaxed)};
      std::atomic_thread_fence(std::memory_order_acquire);
    } while ((before & 1) != 0 || before != watch.seq_.load(std::memory_order_relaxed));
    if (since == 0 || step == watch.reported_step_) return;
    const auto running = std::chrono::nanoseconds(now_ns() - since);
    if (running <= limit) return;
    watch.reported_step_ = step; // once per step
    const BlockingCall call = blocking_call(watch.thread_id_.load(std::memory_order_relaxed));
    const PitfallReport report{
        Pitfall::blocked_loop,
        "the loop has been blocked for " + format_duration(running) + " by " + kind + " '" + std::string(who.name()) +
            "', and still is" +
            (call.name != nullptr ? std::string(": its thread waits in ") + call.name + ", a blocking call" : ""),
        who,
        call.fix != nullptr ? call.fix
                            : "an endless loop, or a call that never returns? A step must give control back to the "
                              "loop (co_yield / co_await) and never wait on the thread; long CPU work goes to a "
                              "thread: co_await aio::to_thread(work, args...)"};
    aio::report(report);
    if (StallHandler handler = stall_handler.load()) handler(report);
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  StepWatch* head_ = nullptr;
  bool stopping_ = false;
};

StepWatch::StepWatch() { Watchdog::instance().add(*this); }
StepWatch::~StepWatch() { Watchdog::instance().remove(*this); }

// One writer (the loop's thread), so the seqlock needs no read-modify-write: an odd count,
// a release fence, the fields, then the next even count with release. On x86 these are
// plain stores; a locked fetch_add would cost more than the whole step being timed.
void StepWatch::open_write() noexcept {
  seq_.store(seq_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); // odd: writing
  std::atomic_thread_fence(std::memory_order_release);
}
void StepWatch::close_write() noexcept {
  seq_.store(seq_.load(std::memory_order_relaxed) + 1, std::memory_order_release); // even: done
}

void StepWatch::begin(const char* kind, Origin who) noexcept {
  open_write();
  step_id_.store(++step_, std::memory_order_relaxed);
  kind_.store(kind, std::memory_order_relaxed);
  function_.store(who.function, std::memory_order_relaxed);
  file_.store(who.file, std::memory_order_relaxed);
  line_.store(who.line, std::memory_order_relaxed);
  thread_id_.store(this_thread_id(), std::memory_order_relaxed);
  since_ns_.store(now_ns(), std::memory_order_relaxed);
  close_write();
}

void StepWatch::switch_to(Origin who) noexcept {
  open_write();
  function_.store(who.function, std::memory_order_relaxed);
  file_.store(who.file, std::memory_order_relaxed);
  line_.store(who.line, std::memory_order_relaxed);
  close_write();
}

void StepWatch::end() noexcept {
  open_write();
  since_ns_.store(0, std::memory_order_relaxed);
  close_write();
}

std::chrono::nanoseconds stall_limit() noexcept { return std::chrono::nanoseconds(stall_ns.load()); }
std::chrono::nanoseconds set_stall_limit(std::chrono::nanoseconds limit) noexcept {
  return std::chrono::nanoseconds(stall_ns.exchange(limit.count()));
}
StallHandler set_stall_handler(StallHandler handler) noexcept { return stall_handler.exchange(handler); }

} // namespace aio
