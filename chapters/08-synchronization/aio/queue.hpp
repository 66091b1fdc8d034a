// aio::Queue, LifoQueue, PriorityQueue: hand items from producers to consumers (Python:
// asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue).
#pragma once

#include "aio/wait_queue.hpp"

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace aio {

/// get_nowait() on a queue with nothing to take (Python: `asyncio.QueueEmpty`).
class QueueEmpty : public std::runtime_error {
public:
  QueueEmpty() : std::runtime_error("get_nowait(): the queue is empty") {}
};

/// put_nowait() on a full queue (Python: `asyncio.QueueFull`).
class QueueFull : public std::runtime_error {
public:
  QueueFull() : std::runtime_error("put_nowait(): the queue is full") {}
};

/// put() on a queue that was shut down, or get() on one that was shut down and is empty
/// (Python: `asyncio.QueueShutDown`).
class QueueShutDown : public std::runtime_error {
public:
  QueueShutDown() : std::runtime_error("the queue was shut down") {}
};

namespace detail {

/// The order of a Queue: first in, first out.
template <class T>
class Fifo {
public:
  void push(T item) { items_.push_back(std::move(item)); } ///< Adds one.
  /// Takes the next one out.
  T pop() {
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  std::size_t size() const noexcept { return items_.size(); } ///< How many there are.

private:
  std::deque<T> items_;
};

/// The order of a LifoQueue: last in, first out.
template <class T>
class Lifo {
public:
  void push(T item) { items_.push_back(std::move(item)); } ///< Adds one.
  /// Takes the newest one out.
  T pop() {
    T item = std::move(items_.back());
    items_.pop_back();
    return item;
  }
  std::size_t size() const noexcept { return items_.size(); } ///< How many there are.

private:
  std::vector<T> items_;
};

/// The order of a PriorityQueue: the least first, by `Compare` (a binary heap).
template <class T, class Compare>
class Least {
public:
  void push(T item) { ///< Adds one.
    items_.push_back(std::move(item));
    std::push_heap(items_.begin(), items_.end(), after_);
  }
  /// Takes the least one out.
  T pop() {
    std::pop_heap(items_.begin(), items_.end(), after_);
    T item = std::move(items_.back());
    items_.pop_back();
    return item;
  }
  std::size_t size() const noexcept { return items_.size(); } ///< How many there are.

private:
  struct After { // the standard heap keeps the greatest on top: reverse the order
    Compare less;
    bool operator()(const T& a, const T& b) const { return less(b, a); }
  };
  std::vector<T> items_;
  After after_{};
};

} // namespace detail

// [queue]
/// A queue of items between tasks, at most `maxsize` of them (0: no limit), in the order
/// `Store` gives (Python: `asyncio.Queue` and its siblings; use the aliases Queue, LifoQueue,
/// PriorityQueue). `co_await q.put(x)` waits while it is full, `T x = co_await q.get()` while it
/// is empty; the *_nowait forms throw instead. task_done() and `co_await q.join()` count the
/// items not yet processed; shutdown() ends it. Not thread-safe.
///
/// Fair and lossless: when a put wakes a waiting getter, an item is kept for that getter, and
/// when a get wakes a waiting putter, a place is kept for it; nobody arriving later takes them,
/// so tasks are served in the order they came. A woken task that is cancelled before it runs
/// passes what was kept for it to the next one: no item is lost, no place leaks.
template <class T, class Store>
class BasicQueue {
public:
  class Put;
  class Get;
  class Join;

  /// A queue of at most `maxsize` items (0: no limit).
  explicit BasicQueue(std::size_t maxsize = 0) noexcept : maxsize_(maxsize) {}
  BasicQueue(const BasicQueue&) = delete;
  BasicQueue& operator=(const BasicQueue&) = delete;

  /// `co_await q.put(item)`: adds it, waiting for room while the queue is full. Throws
  /// QueueShutDown once shut down; CancelledError if cancelled while waiting (nothing is added).
  Put put(T item) { return Put(*this, std::move(item)); }
  /// `T item = co_await q.get()`: takes the next item, waiting while there is none. Throws
  /// QueueShutDown once shut down and empty; CancelledError if cancelled while waiting (no item
  /// is taken).
  Get get() noexcept { return Get(*this); }
  /// Adds `item` now, or throws QueueFull (or QueueShutDown).
  void put_nowait(T item) {
    if (shut_down_) throw QueueShutDown();
    if (room() == 0) throw QueueFull();
    push(std::move(item));
  }
  /// Takes the next item now, or throws QueueEmpty (or QueueShutDown, once shut down and empty).
  T get_nowait() {
    if (available() == 0) {
      if (shut_down_) throw QueueShutDown();
      throw QueueEmpty();
    }
    return take();
  }

  /// Says one item taken by get() has been processed (Python: `task_done()`). Throws
  /// std::logic_error if called more times than items were put.
  void task_done();
  /// `co_await q.join()`: waits until every item put has been taken and marked task_done().
  Join join() noexcept { return Join(*this); }
  /// Ends the queue (Python 3.13: `shutdown()`): put() throws QueueShutDown from now on, and so
  /// do get()s once the items left are taken; tasks waiting in put() or in get() on an empty
  /// queue are woken with it. `immediate`: the items nobody was woken for are dropped too, and
  /// count as done for join().
  void shutdown(bool immediate = false);

  /// How many items it holds (Python: `qsize()`); an item kept for a woken getter is already its.
  std::size_t qsize() const noexcept { return items_.size() - for_getters_ + for_putters_; }
  /// The most it holds; 0 for no limit.
  std::size_t maxsize() const noexcept { return maxsize_; }
  /// True if it holds no item.
  bool empty() const noexcept { return qsize() == 0; }
  /// True if it holds maxsize items.
  bool full() const noexcept { return maxsize_ != 0 && qsize() >= maxsize_; }
  /// True once shutdown() was called.
  bool is_shut_down() const noexcept { return shut_down_; }
  // [queue]

private:
  // Items a get() may take now: not kept for a woken getter.
  std::size_t available() const noexcept { return items_.size() - for_getters_; }
  // Places a put() may fill now: not kept for a woken putter (a big number if there is no limit).
  std::size_t room() const noexcept {
    return maxsize_ == 0 ? static_cast<std::size_t>(-1) : maxsize_ - items_.size() - for_putters_;
  }
  // [queue-hand-over]
  // Adds an item; a waiting getter is woken, and the item is kept for it.
  void push(T item) {
    items_.push(std::move(item));
    ++unfinished_;
    wake_getter();
  }
  // Takes an item; a waiting putter is woken, and the place is kept for it.
  T take() {
    T item = items_.pop();
    wake_putter();
    return item;
  }
  // Wakes the first waiting getter, if any, keeping an item for it.
  void wake_getter() noexcept {
    if (getters_.grant_first()) ++for_getters_;
  }
  // Wakes the first waiting putter, if any, keeping a place for it.
  void wake_putter() noexcept {
    if (putters_.grant_first()) ++for_putters_;
  }
  // [queue-hand-over]

  Store items_;
  std::size_t maxsize_;
  std::size_t for_getters_ = 0; // items kept for getters that were woken and have not run yet
  std::size_t for_putters_ = 0; // places kept for woken putters
  std::size_t unfinished_ = 0;  // items put and not yet marked task_done()
  bool shut_down_ = false;
  detail::WaitQueue getters_{"a Queue (get)"};
  detail::WaitQueue putters_{"a Queue (put)"};
  detail::WaitQueue joiners_{"a Queue (join)"};
};

/// First in, first out (Python: `asyncio.Queue`).
template <class T>
using Queue = BasicQueue<T, detail::Fifo<T>>;
/// Last in, first out (Python: `asyncio.LifoQueue`).
template <class T>
using LifoQueue = BasicQueue<T, detail::Lifo<T>>;
/// The least item first, by `Compare` (Python: `asyncio.PriorityQueue`; put pairs such as
/// `std::pair{priority, value}` to order by a priority).
template <class T, class Compare = std::less<T>>
using PriorityQueue = BasicQueue<T, detail::Least<T, Compare>>;

// [queue-get]
/// What `co_await q.get()` does.
template <class T, class Store>
class BasicQueue<T, Store>::Get : detail::Waiting {
public:
  /// Takes from `queue`.
  explicit Get(BasicQueue& queue) noexcept : queue_(queue) {}
  /// An item is there (or the queue is shut down): no wait.
  bool await_ready() const noexcept { return queue_.available() > 0 || queue_.shut_down_; }
  /// Nothing: wait in line.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(queue_.getters_, awaiting);
  }
  /// Cancelled: an item kept for it is kept for the next getter; then CancelledError. (A shut
  /// down queue says so first: QueueShutDown, the cancellation left for the next co_await.)
  bool give_back() noexcept {
    if (!granted()) return true;
    if (word() == detail::Waiter::refused) return false;
    --queue_.for_getters_;
    queue_.wake_getter();
    return true;
  }
  /// The item; or QueueShutDown, or CancelledError with no item taken.
  T await_resume() {
    if (woken()) {
      if (word() == detail::Waiter::refused) throw QueueShutDown();
      --queue_.for_getters_; // the item kept for this task
    } else if (queue_.available() == 0) {
      throw QueueShutDown();
    }
    return queue_.take();
  }

private:
  BasicQueue& queue_;
};
// [queue-get]

/// What `co_await q.put(item)` does.
template <class T, class Store>
class BasicQueue<T, Store>::Put : detail::Waiting {
public:
  /// Puts `item` in `queue`.
  Put(BasicQueue& queue, T item) : queue_(queue), item_(std::move(item)) {}
  /// Room (or shut down): no wait.
  bool await_ready() const noexcept { return queue_.room() > 0 || queue_.shut_down_; }
  /// Full: wait in line.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(queue_.putters_, awaiting);
  }
  /// Cancelled: a place kept for it is kept for the next putter; then CancelledError. (A shut
  /// down queue says so first: QueueShutDown, the cancellation left for the next co_await.)
  bool give_back() noexcept {
    if (!granted()) return true;
    if (word() == detail::Waiter::refused || queue_.shut_down_) return false;
    --queue_.for_putters_;
    queue_.wake_putter();
    return true;
  }
  /// Added; or QueueShutDown, or CancelledError with nothing added.
  void await_resume() {
    if (woken()) {
      if (word() == detail::Waiter::refused) throw QueueShutDown();
      --queue_.for_putters_; // the place kept for this task
    }
    if (queue_.shut_down_) throw QueueShutDown();
    queue_.push(std::move(item_));
  }

private:
  BasicQueue& queue_;
  T item_;
};

