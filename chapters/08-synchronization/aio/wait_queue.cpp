// The waiters' queue: linking, leaving, and granting in order; a waiter's side of parking.
#include "aio/wait_queue.hpp"

namespace aio::detail {

Waiter::~Waiter() {
  if (queue_ != nullptr) queue_->remove(*this);
}

// [waiter-parking]
Parking::Cancelled Waiter::cancel(PromiseBase& task) noexcept {
  if (queue_ != nullptr) { // still waiting: leave the line, and run to take the CancelledError
    queue_->remove(*this);
    task.wake();
  } // else granted already, and queued to run: its awaiter gives the grant back (give_back)
  return Cancelled::woken;
}

void Waiter::abandon(PromiseBase&) noexcept {
  if (queue_ != nullptr) queue_->remove(*this);
}

std::string Waiter::describe() const { return std::string("waits on ") + what_; }
// [waiter-parking]

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
  if (head_ == nullptr) return false;
  Waiter& first = *head_; // every waiter linked here still waits: a cancelled one has left
  remove(first);
  first.word_ = word;
  first.granted_ = true;
  first.task_->wake(); // its task goes to the loop's ready queue
  return true;
}
// [grant]

std::size_t WaitQueue::grant_all(std::size_t word) noexcept {
  std::size_t granted = 0;
  while (grant_first(word)) ++granted;
  return granted;
}

} // namespace aio::detail
