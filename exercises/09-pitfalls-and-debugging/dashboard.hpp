// Exercise 9.1: find the bug. load_dashboard() should fetch every user at once and give their
// names in order; it gives none, and the tests say why.
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
  co_await aio::sleep(std::chrono::milliseconds(150)); // time enough for every query
  std::vector<std::string> names;
  for (aio::Task<std::string>& query : queries)
    if (query.done()) names.push_back(query.result());
  co_return names;
}
