// The reactor: registering fds, the epoll_wait batch, wake-ups, signals.
#include "aio/epoll_selector.hpp"

#include "aio/diagnostics.hpp"
#include "aio/event_loop.hpp"

#include <array>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace aio {

namespace {
[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }
} // namespace

namespace detail {

bool IoWaiter::wake() noexcept {
  PromiseBase* task = task_;
  if (task == nullptr) return false;
  forget();
  task->wake();
  return true;
}

void IoWaiter::forget() noexcept {
  task_ = nullptr;
  watch_.selector().remove_source();
}

// A cancelled reader leaves at once: it had not read anything yet (what a stream read before
// it waited stays in the stream's buffer), so nothing is lost. Woken already (its fd became
// ready) and not yet run, it is queued: waking it again would run it twice.
Parking::Cancelled IoWaiter::cancel(PromiseBase& task) noexcept {
  if (task_ == nullptr) return Cancelled::woken;
  forget();
  task.wake();
  return Cancelled::woken;
}

void IoWaiter::abandon(PromiseBase&) noexcept { forget(); }

std::string IoWaiter::describe() const { return "waits for " + watch_.describe() + " to " + what_; }

} // namespace detail

IoWatch::IoWatch(EpollSelector& selector, int fd) : selector_(selector), fd_(fd) {
  try {
    selector.add(*this);
  } catch (...) {
    ::close(fd);
    throw;
  }
}

IoWatch::~IoWatch() {
  // A task still parked here belongs to a frame being destroyed (a watch is owned by what
  // waits on it): its waiter only stops counting as a source.
  if (reading.waiting()) selector_.remove_source();
  if (writing.waiting()) selector_.remove_source();
  if (fd_ >= 0) {
    selector_.remove(*this);
    ::close(fd_);
  }
}

void IoWatch::close_fd() noexcept {
  if (fd_ < 0) return;
  selector_.remove(*this);
  ::close(std::exchange(fd_, -1));
  reading.wake();
  writing.wake();
}

std::string IoWatch::describe() const { return "fd " + std::to_string(fd_); }

// [ready]
void IoWatch::ready(std::uint32_t events) noexcept {
  // The peer's FIN can come in the same event as its last bytes: a short read of those bytes
  // must not make the watch forget it (the read that follows returns 0 at once).
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) hung_up_ = true;
  // An error or a hang-up makes both directions "ready": the next syscall reports it.
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
    readable_ = true;
    on_readable();
  }
  if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) {
    writable_ = true;
    on_writable();
  }
}
// [ready]

// The handlers of signals, run on the loop. A signal arrives on any thread, at any moment: its
// C handler only writes the signal's number to a pipe (write() is async-signal-safe), which the
// selector watches like any socket. (asyncio does the same with signal.set_wakeup_fd.)
class EpollSelector::Signals final : public IoWatch {
public:
  Signals(EpollSelector& selector, int read_end, int write_end) : IoWatch(selector, read_end), write_end_(write_end) {
    pipe_write_end = write_end;
  }
  ~Signals() override {
    for (auto& [signum, entry] : handlers_) ::sigaction(signum, &entry.previous, nullptr);
    pipe_write_end = -1;
    ::close(write_end_);
  }
  void add(int signum, std::function<void()> handler) {
    auto found = handlers_.find(signum);
    if (found != handlers_.end()) {
      found->second.handler = std::move(handler);
      return;
    }
    struct sigaction action {};
    action.sa_handler = &Signals::on_signal;
    action.sa_flags = SA_RESTART;
    ::sigemptyset(&action.sa_mask);
    Entry entry{std::move(handler), {}};
    if (::sigaction(signum, &action, &entry.previous) != 0) throw_errno("sigaction");
    handlers_.emplace(signum, std::move(entry));
    selector().add_source(); // a loop with a handler set may be waiting for that signal
  }
  bool remove(int signum) {
    auto found = handlers_.find(signum);
    if (found == handlers_.end()) return false;
    ::sigaction(signum, &found->second.previous, nullptr);
    handlers_.erase(found);
    selector().remove_source();
    return true;
  }
  std::string describe() const override { return "the signal pipe"; }

private:
  // Signals arrived: their handlers are queued on the running loop (inside select(), whose
  // caller it is), each as a callback, so one that throws goes to the loop's exception handler.
  void on_readable() noexcept override {
    try {
      dispatch(EventLoop::get_running_loop());
    } catch (...) { // no memory for a callback: the signal is lost, and said so
      report({Pitfall::callback_failed,
              "a signal handler could not be queued: " + message_of(std::current_exception()),
              {},
              "free memory; the handler runs again at the next signal"});
    }
  }
  void dispatch(EventLoop& loop) {
    std::array<unsigned char, 64> got{};
    for (;;) {
      const ssize_t n = ::read(fd(), got.data(), got.size());
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        auto found = handlers_.find(got[static_cast<std::size_t>(i)]);
        if (found != handlers_.end()) loop.call_soon(found->second.handler);
      }
    }
    not_readable();
  }

  static void on_signal(int signum) {
    const int saved = errno;
    const auto byte = static_cast<unsigned char>(signum);
    if (pipe_write_end >= 0) [[maybe_unused]]
      auto ignored = ::write(pipe_write_end, &byte, 1);
    errno = saved;
  }

  struct Entry {
    std::function<void()> handler;
    struct sigaction previous;
  };
  static inline volatile std::sig_atomic_t pipe_write_end = -1;
  int write_end_;
  std::unordered_map<int, Entry> handlers_;
};

