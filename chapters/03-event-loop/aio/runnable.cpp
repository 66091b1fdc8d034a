// The timer heap: a four-ary heap whose nodes know their place, so any of them can be removed.
#include "aio/runnable.hpp"

#include <utility>

namespace aio {

void TimerHeap::push(TimerNode& timer, TimePoint when) {
  entries_.push_back({when, next_seq_++, &timer});
  timer.index_ = entries_.size() - 1;
  sift_up(timer.index_);
}

TimerNode& TimerHeap::pop() noexcept {
  TimerNode& first = *entries_.front().node;
  remove(first);
  return first;
}

bool TimerHeap::remove(TimerNode& timer) noexcept {
  if (!timer.scheduled()) return false;
  const std::size_t index = timer.index_;
  const Entry last = entries_.back();
  entries_.pop_back();
  timer.index_ = TimerNode::not_scheduled;
  if (last.node != &timer) { // the last entry takes its place, then moves up or down
    place(last, index);
    sift_up(index);
    sift_down(last.node->index_);
  }
  return true;
}

void TimerHeap::place(const Entry& entry, std::size_t index) noexcept {
  entries_[index] = entry;
  entry.node->index_ = index;
}

void TimerHeap::sift_up(std::size_t index) noexcept {
  const Entry entry = entries_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!(entry < entries_[parent])) break;
    place(entries_[parent], index);
    index = parent;
  }
  place(entry, index);
}

void TimerHeap::sift_down(std::size_t index) noexcept {
  const Entry entry = entries_[index];
  const std::size_t n = entries_.size();
  while (true) {
    const std::size_t first = arity * index + 1;
    if (first >= n) break;
    std::size_t least = first; // the earliest of up to four children
    for (std::size_t child = first + 1; child < first + arity && child < n; ++child)
      if (entries_[child] < entries_[least]) least = child;
    if (!(entries_[least] < entry)) break;
    place(entries_[least], index);
    index = least;
  }
  place(entry, index);
}

} // namespace aio
