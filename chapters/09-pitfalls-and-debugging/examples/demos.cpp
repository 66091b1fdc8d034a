// Chapter 09's demos: every pitfall of the seeds, made on purpose, and what reports it.
#include "demos.hpp"

#include "aio/debug.hpp"
#include "aio/gather.hpp"
#include "aio/lock.hpp"
#include "aio/loop_stats.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Time since the loop's clock was at `start`, as "2.00 s".
std::string since(TimePoint start) { return seconds_text(EventLoop::get_running_loop().time() - start); }
TimePoint now() { return EventLoop::get_running_loop().time(); }

struct User {
  int id;
  std::string name;
};

// [fetch-user]
Task<User> fetch_user(int id) {
  co_await sleep(100ms); // a database query
  co_return User{id, "User" + std::to_string(id)};
}
// [fetch-user]

// [never-awaited]
Task<> never_awaited_main() {
  User user = co_await fetch_user(1); // right: the User
  std::cout << "co_await fetch_user(1) gave " << user.name << '\n';

  auto wrong = fetch_user(2); // wrong: a Task<User>, which never runs
  std::cout << "fetch_user(2) without co_await gave a task that is " << (wrong.done() ? "done" : "not even started")
            << '\n';
} // `wrong` is destroyed here, never started: the runtime reports it
// [never-awaited]

// [tasks-in-a-list]
Task<> tasks_in_a_list_main() {
  const TimePoint start = now();
  std::vector<Task<User>> users;
  for (int id = 0; id < 3; ++id) users.push_back(fetch_user(id)); // three tasks, none started
  std::cout << "made " << users.size() << " tasks; none has run, so there is no user yet\n";
  users.clear(); // each one is reported as never awaited

  std::vector<Task<User>> again;
  for (int id = 0; id < 3; ++id) again.push_back(fetch_user(id));
  std::vector<User> fetched = co_await gather(std::move(again)); // the fix: await them all, together
  for (const User& user : fetched) std::cout << user.name << ' ';
  std::cout << "in " << since(start) << '\n';
}
// [tasks-in-a-list]

// [blocking-sleep]
Task<std::string> fetch_data(int n, bool blocking) {
  if (blocking) {
    std::this_thread::sleep_for(200ms); // the seed's time.sleep: the whole loop stops
  } else {
    co_await sleep(200ms); // the loop runs the others meanwhile
  }
  co_return "Result-" + std::to_string(n);
}

Task<> three_fetches(bool blocking) {
  const auto start = std::chrono::steady_clock::now();
  auto [a, b, c] = co_await gather(fetch_data(1, blocking), fetch_data(2, blocking), fetch_data(3, blocking));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << (blocking ? "std::this_thread::sleep_for: " : "co_await aio::sleep:         ") << a << ' ' << b << ' '
            << c << " in about " << (took.count() + 50) / 100 * 100 << " ms\n";
}
// [blocking-sleep]

// [blocking-cpu]
// Work that keeps the CPU busy for `span` (a stand-in for parsing, hashing, resizing images).
std::uint64_t crunch_for(std::chrono::steady_clock::duration span) {
  std::uint64_t h = 1469598103934665603ULL;
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end)
    for (int i = 0; i < 1000; ++i) h = (h ^ static_cast<std::uint64_t>(i)) * 1099511628211ULL;
  return h;
}

Task<std::uint64_t> checksum(bool in_slices) {
  std::uint64_t h = 0;
  if (!in_slices) {
    h = crunch_for(150ms); // one step of 150 ms: nothing else runs meanwhile
  } else {
    for (int slice = 0; slice < 15; ++slice) {
      h ^= crunch_for(10ms);
      co_await sleep(0s); // give the loop back between slices
    }
  }
  co_return h;
}

Task<> heartbeat(int& beats) {
  for (;;) {
    co_await sleep(5ms);
    ++beats;
  }
}

Task<> checksum_main(bool in_slices) {
  int beats = 0;
  Task<> beat = create_task(heartbeat(beats));
  co_await sleep(0s); // the heartbeat starts
  co_await checksum(in_slices);
  beat.cancel();
  co_await gather_settled(std::move(beat));
  std::cout << (in_slices ? "in 15 slices of 10 ms: " : "in one step of 150 ms: ") << "the heartbeat ran "
            << (beats > 1 ? "meanwhile" : "only once it was over") << '\n';
}
// [blocking-cpu]

