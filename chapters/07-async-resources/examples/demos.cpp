// Chapter 07's demos: the seeds' async context manager and async generators.
#include "demos.hpp"

#include "aio/async_generator.hpp"
#include "aio/run.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"
#include "aio/timeout.hpp"
#include "aio/with.hpp"

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace aio::demos {
namespace {

// Time since the loop's clock was at `start`, as "2.00 s".
std::string since(TimePoint start) { return seconds_text(EventLoop::get_running_loop().time() - start); }

// [connection]
/// The seed's AsyncDatabaseConnection: opening and closing both take a round trip.
class Connection {
public:
  explicit Connection(std::string dsn) : dsn_(std::move(dsn)) {}
  const std::string& dsn() const { return dsn_; }
  bool connected() const { return connected_; }

  Task<> close() { // what aio::with awaits on the way out
    std::cout << "Closing connection\n";
    co_await sleep(100ms); // the goodbye round trip
    connected_ = false;
  }

private:
  friend Task<Connection> open_conn(std::string dsn);
  std::string dsn_;
  bool connected_ = false;
};

Task<Connection> open_conn(std::string dsn) {
  std::cout << "Opening connection\n";
  Connection conn(std::move(dsn));
  co_await sleep(100ms); // the connection's handshake
  conn.connected_ = true;
  co_return conn;
}
// [connection]

// [query-database]
Task<> query_database_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  const int rows = co_await aio::with(open_conn("postgresql://localhost"), [](Connection& conn) -> Task<int> {
    std::cout << "Using connection: {dsn: " << conn.dsn() << ", connected: " << std::boolalpha << conn.connected()
              << "}\n";
    co_await sleep(200ms); // the query
    co_return 10;
  });
  std::cout << "Result: " << rows << " rows, connection closed at " << since(start) << '\n';
}
// [query-database]

// [every-exit]
Task<int> failing_query(Connection&) {
  co_await sleep(200ms);
  throw std::runtime_error("syntax error at or near \"SELEC\"");
}

Task<int> slow_query(Connection&) {
  co_await sleep(5s);
  co_return 10;
}

Task<> every_exit_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  try {
    co_await aio::with(open_conn("postgresql://localhost"), failing_query);
  } catch (const std::runtime_error& e) {
    std::cout << "query failed: " << e.what() << ", after the close, at " << since(start) << '\n';
  }
  const TimePoint second = EventLoop::get_running_loop().time();
  try {
    co_await aio::wait_for(aio::with(open_conn("postgresql://localhost"), slow_query), 1s);
  } catch (const TimeoutError&) {
    std::cout << "query timed out: cancelled at 1.00 s, closed, given up at " << since(second) << '\n';
  }
}
// [every-exit]

// [async-range]
AsyncGenerator<int> async_range(int start, int end, Duration delay = 100ms) {
  for (int i = start; i < end; ++i) {
    co_await sleep(delay);
    co_yield i;
  }
}

Task<> async_range_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  AsyncGenerator<int> numbers = async_range(1, 5);
  while (auto number = co_await numbers.next()) std::cout << "Number: " << *number << " at " << since(start) << '\n';
}
// [async-range]

// [fetch-pages]
struct Page {
  int number;
  std::string url;
  std::vector<std::string> data;
};

AsyncGenerator<Page> fetch_pages(std::string url, int max_pages) {
  struct Stop { // a generator's cleanup is RAII: it runs when it ends or is dropped
    const int& page;
    ~Stop() { std::cout << "fetch_pages: stopped after page " << page << '\n'; }
  };
  int page = 0;
  Stop stop{page};
  for (page = 1; page <= max_pages; ++page) {
    co_await sleep(200ms); // the API call
    Page result{page, url + "?page=" + std::to_string(page), {}};
    for (int i = 0; i < 5; ++i) result.data.push_back("item_" + std::to_string(page) + "_" + std::to_string(i));
    co_yield std::move(result); // named: GCC 12 destroys a braced temporary in co_yield twice
  }
  page = max_pages;
}

Task<> fetch_pages_main() {
  AsyncGenerator<Page> pages = fetch_pages("https://api.example.com/items", 3);
  while (auto page = co_await pages.next())
    std::cout << "Page " << page->number << ": " << page->data.size() << " items from " << page->url << '\n';
}
// [fetch-pages]

// [early-exit]
Task<> early_exit_main() {
  const TimePoint start = EventLoop::get_running_loop().time();
  {
    AsyncGenerator<Page> pages = fetch_pages("https://api.example.com/items", 10);
    while (auto page = co_await pages.next()) {
      std::cout << "Page " << page->number << " at " << since(start) << '\n';
      if (page->number == 2) break; // enough: the generator is destroyed at the end of the scope
    }
  }
  std::cout << "done at " << since(start) << ", 8 pages never fetched\n";
}
// [early-exit]

} // namespace

void query_database(Clock& clock) { run(query_database_main(), clock); }
void every_exit(Clock& clock) { run(every_exit_main(), clock); }
void async_range(Clock& clock) { run(async_range_main(), clock); }
void fetch_pages(Clock& clock) { run(fetch_pages_main(), clock); }
void early_exit(Clock& clock) { run(early_exit_main(), clock); }

} // namespace aio::demos
