// Chapter 08's demos: the seeds' Lock, Semaphore and Queue patterns.
#include "demos.hpp"

#include "aio/gather.hpp"
#include "aio/lock.hpp"
#include "aio/queue.hpp"
#include "aio/run.hpp"
#include "aio/semaphore.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Time since the loop's clock was at `start`, as "2.00 s".
std::string since(TimePoint start) { return seconds_text(EventLoop::get_running_loop().time() - start); }

// [counter]
class AsyncCounter {
public:
  Task<> increment() {
    auto guard = co_await lock_.scoped(); // one task at a time between here and the end of scope
    const int current = value_;
    co_await sleep(10ms); // some work, during which the other workers run
    value_ = current + 1;
  }
  int value() const { return value_; }

private:
  int value_ = 0;
  Lock lock_;
};

Task<> worker(AsyncCounter& counter, int id, TimePoint start) {
  for (int i = 0; i < 10; ++i) co_await counter.increment();
  std::cout << "Worker " << id << " finished at " << since(start) << '\n';
}

Task<> counter_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  AsyncCounter counter;
  std::vector<Task<>> workers;
  for (int id = 0; id < 5; ++id) workers.push_back(worker(counter, id, start));
  co_await gather(std::move(workers));
  std::cout << "Final counter value: " << counter.value() << '\n';
}
// [counter]

// [lost-updates]
class UnsafeCounter { // the same, without the lock
public:
  Task<> increment() {
    const int current = value_;
    co_await sleep(10ms); // the others read the same `current` meanwhile
    value_ = current + 1; // and this overwrites their updates
  }
  int value() const { return value_; }

private:
  int value_ = 0;
};
// [lost-updates]

Task<> unsafe_worker(UnsafeCounter& counter) {
  for (int i = 0; i < 10; ++i) co_await counter.increment();
}

Task<> lost_updates_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  UnsafeCounter counter;
  std::vector<Task<>> workers;
  for (int id = 0; id < 5; ++id) workers.push_back(unsafe_worker(counter));
  co_await gather(std::move(workers));
  std::cout << "Final counter value: " << counter.value() << " after " << since(start)
            << " (expected 50: " << 50 - counter.value() << " updates lost)\n";
}

// [rate-limit]
struct Concurrency {
  int now = 0;
  int peak = 0;
};

Task<std::string> api_call(std::string url, Semaphore& semaphore, Concurrency& calls, TimePoint start) {
  auto permit = co_await semaphore.scoped(); // waits here while 3 calls are in flight
  std::cout << "Calling " << url << " at " << since(start) << '\n';
  calls.peak = std::max(calls.peak, ++calls.now);
  co_await sleep(500ms); // the call itself
  --calls.now;
  co_return url + ": 200";
}

Task<> rate_limit_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Semaphore semaphore(3);
  Concurrency calls;
  std::vector<Task<std::string>> requests;
  for (int i = 0; i < 20; ++i)
    requests.push_back(api_call("https://api.example.com/item/" + std::to_string(i), semaphore, calls, start));
  const std::vector<std::string> results = co_await gather(std::move(requests));
  std::cout << "Completed " << results.size() << " requests in " << since(start) << ", at most " << calls.peak
            << " at once\n";
}
// [rate-limit]

Task<std::string> fetch_with_limit(Semaphore& semaphore, std::string url, Concurrency& fetches) {
  auto permit = co_await semaphore.scoped();
  fetches.peak = std::max(fetches.peak, ++fetches.now);
  co_await sleep(100ms);
  --fetches.now;
  co_return "page of " + url;
}

Task<> hundred_urls_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Semaphore semaphore(5);
  Concurrency fetches;
  std::vector<Task<std::string>> pages;
  for (int i = 0; i < 100; ++i) pages.push_back(fetch_with_limit(semaphore, "api/item/" + std::to_string(i), fetches));
  const std::vector<std::string> results = co_await gather(std::move(pages));
  std::cout << results.size() << " pages in " << since(start) << ", at most " << fetches.peak << " fetches at once\n"
            << "first: " << results.front() << ", last: " << results.back() << '\n';
}

// [producer-consumer]
using Item = std::optional<std::string>; // std::nullopt is the sentinel: "no more items"

Task<> producer(Queue<Item>& queue, int id, int items, TimePoint start) {
  for (int i = 0; i < items; ++i) {
    std::string item = "Item-" + std::to_string(id) + "-" + std::to_string(i);
    co_await queue.put(item);
    std::cout << since(start) << "  Producer " << id << " produced: " << item << '\n';
    co_await sleep(100ms);
  }
  co_await queue.put(std::nullopt); // done
}

Task<> consumer(Queue<Item>& queue, int id, TimePoint start) {
  try {
    for (;;) {
      Item item = co_await queue.get();
      if (!item) {
        queue.task_done();
        std::cout << since(start) << "  Consumer " << id << " got the sentinel and stops\n";
        co_return;
      }
      std::cout << since(start) << "  Consumer " << id << " processing: " << *item << '\n';
      co_await sleep(200ms);
      queue.task_done();
    }
  } catch (const CancelledError&) {
    std::cout << since(start) << "  Consumer " << id << " cancelled while waiting for an item\n";
    throw;
  }
}

Task<> producer_consumer_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  Queue<Item> queue(10);
  std::vector<Task<>> producers;
  std::vector<Task<>> consumers;
  for (int id = 0; id < 2; ++id) producers.push_back(create_task(producer(queue, id, 5, start)));
  for (int id = 0; id < 3; ++id) consumers.push_back(create_task(consumer(queue, id, start)));
  co_await gather(std::move(producers));
  co_await queue.join(); // every item, sentinels included, taken and marked done
  std::cout << since(start) << "  every item done; cancelling the consumers still waiting\n";
  for (Task<>& c : consumers) c.cancel(); // a consumer that has stopped says no
  co_await gather_settled(std::move(consumers));
}
// [producer-consumer]

} // namespace

void counter(Clock& clock) { run(counter_main(), clock); }
void lost_updates(Clock& clock) { run(lost_updates_main(), clock); }
void rate_limit(Clock& clock) { run(rate_limit_main(), clock); }
void hundred_urls(Clock& clock) { run(hundred_urls_main(), clock); }
void producer_consumer(Clock& clock) { run(producer_consumer_main(), clock); }

} // namespace aio::demos
