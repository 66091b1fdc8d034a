// Exercise 9.1, solved: the queries were Tasks that nobody awaited, so none ever ran (and each
// was reported as never awaited). gather() starts them all and awaits them together.
#pragma once

#include "aio/gather.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <string>
#include <vector>

/// The database: every query takes 100 ms.
inline aio::Task<std::string> fetch_name(int id) {
  co_await aio::sleep(std::chrono::milliseconds(100));
  co_return "user-" + std::to_string(id);
}

/// The names of `ids`, in order, fetched concurrently: 100 ms for any number of users.
inline aio::Task<std::vector<std::string>> load_dashboard(std::vector<int> ids) {
  std::vector<aio::Task<std::string>> queries;
  for (int id : ids) queries.push_back(fetch_name(id));
  co_return co_await aio::gather(std::move(queries));
}
