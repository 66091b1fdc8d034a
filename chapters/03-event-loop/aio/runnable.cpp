// The timer heap: a binary heap whose nodes know their place, so any of them can be removed.
#include "aio/runnable.hpp"

#include <utility>

namespace aio {

void TimerHeap::push(TimerNode& timer, TimePoint when) {
  timer.when_ = when;
  timer.seq_ = next_seq_++;
  nodes_.push_back(&timer);
  timer.index_ = nodes_.size() - 1;
  sift_up(timer.index_);
}

TimerNode& TimerHeap::pop() noexcept {
  TimerNode& first = *nodes_.front();
  remove(first);
  return first;
}

bool TimerHeap::remove(TimerNode& timer) noexcept {
  if (!timer.scheduled()) return false;
  const std::size_t index = timer.index_;
  TimerNode* last = nodes_.back();
  nodes_.pop_back();
  timer.index_ = TimerNode::not_scheduled;
  if (last != &timer) { // the last node takes its place, then moves up or down
    place(*last, index);
    sift_up(index);
    sift_down(last->index_);
  }
  return true;
}

void TimerHeap::place(TimerNode& node, std::size_t index) noexcept {
  nodes_[index] = &node;
  node.index_ = index;
}

void TimerHeap::sift_up(std::size_t index) noexcept {
  TimerNode* node = nodes_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (!before(*node, *nodes_[parent])) break;
    place(*nodes_[parent], index);
    index = parent;
  }
  place(*node, index);
}

void TimerHeap::sift_down(std::size_t index) noexcept {
  TimerNode* node = nodes_[index];
  const std::size_t n = nodes_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && before(*nodes_[child + 1], *nodes_[child])) ++child;
    if (!before(*nodes_[child], *node)) break;
    place(*nodes_[child], index);
    index = child;
  }
  place(*node, index);
}

} // namespace aio
