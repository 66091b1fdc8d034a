// Chapter 04's demos: futures and tasks, after the seeds' examples.
#include "demos.hpp"

#include "aio/future.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Seconds since `start` on the running loop's clock, as "0.50 s".
std::string since(TimePoint start) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s",
                std::chrono::duration<double>(EventLoop::get_running_loop().time() - start).count());
  return text;
}

// [done]
Task<std::string> slow_operation() {
  co_await sleep(2s);
  co_return "Operation completed";
}

Task<> done_main() {
  Task<std::string> task = create_task(slow_operation());
  std::cout << "Task done: " << std::boolalpha << task.done() << '\n'; // false: it has not even started
  const std::string result = co_await task;
  std::cout << "Task done: " << task.done() << '\n'; // true
  std::cout << "Result: " << result << '\n';
}
// [done]

// [background]
Task<std::string> background_task(std::string name, Duration delay) {
  std::cout << name << " started\n";
  co_await sleep(delay);
  std::cout << name << " completed\n";
  co_return "Result from " + name;
}

Task<> background_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Task<std::string> task1 = create_task(background_task("Task 1", 2s));
  Task<std::string> task2 = create_task(background_task("Task 2", 1s));
  std::cout << "Main: doing other work\n"; // the tasks are queued, but main has the loop until it awaits
  co_await sleep(500ms);
  const std::string result1 = co_await task1;
  const std::string result2 = co_await task2; // finished a second ago: no wait
  std::cout << "Results: " << result1 << ", " << result2 << " (" << since(start) << ")\n";
}
// [background]

// [fetch-users]
struct User {
  int id;
  std::string name;
};

Task<User> fetch_user(int id) {
  co_await sleep(500ms); // the network, pretended
  co_return User{id, "User " + std::to_string(id)};
}

Task<> fetch_users_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  std::vector<Task<User>> tasks;
  for (int id = 1; id <= 5; ++id) tasks.push_back(create_task(fetch_user(id))); // all five start now
  std::vector<User> users;
  for (Task<User>& task : tasks) users.push_back(co_await task); // in order; they ran together
  std::cout << "Fetched " << users.size() << " users in " << since(start) << ": " << users.front().name << " ... "
            << users.back().name << '\n';
}
// [fetch-users]

// [never-retrieved]
Task<int> load_config() {
  co_await sleep(100ms);
  throw std::runtime_error("config.toml: no such file");
}

Task<> never_retrieved_main() {
  create_task(load_config()).detach(); // fire and forget: nobody will look at the outcome
  co_await sleep(200ms);
  std::cout << "main: done, without ever looking at load_config's result\n";
}
// [never-retrieved]

// [nested-run]
Task<int> answer() { co_return 42; }

Task<> nested_run_main(Clock& clock) {
  try {
    std::cout << "inside a coroutine, calling aio::run(answer())...\n";
    std::cout << run(answer(), clock) << '\n';
  } catch (const std::logic_error& e) {
    std::cout << "aio::run threw: " << e.what() << '\n';
  }
  std::cout << "co_await answer() gives " << co_await answer() << '\n';
}
// [nested-run]

} // namespace

void done(Clock& clock) { run(done_main(), clock); }
void background(Clock& clock) { run(background_main(), clock); }
void fetch_users(Clock& clock) { run(fetch_users_main(), clock); }
void never_retrieved(Clock& clock) { run(never_retrieved_main(), clock); }
void nested_run(Clock& clock) { run(nested_run_main(clock), clock); }

} // namespace aio::demos
