// For tests: how a piece of work ended, as one word to compare, so that a test of cancellation
// and timeouts reads `CHECK(how == "timeout")`.
#pragma once

#include "aio/future.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"

#include <exception>
#include <string>
#include <utility>

namespace aio::testing {

/// Awaits `work` and says how it ended: "value", "timeout", "cancelled", or the text of the
/// exception it threw. Awaited inside the caller's task: a cancellation of the caller's own that
/// comes out of `work` is caught here too, so call it on a task (or a body) that is its own.
template <class T>
Task<std::string> outcome_of(Task<T> work) {
  try {
    co_await std::move(work);
    co_return "value";
  } catch (const TimeoutError&) {
    co_return "timeout";
  } catch (const CancelledError&) {
    co_return "cancelled";
  } catch (const std::exception& e) {
    co_return e.what();
  }
}

} // namespace aio::testing
