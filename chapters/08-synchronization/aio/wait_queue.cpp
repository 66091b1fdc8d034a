// The waiters' queue: linking, leaving, and granting in order.
#include "aio/wait_queue.hpp"

namespace aio::detail {

Waiter::~Waiter() {
  if (queue_ != nullptr) queue_->remove(*this);
}

WaitQueue::~WaitQueue() {
  for (Waiter* w = head_; w != nullptr; w = w->next_) w->queue_ = nullptr;
}

void WaitQueue::push_back(Waiter& waiter) noexcept {
  waiter.queue_ = this;
  waiter.prev_ = tail_;
  waiter.next_ = nullptr;
  if (tail_ != nullptr) {
    tail_->next_ = &waiter;
  } else {
    head_ = &waiter;
  }
  tail_ = &waiter;
  ++size_;
}

void WaitQueue::remove(Waiter& waiter) noexcept {
  if (waiter.queue_ != this) return;
  (waiter.prev_ != nullptr ? waiter.prev_->next_ : head_) = waiter.next_;
  (waiter.next_ != nullptr ? waiter.next_->prev_ : tail_) = waiter.prev_;
  waiter.prev_ = waiter.next_ = nullptr;
  waiter.queue_ = nullptr;
  --size_;
}

// [grant]
bool WaitQueue::grant_first(std::size_t word) noexcept {
  while (head_ != nullptr) {
    Waiter& first = *head_;
    remove(first);
    if (first.done()) continue; // cancelled: its task will throw CancelledError, not take anything
    first.word_ = word;
    first.finish(FutureState::finished); // its task goes to the loop's ready queue
    return true;
  }
  return false;
}
// [grant]

std::size_t WaitQueue::grant_all(std::size_t word) noexcept {
  std::size_t granted = 0;
  while (grant_first(word)) ++granted;
  return granted;
}

std::size_t WaitQueue::waiting() noexcept {
  for (Waiter* w = head_; w != nullptr;) {
    Waiter* const next = w->next_;
    if (w->done()) remove(*w);
    w = next;
  }
  return size_;
}

} // namespace aio::detail
