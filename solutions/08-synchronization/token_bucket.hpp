// Exercise 8.1, a reference answer: TokenBucket.
#pragma once

#include "aio/clock.hpp"
#include "aio/event_loop.hpp"
#include "aio/lock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <cstddef>
#include <optional>

/// Lets calls through at a steady rate: up to `capacity` tokens, one more every `interval`.
class TokenBucket {
public:
  /// A full bucket of `capacity` tokens, refilled one per `interval`.
  TokenBucket(std::size_t capacity, aio::Duration interval)
      : capacity_(capacity), interval_(interval), tokens_(capacity) {}

  /// Takes one token, waiting until there is one.
  aio::Task<> acquire() {
    // One caller at a time, in the order they came (the Lock is fair); a caller cancelled while
    // it waits for the lock, or while it sleeps, leaves without a token.
    auto turn = co_await lock_.scoped();
    refill();
    if (tokens_ == 0) {
      co_await aio::sleep(*last_ + interval_ - aio::EventLoop::get_running_loop().time());
      refill();
    }
    --tokens_;
  }

private:
  // Adds the tokens earned since the last refill, keeping the time of the partial one.
  void refill() {
    const aio::TimePoint now = aio::EventLoop::get_running_loop().time();
    if (!last_) last_ = now;
    const auto earned = static_cast<std::size_t>((now - *last_) / interval_);
    tokens_ += earned;
    *last_ += earned * interval_;
    if (tokens_ >= capacity_) { // full: saving stops, the next token is one interval after now
      tokens_ = capacity_;
      last_ = now;
    }
  }

  std::size_t capacity_;
  aio::Duration interval_;
  std::size_t tokens_;
  std::optional<aio::TimePoint> last_; // when the last token was earned
  aio::Lock lock_;
};
