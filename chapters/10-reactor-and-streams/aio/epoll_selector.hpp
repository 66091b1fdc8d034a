// The reactor: a Selector that waits on file descriptors with epoll (Python: selectors.
// EpollSelector under asyncio's SelectorEventLoop; Asio: epoll_reactor; mio's Poll).
//
// Each fd is registered once, when its socket is made, for reading and writing at once,
// edge-triggered: the kernel reports a change of readiness, not a state, so a busy socket costs
// no epoll_ctl call per operation (EPOLLONESHOT would need one per wait). The owner of the fd
// tries its syscall first and waits only when the kernel says EAGAIN: an IoWatch remembers
// what the last event said until a syscall says otherwise. select() handles a whole batch of
// events before any task runs: it records readiness, lets each watch do its I/O, and queues the
// tasks whose wait is over.
#pragma once

#include "aio/clock.hpp"
#include "aio/parking.hpp"
#include "aio/promise.hpp"
#include "aio/selector.hpp"

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace aio {

class EpollSelector;
class IoWatch;

namespace detail {

// [io-waiter]
/// One task waiting for an fd to become ready in one direction: a Parking (chapter 04) that
/// lives in the IoWatch, so at most one task waits per direction. While it waits, it counts as
/// a source of its selector (the loop waits for it instead of reporting a deadlock).
class IoWaiter final : public Parking {
public:
  /// A waiter for `watch`; `what` ends "waits for socket 7 to <what>".
  IoWaiter(IoWatch& watch, const char* what) noexcept : watch_(watch), what_(what) {}
  /// Parks the task of this thread, suspending in `awaiting`, until wake() or a cancellation.
  template <class P>
  void wait(std::coroutine_handle<P> awaiting);
  /// Ends the wait: the task is queued. False if no task waits.
  bool wake() noexcept;
  /// True while a task waits.
  bool waiting() const noexcept { return task_ != nullptr; }

private:
  Cancelled cancel(PromiseBase& task) noexcept override;
  void abandon(PromiseBase& task) noexcept override;
  std::string describe() const override;
  void forget() noexcept;

  IoWatch& watch_;
  const char* what_;
  PromiseBase* task_ = nullptr;
};
// [io-waiter]

} // namespace detail

// [io-watch]
/// A file descriptor, owned, and registered with an EpollSelector until it is closed
/// (EPOLL_CTL_DEL always comes before close(): a closed fd number is soon reused). It remembers
/// the readiness the last event reported, until a syscall says EAGAIN.
class IoWatch {
public:
  /// Takes `fd` and registers it with `selector`, for both directions, edge-triggered. If that
  /// fails, the fd is closed and the error thrown.
  IoWatch(EpollSelector& selector, int fd);
  /// Closes it (see close_fd()).
  virtual ~IoWatch();
  /// Unregisters the fd, then closes it; a task waiting on it is woken (its next syscall fails
  /// or finds the stream closed). Does nothing the second time.
  void close_fd() noexcept;
  /// True until close_fd().
  bool is_open() const noexcept { return fd_ >= 0; }
  IoWatch(const IoWatch&) = delete;
  IoWatch& operator=(const IoWatch&) = delete;

  /// The fd.
  int fd() const noexcept { return fd_; }
  /// Its selector.
  EpollSelector& selector() const noexcept { return selector_; }
  /// True unless a read said EAGAIN since the last readable event; always true once the peer
  /// has closed its end (the next read says so: it returns 0).
  bool readable() const noexcept { return readable_ || hung_up_; }
  /// True unless a write said EAGAIN since the last writable event.
  bool writable() const noexcept { return writable_; }
  /// A read said EAGAIN (or read less than it could: the kernel's buffer is empty).
  void not_readable() noexcept { readable_ = false; }
  /// A write said EAGAIN.
  void not_writable() noexcept { writable_ = false; }
  /// The peer closed its end (or hung up, or the socket failed): a read will not block again.
  bool hung_up() const noexcept { return hung_up_; }

  /// What it is, for reports: "a connection to 127.0.0.1:8000".
  virtual std::string describe() const;

protected:
  /// Its selector is being destroyed while it is still registered: drop what keeps it alive.
  virtual void orphaned() noexcept {}
  /// An event came: readiness is recorded. The default wakes a task waiting in that direction;
  /// a stream overrides these to do its I/O first (inside select(), before any task runs).
  virtual void on_readable() noexcept { reading.wake(); }
  /// See on_readable().
  virtual void on_writable() noexcept { writing.wake(); }

public:
  detail::IoWaiter reading{*this, "be readable"}; ///< A task waiting to read.
  detail::IoWaiter writing{*this, "be writable"}; ///< A task waiting to write (or to connect).

private:
  friend class EpollSelector;
  void ready(std::uint32_t events) noexcept;

  EpollSelector& selector_;
  int fd_;
  IoWatch* prev_ = nullptr; // the selector's list of watches
  IoWatch* next_ = nullptr;
  bool readable_ = true; // unknown until a syscall says otherwise: try it
  bool writable_ = true;
  bool hung_up_ = false;
};
// [io-watch]

/// Awaits readiness: `co_await aio::readable(watch)` returns at once if the watch may be
/// readable, else parks the task until an event says it is.
class WaitReady {
public:
  /// Waits on `waiter` of `watch` unless `ready` says there is no need.
  WaitReady(detail::IoWaiter& waiter, bool ready) noexcept : waiter_(waiter), ready_(ready) {}
  bool await_ready() const noexcept { return ready_; } ///< Ready already: no wait.
  /// Parks the task.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    waiter_.wait(awaiting);
  }
  void await_resume() const noexcept {} ///< The fd may be ready.

private:
  detail::IoWaiter& waiter_;
  bool ready_;
};
/// Waits until `watch` may be readable.
inline WaitReady readable(IoWatch& watch) noexcept { return {watch.reading, watch.readable()}; }
/// Waits until `watch` may be writable.
inline WaitReady writable(IoWatch& watch) noexcept { return {watch.writing, watch.writable()}; }

