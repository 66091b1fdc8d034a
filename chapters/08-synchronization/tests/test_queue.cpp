// Queue, LifoQueue, PriorityQueue: waiting when full or empty, order, fairness, cancellation
// while waiting and while being woken (no item lost), task_done/join, shutdown, misuse.
#include "aio/queue.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using aio::Task;
using aio::VirtualClock;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

using Log = std::vector<std::string>;

Task<> getter(aio::Queue<std::string>& queue, Log& log, std::string name) {
  try {
    std::string item = co_await queue.get();
    log.push_back(name + " got " + item);
  } catch (const aio::CancelledError&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

Task<> putter(aio::Queue<std::string>& queue, Log& log, std::string item) {
  try {
    co_await queue.put(item);
    log.push_back("put " + item);
  } catch (const aio::CancelledError&) {
    log.push_back(item + " cancelled");
    throw;
  }
}

} // namespace

AIO_TEST_CASE("Queue: put waits while full, get while empty, items come out in order", "[ch08][queue]") {
  VirtualClock clock;
  aio::Queue<int> queue(2);
  std::vector<int> got;
  const auto producer = [&]() -> Task<> {
    for (int i = 1; i <= 5; ++i) co_await queue.put(i); // the third waits for the consumer
  };
  const auto consumer = [&]() -> Task<> {
    for (int i = 0; i < 5; ++i) {
      co_await aio::sleep(1s);
      got.push_back(co_await queue.get());
    }
  };
  const auto main = [&]() -> Task<> {
    Task<> p = aio::create_task(producer());
    Task<> c = aio::create_task(consumer());
    co_await aio::sleep(500ms);
    CHECK(queue.full());
    CHECK(queue.qsize() == 2);
    co_await p;
    CHECK(clock.now().time_since_epoch() == 3s); // room for the 5th when the 3rd was taken
    co_await c;
    CHECK(got == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(queue.empty());
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: the *_nowait forms throw QueueFull and QueueEmpty, LifoQueue and PriorityQueue keep their order",
              "[ch08][queue][misuse]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::Queue<int> queue(1);
    CHECK_THROWS_AS(queue.get_nowait(), aio::QueueEmpty);
    queue.put_nowait(1);
    CHECK_THROWS_AS(queue.put_nowait(2), aio::QueueFull);
    CHECK(queue.get_nowait() == 1);

    aio::LifoQueue<int> lifo;
    for (int i : {1, 2, 3}) co_await lifo.put(i);
    std::vector<int> order;
    while (!lifo.empty()) order.push_back(co_await lifo.get());
    CHECK(order == std::vector<int>{3, 2, 1});

    aio::PriorityQueue<std::pair<int, std::string>> urgent;
    urgent.put_nowait({3, "low"});
    urgent.put_nowait({1, "high"});
    urgent.put_nowait({2, "mid"});
    std::vector<std::string> names;
    while (!urgent.empty()) names.push_back(urgent.get_nowait().second);
    CHECK(names == std::vector<std::string>{"high", "mid", "low"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: getters are served in the order they came, and a newcomer cannot take an item kept for one",
              "[ch08][queue]") {
  VirtualClock clock;
  aio::Queue<std::string> queue;
  Log log;
  const auto main = [&]() -> Task<> {
    std::vector<Task<>> getters;
    for (const char* name : {"g1", "g2", "g3"}) getters.push_back(aio::create_task(getter(queue, log, name)));
    co_await aio::sleep(0s);
    queue.put_nowait("a"); // kept for g1, which has not run yet
    CHECK(queue.qsize() == 0);
    CHECK_THROWS_AS(queue.get_nowait(), aio::QueueEmpty);
    queue.put_nowait("b");
    queue.put_nowait("c");
    for (auto& task : getters) co_await task;
    CHECK(log == Log{"g1 got a", "g2 got b", "g3 got c"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: putters waiting on a full queue get in in the order they came", "[ch08][queue]") {
  VirtualClock clock;
  aio::Queue<std::string> queue(1);
  Log log;
  const auto main = [&]() -> Task<> {
    queue.put_nowait("first");
    Task<> p1 = aio::create_task(putter(queue, log, "p1"));
    Task<> p2 = aio::create_task(putter(queue, log, "p2"));
    co_await aio::sleep(0s);
    CHECK(queue.get_nowait() == "first"); // the place is kept for p1
    CHECK(queue.full());
    CHECK_THROWS_AS(queue.put_nowait("newcomer"), aio::QueueFull);
    co_await p1;
    CHECK(queue.get_nowait() == "p1");
    co_await p2;
    CHECK(queue.get_nowait() == "p2");
    CHECK(log == Log{"put p1", "put p2"});
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: a getter cancelled while waiting takes nothing, and one cancelled after being woken "
              "leaves its item to the next getter, or in the queue",
              "[ch08][queue][cancel]") {
  VirtualClock clock;
  aio::Queue<std::string> queue;
  Log log;
  const auto main = [&]() -> Task<> {
    Task<> waiting = aio::create_task(getter(queue, log, "waiting"));
    Task<> woken = aio::create_task(getter(queue, log, "woken"));
    Task<> next = aio::create_task(getter(queue, log, "next"));
    co_await aio::sleep(0s);
    waiting.cancel();
    queue.put_nowait("x"); // kept for `woken`...
    woken.cancel();        // ...cancelled before it runs: `next` gets x
    CHECK_THROWS_AS(co_await waiting, aio::CancelledError);
    CHECK_THROWS_AS(co_await woken, aio::CancelledError);
    co_await next;
    CHECK(log == Log{"waiting cancelled", "woken cancelled", "next got x"});

    Task<> alone = aio::create_task(getter(queue, log, "alone"));
    co_await aio::sleep(0s);
    queue.put_nowait("y");
    alone.cancel();
    CHECK_THROWS_AS(co_await alone, aio::CancelledError);
    CHECK(queue.qsize() == 1); // nobody else waited: y is back in the queue
    CHECK(queue.get_nowait() == "y");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: a putter cancelled after being woken adds nothing and leaves its place to the next",
              "[ch08][queue][cancel]") {
  VirtualClock clock;
  aio::Queue<std::string> queue(1);
  Log log;
  const auto main = [&]() -> Task<> {
    queue.put_nowait("first");
    Task<> woken = aio::create_task(putter(queue, log, "woken"));
    Task<> next = aio::create_task(putter(queue, log, "next"));
    co_await aio::sleep(0s);
    CHECK(queue.get_nowait() == "first"); // the place is kept for `woken`...
    woken.cancel();                       // ...cancelled before it runs: `next` gets it
    CHECK_THROWS_AS(co_await woken, aio::CancelledError);
    co_await next;
    CHECK(log == Log{"woken cancelled", "put next"});
    CHECK(queue.qsize() == 1);
    CHECK(queue.get_nowait() == "next");
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: join() waits until every item is marked done, and one task_done() too many is a clear error",
              "[ch08][queue][misuse]") {
  VirtualClock clock;
  aio::Queue<int> queue;
  const auto worker = [&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      const int item = co_await queue.get();
      co_await aio::sleep(std::chrono::seconds(item));
      queue.task_done();
    }
  };
  const auto main = [&]() -> Task<> {
    co_await queue.join(); // nothing put: returns at once
    for (int i : {1, 2, 3}) queue.put_nowait(i);
    Task<> w = aio::create_task(worker());
    co_await queue.join();
    CHECK(clock.now().time_since_epoch() == 6s);
    co_await w;
    CHECK_THROWS_WITH(queue.task_done(), Contains("called more times than items were put"));
  };
  aio::run(main(), clock);
}

AIO_TEST_CASE("Queue: shutdown() wakes waiting putters and getters with QueueShutDown, and the items left can "
              "still be taken, unless it was immediate",
              "[ch08][queue]") {
  VirtualClock clock;
  const auto main = [&]() -> Task<> {
    aio::Queue<std::string> empty;
    Log log;
    Task<> g = aio::create_task(getter(empty, log, "g"));
    co_await aio::sleep(0s);
    empty.shutdown();
    CHECK_THROWS_AS(co_await g, aio::QueueShutDown);
    CHECK_THROWS_AS(co_await empty.put("late"), aio::QueueShutDown);

    aio::Queue<std::string> full(1);
    full.put_nowait("kept");
    Task<> p = aio::create_task(putter(full, log, "p"));
    co_await aio::sleep(0s);
    full.shutdown();
    CHECK_THROWS_AS(co_await p, aio::QueueShutDown);
    const std::string kept = co_await full.get(); // what was in is still there
    CHECK(kept == "kept");
    CHECK_THROWS_AS(co_await full.get(), aio::QueueShutDown);

    aio::Queue<int> dropped;
    for (int i = 0; i < 3; ++i) dropped.put_nowait(i);
    dropped.shutdown(true);
    CHECK(dropped.empty());
    co_await dropped.join(); // the dropped items count as done
    CHECK(log.empty());
  };
  aio::run(main(), clock);
}