// [swallowed]
Task<> stubborn_worker(TimePoint start) {
  try {
    for (;;) {
      co_await sleep(1s);
      std::cout << "working at " << since(start) << '\n';
    }
  } catch (const CancelledError&) {
    std::cout << "cancelled at " << since(start) << ", cleaning up\n";
    // forgot `throw;`: the task now ends as if it had finished its work
  }
}

Task<> polite_worker(TimePoint start) {
  try {
    for (;;) {
      co_await sleep(1s);
      std::cout << "working at " << since(start) << '\n';
    }
  } catch (const CancelledError&) {
    std::cout << "cancelled at " << since(start) << ", cleaning up\n";
    throw; // the cancellation goes on: whoever cancelled it sees that it stopped
  }
}

Task<> swallowed_main() {
  const TimePoint start = now();
  Task<> stubborn = create_task(stubborn_worker(start));
  co_await sleep(2500ms);
  stubborn.cancel();
  co_await stubborn; // no CancelledError: it pretends it finished
  std::cout << "stubborn worker: cancelled() is " << std::boolalpha << stubborn.cancelled() << '\n';

  Task<> polite = create_task(polite_worker(now()));
  co_await sleep(1500ms);
  polite.cancel();
  auto settled = co_await gather_settled(std::move(polite));
  std::cout << "polite worker: " << message_of(std::get<0>(settled).error()) << '\n';
}
// [swallowed]

// [run-inside]
Task<int> count_users() {
  std::vector<Task<User>> users;
  for (int id = 0; id < 3; ++id) users.push_back(fetch_user(id));
  std::vector<User> found = co_await gather(std::move(users));
  co_return static_cast<int>(found.size());
}

int count_users_sync(Clock& clock) { return run(count_users(), clock); } // a normal function that needs async code

Task<> run_inside_main(Clock& clock) {
  try {
    std::cout << count_users_sync(clock) << " users\n"; // aio::run inside a running loop
  } catch (const std::logic_error& e) {
    std::cout << "refused: " << e.what() << '\n';
  }
  co_return;
}
// [run-inside]

// [run-in-a-loop]
Task<> job(int n) {
  co_await sleep(100ms);
  std::cout << "job " << n << " done\n";
}

Task<> all_jobs() {
  std::vector<Task<>> jobs;
  for (int n = 0; n < 5; ++n) jobs.push_back(job(n));
  co_await gather(std::move(jobs));
}
// [run-in-a-loop]

// [settled]
Task<int> save(int n) {
  co_await sleep(100ms);
  if (n == 2) throw std::runtime_error("disk full while saving record 2");
  co_return n;
}

Task<> settled_main() {
  std::vector<Task<int>> saves;
  for (int n = 0; n < 4; ++n) saves.push_back(save(n));
  std::vector<Outcome<int>> outcomes = co_await gather_settled(std::move(saves));
  std::cout << "wrong: " << outcomes.size() << " results, so all saved?\n";

  int saved = 0;
  for (Outcome<int>& outcome : outcomes) { // right: look at each one
    if (outcome.ok()) {
      ++saved;
    } else {
      std::cout << "error: " << message_of(outcome.error()) << '\n';
    }
  }
  std::cout << "right: " << saved << " of " << outcomes.size() << " saved\n";
}
// [settled]

// [never-retrieved]
Task<> send_email(std::string to) {
  co_await sleep(100ms);
  throw std::runtime_error("SMTP server refused " + to);
}

Task<> never_retrieved_main() {
  create_task(send_email("ada@example.com")).detach(); // fire and forget: and the error?
  co_await sleep(200ms);
  std::cout << "main carries on, unaware that the email was not sent\n";
}
// [never-retrieved]

// [deadlock]
struct Account {
  std::string name;
  int balance;
  Lock lock;
};

