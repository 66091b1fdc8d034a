// Exercise 8.1: TokenBucket, a rate limiter: a burst, then one call per interval.
#pragma once

#include "aio/clock.hpp"
#include "aio/lock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <cstddef>

/// Lets calls through at a steady rate: it holds up to `capacity` tokens, starts full, and gains
/// one every `interval` (never more than `capacity`). acquire() takes a token, waiting for the
/// next one if there is none. Callers are served in the order they came; one cancelled while
/// waiting takes no token and delays nobody behind it.
class TokenBucket {
public:
  /// A full bucket of `capacity` tokens, refilled one per `interval`.
  TokenBucket(std::size_t capacity, aio::Duration interval) : capacity_(capacity), interval_(interval) {}

  /// Takes one token, waiting until there is one.
  aio::Task<> acquire() {
    (void)capacity_;
    (void)interval_;
    AIO_TODO("8.1");
    co_return;
  }

private:
  std::size_t capacity_;
  aio::Duration interval_;
};
