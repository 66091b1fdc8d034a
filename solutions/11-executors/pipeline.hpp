// Exercise 11.3: `producer | filter`, two subprocesses wired through the loop's streams.
#pragma once

#include "aio/gather.hpp"
#include "aio/subprocess.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <stdexcept>
#include <string>
#include <vector>

/// What a pipeline gave.
struct PipelineResult {
  std::string output;    ///< Everything the filter wrote to its stdout.
  int producer_code = 0; ///< The producer's returncode.
  int filter_code = 0;   ///< The filter's returncode.
};

/// Runs `producer` (a program and its arguments) with its stdout going, through the loop, to
/// the stdin of `filter`, as the shell's `producer | filter` does. Everything the producer
/// writes reaches the filter, however much it is, with back-pressure (the loop never holds more
/// than a stream's buffer of it); the filter's stdin ends when the producer's stdout does; the
/// filter's output is read while the rest is still being fed (a filter such as `cat` writes
/// while it reads: waiting to read until the end would leave both sides waiting). Both
/// processes are waited for. A program that cannot be started throws aio::OSError; an empty
/// command, std::invalid_argument.
inline aio::Task<PipelineResult> pipeline(std::vector<std::string> producer, std::vector<std::string> filter) {
  if (producer.empty() || filter.empty()) throw std::invalid_argument("a pipeline needs two commands");
  const std::string first = producer.front();
  const std::string second = filter.front();
  aio::Process from =
      co_await aio::create_subprocess_exec(first, {producer.begin() + 1, producer.end()}, {.out = aio::PIPE});
  aio::Process to = co_await aio::create_subprocess_exec(second, {filter.begin() + 1, filter.end()},
                                                         {.in = aio::PIPE, .out = aio::PIPE});
  const auto feed = [&]() -> aio::Task<> {
    for (std::string chunk; !(chunk = co_await from.out().read(64 * 1024)).empty();) {
      to.in().write(chunk);
      co_await to.in().drain();
    }
    to.in().close();
  };
  const auto collect = [&]() -> aio::Task<std::string> { co_return co_await to.out().read(); };
  auto [fed, output] = co_await aio::gather(feed(), collect());
  (void)fed;
  PipelineResult result;
  result.output = std::move(output);
  result.producer_code = co_await from.wait();
  result.filter_code = co_await to.wait();
  co_return result;
}
