// Chapter 02's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "coro/clock.hpp"
#include "coro/task.hpp"

#include <string>

namespace coro::demos {

/// A user record, as the pitfall demos fetch it.
struct User {
  int id;           ///< The user's id.
  std::string name; ///< "User<id>".
};

/// Prints "Fetching <url>...", waits `delay` without blocking, returns "Data from <url>".
Task<std::string> fetch_data(std::string url, Duration delay);
/// Fetches a user after 100 ms.
Task<User> get_user(int id);

/// Quick start: Hello, one second, World.
void hello(Clock& clock);
/// Three one-second fetches, one after another (3.00 s), then all at once (1.00 s).
void sync_vs_async(Clock& clock);
/// The forgotten co_await: a task kept but never awaited, and a list of them.
void forgot_await();
/// The blocking sleep: three "concurrent" fetches that block the loop take 3 s, not 1 s.
void blocking_sleep();

} // namespace coro::demos
