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
  (void)producer;
  (void)filter;
  AIO_TODO("11.3");
  co_return {};
}