EpollSelector::EpollSelector() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("epoll_create1");
  wakeup_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeup_fd_ < 0) {
    ::close(epoll_fd_);
    throw_errno("eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN | EPOLLET;
  event.data.ptr = nullptr; // the eventfd: the only registration without a watch
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wakeup_fd_, &event) != 0) {
    ::close(wakeup_fd_);
    ::close(epoll_fd_);
    throw_errno("epoll_ctl");
  }
}

EpollSelector::~EpollSelector() {
  signals_.reset();           // the handlers the process had before come back
  while (first_ != nullptr) { // still registered: nobody closed it before the loop ended
    IoWatch& watch = *first_;
    report({Pitfall::left_open,
            watch.describe() + " was left open when its event loop ended",
            {},
            "close every stream (writer.close(), then co_await writer.wait_closed()) and every server "
            "(server.close()) before the main coroutine returns"});
    watch.close_fd();
    watch.orphaned();
  }
  ::close(wakeup_fd_);
  ::close(epoll_fd_);
}

EpollSelector& EpollSelector::of_running_loop(const char* what) {
  auto* selector = dynamic_cast<EpollSelector*>(&EventLoop::get_running_loop().selector());
  if (selector == nullptr)
    throw std::logic_error(std::string(what) +
                           " needs a loop that waits on sockets: run it with an aio::EpollSelector "
                           "(aio::EpollSelector selector; aio::run(main(), {.selector = &selector});)");
  return *selector;
}

void EpollSelector::add(IoWatch& watch) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET; // once, both ways, edges only
  event.data.ptr = &watch;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, watch.fd(), &event) != 0) throw_errno("epoll_ctl(EPOLL_CTL_ADD)");
  watch.next_ = first_;
  if (first_ != nullptr) first_->prev_ = &watch;
  first_ = &watch;
  ++watches_;
}

void EpollSelector::remove(IoWatch& watch) noexcept {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, watch.fd(), nullptr); // before the fd is closed and reused
  if (watch.prev_ != nullptr) {
    watch.prev_->next_ = watch.next_;
  } else if (first_ == &watch) {
    first_ = watch.next_;
  } else {
    return; // not linked (orphaned already)
  }
  if (watch.next_ != nullptr) watch.next_->prev_ = watch.prev_;
  watch.prev_ = watch.next_ = nullptr;
  --watches_;
}

// [select]
std::size_t EpollSelector::select(EventLoop&, std::optional<Duration> timeout) { // (tasks know their loop)
  int ms = -1;   // no timeout: until an event or a wake-up
  if (timeout) { // rounded up: a timer's wait never ends before its deadline
    const auto up = std::chrono::ceil<std::chrono::milliseconds>(std::max(Duration::zero(), *timeout)).count();
    ms = up > INT_MAX ? INT_MAX : static_cast<int>(up);
  }
  std::array<epoll_event, 128> events;
  ++waits_;
  const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), ms);
  if (n < 0) {
    if (errno == EINTR) return 0; // a signal: its handler's byte is in the pipe for the next pass
    throw_errno("epoll_wait");
  }
  std::size_t fds = 0;
  // The whole batch first: readiness is recorded and each watch does its I/O before any task
  // runs (a watch may be destroyed only by a task, never during the batch).
  for (int i = 0; i < n; ++i) {
    auto* watch = static_cast<IoWatch*>(events[static_cast<std::size_t>(i)].data.ptr);
    if (watch == nullptr) { // a wake-up: empty the eventfd; what it brought is in the loop's inbox
      std::uint64_t count = 0;
      [[maybe_unused]] const auto ignored = ::read(wakeup_fd_, &count, sizeof count);
      continue;
    }
    ++fds;
    watch->ready(events[static_cast<std::size_t>(i)].events);
  }
  return fds;
}
// [select]

void EpollSelector::wakeup() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(wakeup_fd_, &one, sizeof one);
}

void EpollSelector::add_signal_handler(int signum, std::function<void()> handler) {
  if (signum <= 0 || signum >= 256) throw std::invalid_argument("not a signal number: " + std::to_string(signum));
  if (!signals_) {
    int ends[2];
    if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) throw_errno("pipe2");
    try {
      signals_ = std::make_unique<Signals>(*this, ends[0], ends[1]);
    } catch (...) { // (the watch closed the read end)
      ::close(ends[1]);
      throw;
    }
  }
  signals_->add(signum, std::move(handler));
}

bool EpollSelector::remove_signal_handler(int signum) { return signals_ && signals_->remove(signum); }

} // namespace aio
