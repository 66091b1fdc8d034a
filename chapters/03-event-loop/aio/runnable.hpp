// What the runtime's loop runs: Runnable, a node of its ready queue; TimerNode, a node of its
// timer heap; Tracked, a node of the list of long-lived work a loop keeps (chapter 04's tasks).
// All are intrusive: the loop links the object itself instead of copying it into a container,
// so scheduling allocates nothing. Chapter 04 embeds them in coroutine frames; here, call_soon
// and call_later wrap a callback in one.
#pragma once

#include "aio/clock.hpp"
#include "aio/origin.hpp"
#include "aio/step_timer.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aio {

/// A unit of work on the loop's ready queue (Python: the callback of an `asyncio.Handle`).
class Runnable {
public:
  /// Does the work. Called once per scheduling, on the loop's thread.
  virtual void run() = 0;
  /// What it is and where it comes from, for reports.
  virtual Origin origin() const noexcept = 0;
  /// It will never run: its loop closed first, or what it waited on went away. `why` is the
  /// reason a report should give, or null if none is wanted (the loop's owner has said it all).
  virtual void discard(const char* why) noexcept { (void)why; }
  /// What reports call it ("coroutine" for chapter 04's tasks); null: the loop's default, a
  /// "callback from" the function that scheduled it.
  virtual const StepTimer::Kind* kind() const noexcept { return nullptr; }

protected:
  ~Runnable() = default; // never deleted through a Runnable: its owner deletes its own type

private:
  friend class ReadyQueue;
  Runnable* next_ = nullptr;
};

/// A Runnable that waits in the timer heap until its time comes.
class TimerNode : public Runnable {
public:
  /// True while it is in a loop's timer heap.
  bool scheduled() const noexcept { return index_ != not_scheduled; }

protected:
  TimerNode() = default;
  TimerNode(const TimerNode&) = delete;
  TimerNode& operator=(const TimerNode&) = delete;
  ~TimerNode() = default;

private:
  friend class TimerHeap;
  static constexpr std::size_t not_scheduled = static_cast<std::size_t>(-1);
  std::size_t index_ = not_scheduled; // its place in the heap: cancelling is O(log n)
};

// [ready-queue]
/// A FIFO of Runnables linked through themselves.
class ReadyQueue {
public:
  /// Appends `r`; it must not be queued already.
  void push(Runnable& r) noexcept {
    r.next_ = nullptr;
    if (tail_ != nullptr) {
      tail_->next_ = &r;
    } else {
      head_ = &r;
    }
    tail_ = &r;
  }
  /// Removes and returns the first one; the queue must not be empty.
  Runnable& pop() noexcept {
    Runnable& r = *head_;
    head_ = r.next_;
    if (head_ == nullptr) tail_ = nullptr;
    return r;
  }
  /// True if nothing is queued.
  bool empty() const noexcept { return head_ == nullptr; }
  /// Puts all of `front` before what is queued now (leaving `front` empty).
  void prepend(ReadyQueue& front) noexcept {
    if (front.empty()) return;
    front.tail_->next_ = head_;
    if (head_ == nullptr) tail_ = front.tail_;
    head_ = front.head_;
    front.head_ = front.tail_ = nullptr;
  }
  /// Puts all of `back` after what is queued now (leaving `back` empty).
  void append(ReadyQueue& back) noexcept {
    if (back.empty()) return;
    (tail_ != nullptr ? tail_->next_ : head_) = back.head_;
    tail_ = back.tail_;
    back.head_ = back.tail_ = nullptr;
  }
  /// Moves everything out into a new queue (a pass of the loop runs exactly those).
  ReadyQueue take() noexcept {
    ReadyQueue batch;
    batch.head_ = head_;
    batch.tail_ = tail_;
    head_ = tail_ = nullptr;
    return batch;
  }

private:
  Runnable* head_ = nullptr;
  Runnable* tail_ = nullptr;
};
// [ready-queue]

/// A TimerNode its loop keeps a list of while it is pending, queued or not (chapter 04: the
/// tasks, which all_tasks() lists and aio::run cancels at the end).
class Tracked : public TimerNode {
protected:
  Tracked() = default;
  ~Tracked() = default;

private:
  friend class TrackedList;
  Tracked* prev_ = nullptr; // both null: not in a list
  Tracked* next_ = nullptr;
};

/// The list of a loop's Tracked nodes, newest first; unlinking is O(1). A node forgets the list
/// when the list goes first (a task whose Task object outlives its loop).
class TrackedList {
public:
  TrackedList() noexcept { head_.prev_ = head_.next_ = &head_; }
  TrackedList(const TrackedList&) = delete;
  TrackedList& operator=(const TrackedList&) = delete;
  ~TrackedList() {
    while (first() != nullptr) erase(*first());
  }
  /// Adds `node` at the front; it must not be in a list.
  void push_front(Tracked& node) noexcept {
    node.prev_ = &head_;
    node.next_ = head_.next_;
    head_.next_->prev_ = &node;
    head_.next_ = &node;
  }
  /// Takes `node` out, if it is in a list.
  static void erase(Tracked& node) noexcept {
    if (node.next_ == nullptr) return;
    node.prev_->next_ = node.next_;
    node.next_->prev_ = node.prev_;
    node.prev_ = node.next_ = nullptr;
  }
  /// The newest node, or null.
  Tracked* first() const noexcept { return after(head_); }
  /// The one after `node` (older), or null.
  Tracked* next(const Tracked& node) const noexcept { return after(node); }
  /// Numbers the nodes added (a task's name, "Task-<n>"): 1 for the first.
  std::uint64_t number_next() noexcept { return ++numbered_; }

private:
  Tracked* after(const Tracked& node) const noexcept { return node.next_ == &head_ ? nullptr : node.next_; }
  struct Head final : Tracked { // the list's own node: never run, only linked
    void run() override {}
    Origin origin() const noexcept override { return {}; }
  } head_;
  std::uint64_t numbered_ = 0;
};

/// A min-heap of TimerNodes by (deadline, order set), each node knowing its index.
///
/// Four children per node, and each entry carries its own deadline: a heap of a million timers
/// is 10 levels deep instead of 20, and finding the earliest child reads one or two cache lines
/// of the heap instead of four timers scattered in memory (ch04_bench: 1M sleeping tasks).
class TimerHeap {
public:
  /// Adds `timer` due at `when`. It must not be scheduled already.
  void push(TimerNode& timer, TimePoint when);
  /// Removes `timer` if it is scheduled; returns whether it was.
  bool remove(TimerNode& timer) noexcept;
  /// When the earliest timer is due; the heap must not be empty.
  TimePoint next_deadline() const noexcept { return entries_.front().when; }
  /// Removes and returns the earliest timer; the heap must not be empty.
  TimerNode& pop() noexcept;
  /// True if no timer is scheduled.
  bool empty() const noexcept { return entries_.empty(); }
  /// How many timers are scheduled.
  std::size_t size() const noexcept { return entries_.size(); }

private:
  struct Entry {
    TimePoint when;
    std::uint64_t seq; // equal deadlines run in the order they were set
    TimerNode* node;
    bool operator<(const Entry& other) const noexcept {
      return when != other.when ? when < other.when : seq < other.seq;
    }
  };
  static constexpr std::size_t arity = 4;
  void place(const Entry& entry, std::size_t index) noexcept;
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;

  std::vector<Entry> entries_;
  std::uint64_t next_seq_ = 0;
};

} // namespace aio