// [epoll-selector]
/// The chapter's selector: epoll, plus an eventfd for wake-ups from other threads. Give it to
/// aio::run: `aio::EpollSelector selector; aio::run(main(), {.selector = &selector});`.
class EpollSelector final : public Selector {
public:
  EpollSelector();
  /// Closes the epoll fd. A watch still registered then (a connection left open when its
  /// loop ended) is reported.
  ~EpollSelector() override;
  EpollSelector(const EpollSelector&) = delete;
  EpollSelector& operator=(const EpollSelector&) = delete;

  /// True while a task waits on an fd, a stream has output to flush, a server listens, or a
  /// signal handler is installed: then a loop with nothing else to do waits for the kernel.
  bool has_sources() const noexcept override { return sources_ > 0; }
  /// epoll_wait for up to `timeout` (rounded up to a millisecond: never early), then handles
  /// every event of the batch; returns how many fds had an event.
  std::size_t select(EventLoop& loop, std::optional<Duration> timeout) override;
  /// Writes to the eventfd: the epoll_wait in progress returns. Thread-safe.
  void wakeup() noexcept override;

  /// The selector of the running loop; throws std::logic_error if that loop does not wait
  /// through an EpollSelector (`what` names the caller, for the message).
  static EpollSelector& of_running_loop(const char* what);

  /// Something that can make work ready starts (+1) or stops (-1) needing the kernel.
  void add_source() noexcept { ++sources_; }
  /// See add_source().
  void remove_source() noexcept { --sources_; }
  /// How many epoll_wait calls it made (for tests and benchmarks: each is a syscall).
  std::uint64_t waits() const noexcept { return waits_; }
  /// How many fds are registered.
  std::size_t watches() const noexcept { return watches_; }

  /// Runs `handler` on the loop each time signal `signum` arrives (Python:
  /// `loop.add_signal_handler`). Replaces a handler already set for it.
  void add_signal_handler(int signum, std::function<void()> handler);
  /// Removes the handler of `signum` and restores what the process did before; false if none
  /// was set (Python: `loop.remove_signal_handler`).
  bool remove_signal_handler(int signum);
  // [epoll-selector]

private:
  friend class IoWatch;
  class Signals;
  void add(IoWatch& watch);
  void remove(IoWatch& watch) noexcept;

  int epoll_fd_ = -1;
  int wakeup_fd_ = -1;
  std::size_t sources_ = 0;
  std::size_t watches_ = 0;
  std::uint64_t waits_ = 0;
  IoWatch* first_ = nullptr; // every registered watch, for the report at destruction
  std::unique_ptr<Signals> signals_;
};

namespace detail {
template <class P>
void IoWaiter::wait(std::coroutine_handle<P> awaiting) {
  PromiseBase& task =
      PromiseBase::suspending(promise_of(awaiting), "only a coroutine running in a task can wait on a socket");
  task_ = &task;
  watch_.selector().add_source();
  task.park(*this); // cancelled already: it leaves at once
}
} // namespace detail

} // namespace aio
