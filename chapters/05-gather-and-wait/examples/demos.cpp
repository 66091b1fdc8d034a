// Chapter 05's demos: gather, gather_settled, wait and as_completed, after the seeds' examples.
#include "demos.hpp"

#include "aio/diagnostics.hpp"
#include "aio/gather.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/wait.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Time since `start` on the running loop, as "0.50 s".
std::string since(TimePoint start) { return seconds_text(EventLoop::get_running_loop().time() - start); }

// [fetch-all-users]
struct User {
  int id;
  std::string name;
};

Task<User> fetch_user(int id) {
  co_await sleep(500ms); // the network, pretended
  co_return User{id, "User " + std::to_string(id)};
}

Task<std::vector<User>> fetch_all_users(std::vector<int> ids) { // by value: a coroutine keeps its arguments
  std::vector<Task<User>> tasks;
  for (int id : ids) tasks.push_back(fetch_user(id)); // coroutines: gather makes them tasks
  co_return co_await gather(std::move(tasks));
}

Task<> fetch_all_users_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  const std::vector<int> ids{1, 2, 3, 4, 5};
  const std::vector<User> users = co_await fetch_all_users(ids);
  std::cout << "Fetched " << users.size() << " users in " << since(start) << ":";
  for (const User& user : users) std::cout << ' ' << user.name; // in the order asked
  std::cout << '\n';
}
// [fetch-all-users]

// [process-items]
struct Item {
  int id;
  std::string status;
};

Task<Item> risky_operation(int id) {
  co_await sleep(100ms);
  if (id % 3 == 0) throw std::invalid_argument("Item " + std::to_string(id) + " failed");
  co_return Item{id, "success"};
}

// The seed's wrapper: it catches the error, prints it, and returns "nothing".
Task<std::optional<Item>> safe_operation(int id) {
  try {
    co_return co_await risky_operation(id);
  } catch (const std::invalid_argument& e) {
    std::cout << "Error: " << e.what() << '\n';
  }
  co_return std::nullopt;
}

Task<> process_items_main() {
  std::vector<Task<std::optional<Item>>> wrapped;
  for (int id = 1; id <= 6; ++id) wrapped.push_back(safe_operation(id));
  std::vector<Outcome<std::optional<Item>>> results = co_await gather_settled(std::move(wrapped));
  const auto successful = std::count_if(results.begin(), results.end(), [](auto& r) { return r.ok() && r.value(); });
  const auto failed = std::count_if(results.begin(), results.end(), [](auto& r) { return !r.ok(); });
  std::cout << "Success: " << successful << ", Failed: " << failed << '\n'; // Failed: 0, the wrapper ate them

  std::vector<Task<Item>> bare;
  for (int id = 1; id <= 6; ++id) bare.push_back(risky_operation(id));
  std::vector<Outcome<Item>> outcomes = co_await gather_settled(std::move(bare));
  int ok = 0;
  std::vector<std::string> errors;
  for (Outcome<Item>& outcome : outcomes) {
    if (outcome.ok()) {
      ++ok;
    } else {
      errors.push_back(message_of(outcome.error()));
    }
  }
  std::cout << "Without the wrapper: Success: " << ok << ", Failed: " << errors.size() << '\n';
  for (const std::string& error : errors) std::cout << "  error: " << error << '\n';
}
// [process-items]

// [batches]
Task<std::string> process_item(std::string item) {
  co_await sleep(100ms);
  co_return "Processed: " + item;
}

Task<> batch_process(const std::vector<std::string>& items, std::size_t batch_size) {
  const TimePoint start = EventLoop::get_running_loop().time();
  for (std::size_t first = 0; first < items.size(); first += batch_size) {
    std::vector<Task<std::string>> batch;
    for (std::size_t i = first; i < std::min(first + batch_size, items.size()); ++i)
      batch.push_back(process_item(items[i]));
    const std::vector<std::string> done = co_await gather(std::move(batch)); // the whole batch, then the next
    std::cout << "Processed batch " << first / batch_size + 1 << " at " << since(start) << ": " << done.size()
              << " items, " << done.front() << " .. " << done.back() << '\n';
  }
}

Task<> batches_main() {
  std::vector<std::string> items;
  for (int i = 1; i <= 25; ++i) items.push_back("item-" + std::to_string(i));
  co_await batch_process(items, 10);
}
// [batches]

// [gather-surprise]
Task<int> slow_but_fine(TimePoint start) {
  co_await sleep(1s);
  std::cout << "slow_but_fine: finished at " << since(start) << "; nobody will ever read its 42\n";
  co_return 42;
}

Task<int> fails_fast() {
  co_await sleep(100ms);
  throw std::runtime_error("fails_fast: connection refused");
}

Task<> gather_surprise_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  try {
    const auto [a, b] = co_await gather(slow_but_fine(start), fails_fast());
    std::cout << a + b << '\n'; // never reached
  } catch (const std::runtime_error& e) {
    std::cout << "gather threw at " << since(start) << ": " << e.what() << '\n';
  }
  std::cout << "main: slow_but_fine is still running; main sleeps 1.5 s\n";
  co_await sleep(1500ms);
}
// [gather-surprise]

// [wait-loop]
Task<std::string> job(std::string name, Duration takes, bool fails = false) {
  co_await sleep(takes);
  if (fails) throw std::runtime_error(name + " broke");
  co_return name + " done";
}

Task<> wait_loop_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  std::vector<Task<std::string>> pending;
  pending.push_back(job("a", 300ms));
  pending.push_back(job("b", 100ms));
  pending.push_back(job("c", 200ms, true));
  while (!pending.empty()) {
    auto [done, rest] = co_await wait(std::move(pending), FIRST_COMPLETED);
    for (Task<std::string>& task : done) {
      if (std::exception_ptr error = task.exception()) { // read every failure: wait() does not
        std::cout << since(start) << ": failed: " << message_of(error) << '\n';
      } else {
        std::cout << since(start) << ": " << task.result() << '\n';
      }
    }
    pending = std::move(rest);
  }
}
// [wait-loop]

// [as-completed]
Task<std::string> download(std::string file, Duration takes) {
  co_await sleep(takes);
  co_return file;
}

Task<> as_completed_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  std::vector<Task<std::string>> downloads;
  downloads.push_back(download("big.iso", 3s));
  downloads.push_back(download("small.txt", 1s));
  downloads.push_back(download("medium.zip", 2s));
  AsCompleted<std::string> arriving(std::move(downloads));
  while (!arriving.empty()) {
    const std::string file = co_await arriving.next();
    std::cout << since(start) << ": " << file << '\n';
  }
}
// [as-completed]

} // namespace

void fetch_all_users(Clock& clock) { run(fetch_all_users_main(), clock); }
void process_items(Clock& clock) { run(process_items_main(), clock); }
void batches(Clock& clock) { run(batches_main(), clock); }
void gather_surprise(Clock& clock) { run(gather_surprise_main(), clock); }
void wait_loop(Clock& clock) { run(wait_loop_main(), clock); }
void as_completed(Clock& clock) { run(as_completed_main(), clock); }

} // namespace aio::demos