Task<> transfer(Account& from, Account& to, int amount, bool ordered) {
  Account& first = !ordered || &from < &to ? from : to; // ordered: every transfer locks in one order
  Account& second = &first == &from ? to : from;
  auto hold_first = co_await first.lock.scoped();
  co_await sleep(10ms); // reading the balance: the other transfer runs meanwhile
  auto hold_second = co_await second.lock.scoped();
  from.balance -= amount;
  to.balance += amount;
}

Task<> transfers(bool ordered) {
  Account alice{"alice", 100, {}};
  Account bob{"bob", 100, {}};
  Task<> a = create_task(transfer(alice, bob, 30, ordered), "alice->bob");
  Task<> b = create_task(transfer(bob, alice, 20, ordered), "bob->alice");
  co_await gather(std::move(a), std::move(b));
  std::cout << "alice " << alice.balance << ", bob " << bob.balance << '\n';
}
// [deadlock]

// [task-dump]
Task<std::string> query(std::string sql) {
  co_await sleep(1s);
  co_return "rows of " + sql;
}

Task<std::string> load_profile(int user) { co_return co_await query("profile " + std::to_string(user)); }

Task<std::string> handle_request(int user) {
  std::string profile = co_await load_profile(user);
  co_return "page with " + profile;
}

Task<> monitor() {
  co_await sleep(100ms); // by now every request waits somewhere
  print_tasks(std::cout);
}

Task<> task_dump_main() {
  Task<std::string> first = create_task(handle_request(1), "request-1");
  Task<std::string> second = create_task(handle_request(2), "request-2");
  Task<> watch = create_task(monitor(), "monitor");
  co_await first; // main waits for request-1, which waits in query, two coroutines down
  co_await second;
  co_await watch;
}
// [task-dump]

// [loop-stats]
Task<> ticker(int n) {
  for (int i = 0; i < 3; ++i) co_await sleep(10ms * (n + 1));
}

Task<> loop_stats_main() {
  std::vector<Task<>> tickers;
  for (int n = 0; n < 10; ++n) tickers.push_back(ticker(n));
  auto all = create_task(gather(std::move(tickers)));
  crunch_for(30ms); // one slow step, under the blocked-loop threshold
  co_await all;
}
// [loop-stats]

} // namespace

void never_awaited(Clock& clock) { run(never_awaited_main(), clock); }
void tasks_in_a_list(Clock& clock) { run(tasks_in_a_list_main(), clock); }

void compile_time() {
  std::cout << "Three forms of a forgotten co_await do not compile at all (tests/compile_fail/):\n"
               "  fetch_user(1);            the result of a Task function cannot be discarded\n"
               "  if (fetch_user(3)) ...    a Task is not a bool (in Python, a coroutine is always true)\n"
               "  co_await in a function that returns int: it is not a coroutine\n";
}

void blocking_sleep() {
  run(three_fetches(true));
  run(three_fetches(false));
}

void blocking_cpu() {
  run(checksum_main(false));
  run(checksum_main(true));
}

void swallowed_cancel(Clock& clock) { run(swallowed_main(), clock); }

void run_inside_loop(Clock& clock) {
  std::cout << "from main(): " << count_users_sync(clock) << " users\n";
  run(run_inside_main(clock), clock);
}

// [run-in-a-loop-calls]
void run_in_a_loop(Clock& clock) {
  TimePoint start = clock.now();
  for (int n = 0; n < 5; ++n) run(job(n), clock); // a loop made and closed five times
  std::cout << "aio::run per job: " << seconds_text(clock.now() - start) << '\n';

  start = clock.now();
  run(all_jobs(), clock); // one loop, the jobs together
  std::cout << "one aio::run, gather: " << seconds_text(clock.now() - start) << '\n';
}
// [run-in-a-loop-calls]

void settled_unchecked(Clock& clock) { run(settled_main(), clock); }
void never_retrieved(Clock& clock) { run(never_retrieved_main(), clock); }

void deadlock(Clock& clock) {
  try {
    run(transfers(false), clock);
  } catch (const std::runtime_error& e) {
    std::cout << "aio::run threw: " << e.what() << '\n';
  }
  run(transfers(true), clock);
}

void task_dump(Clock& clock) { run(task_dump_main(), clock); }

void loop_stats(Clock& clock) {
  LoopStats stats;
  run(loop_stats_main(), clock);
  std::cout << stats.text(3);
}

} // namespace aio::demos