/// What `co_await q.join()` does.
template <class T, class Store>
class BasicQueue<T, Store>::Join : detail::Waiting {
public:
  /// Waits for `queue`'s items to be done.
  explicit Join(BasicQueue& queue) noexcept : queue_(queue) {}
  /// Nothing unfinished: no wait.
  bool await_ready() const noexcept { return queue_.unfinished_ == 0; }
  /// Wait with the other joiners.
  template <class P>
  void await_suspend(std::coroutine_handle<P> awaiting) {
    wait_in(queue_.joiners_, awaiting);
  }
  /// Returns, or throws CancelledError.
  void await_resume() const { woken(); }

private:
  BasicQueue& queue_;
};

template <class T, class Store>
void BasicQueue<T, Store>::task_done() {
  if (unfinished_ == 0)
    throw std::logic_error("task_done(): called more times than items were put (call it once per item taken)");
  if (--unfinished_ == 0) joiners_.grant_all();
}

template <class T, class Store>
void BasicQueue<T, Store>::shutdown(bool immediate) {
  shut_down_ = true;
  if (immediate) {
    for (std::size_t n = available(); n > 0; --n) {
      items_.pop();
      if (unfinished_ > 0) --unfinished_;
    }
    if (unfinished_ == 0) joiners_.grant_all();
  }
  putters_.grant_all(detail::Waiter::refused);
  if (available() == 0) getters_.grant_all(detail::Waiter::refused);
}

} // namespace aio
