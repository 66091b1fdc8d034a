// What chapter 11's tests share: aio::run on an EpollSelector (the pools, the pidfds and the
// subprocesses' streams need one).
#pragma once

#include "aio/clock.hpp"
#include "aio/epoll_selector.hpp"
#include "aio/run.hpp"
#include "aio/task.hpp"

#include <utility>

namespace test11 {

/// aio::run of `main` on an EpollSelector, on `clock`.
template <class T>
T run_io(aio::Task<T> main, aio::Clock& clock = aio::steady_clock()) {
  aio::EpollSelector selector;
  return aio::run(std::move(main), {.clock = &clock, .selector = &selector});
}

} // namespace test11
