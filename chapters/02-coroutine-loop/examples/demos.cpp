// Chapter 02's demos: the seeds' quick start, the 3 s vs 1 s comparison, and the two pitfalls.
#include "demos.hpp"

#include "coro/event_loop.hpp"
#include "coro/sleep.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace coro::demos {
namespace {

void print_total(Duration took) {
  std::cout << "Total: " << std::fixed;
  std::cout.precision(2);
  std::cout << std::chrono::duration<double>(took).count() << " s\n";
  std::cout << std::defaultfloat;
}

const std::vector<std::string> urls{"api/users", "api/posts", "api/comments"};

} // namespace

// [fetch-data]
Task<std::string> fetch_data(std::string url, Duration delay) {
  std::cout << "Fetching " << url << "...\n";
  co_await coro::sleep(delay); // suspends: the loop runs others until the timer fires
  co_return "Data from " + url;
}
// [fetch-data]

Task<User> get_user(int id) {
  co_await coro::sleep(100ms);
  co_return User{id, "User" + std::to_string(id)};
}

// [hello]
Task<> say_hello() {
  std::cout << "Hello\n";
  co_await coro::sleep(1s);
  std::cout << "World\n";
}

void hello(Clock& clock) { coro::run(say_hello(), clock); }
// [hello]

// [sequential]
Task<> fetch_one_by_one() {
  const TimePoint start = EventLoop::current().now();
  std::vector<std::string> results;
  for (const auto& url : urls) {
    results.push_back(co_await fetch_data(url, 1s)); // waits for each before starting the next
  }
  print_total(EventLoop::current().now() - start);
}
// [sequential]

// [concurrent]
Task<> fetch_and_keep(std::string url, std::vector<std::string>& results) {
  results.push_back(co_await fetch_data(std::move(url), 1s));
}

void fetch_all_at_once(Clock& clock) {
  EventLoop loop(clock);
  std::vector<std::string> results;
  const TimePoint start = loop.now();
  for (const auto& url : urls) loop.spawn(fetch_and_keep(url, results)); // three tasks, one loop
  loop.run_forever();                                                    // all three sleep at the same time
  print_total(loop.now() - start);
}
// [concurrent]

void sync_vs_async(Clock& clock) {
  std::cout << "-- one after another --\n";
  coro::run(fetch_one_by_one(), clock);
  std::cout << "-- all at once --\n";
  fetch_all_at_once(clock);
}

// [forgot-await]
Task<> use_users() {
  User user = co_await get_user(1); // right
  std::cout << "user " << user.id << ": " << user.name << '\n';

  auto user_wrong = get_user(2); // BUG: no co_await. A Task<User>, not a User; nothing ran.
  std::cout << "user_wrong holds a coro::Task<User>: get_user(2) has not run\n";

  std::vector<Task<User>> users; // BUG: a list of tasks, none of them awaited
  for (int i = 0; i < 3; ++i) users.push_back(get_user(i));
  std::cout << "users holds " << users.size() << " tasks and no user\n";
} // user_wrong and users die here, never awaited: four reports
// [forgot-await]

void forgot_await() { coro::run(use_users()); }

// [blocking]
Task<std::string> fetch_data_blocking(std::string url, Duration delay) {
  std::cout << "Fetching " << url << "...\n";
  std::this_thread::sleep_for(delay); // BUG: blocks the loop; nothing else runs
  co_return "Data from " + url;
}

Task<> fetch_and_keep_blocking(std::string url, std::vector<std::string>& results) {
  results.push_back(co_await fetch_data_blocking(std::move(url), 1s));
}
// [blocking]

void blocking_sleep() {
  EventLoop loop;
  std::vector<std::string> results;
  const TimePoint start = loop.now();
  for (const auto& url : urls) loop.spawn(fetch_and_keep_blocking(url, results));
  loop.run_forever();
  print_total(loop.now() - start);
}

} // namespace coro::demos
