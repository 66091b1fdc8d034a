// AIO_TODO marks an exercise body the learner has not written yet. It throws, so the stub
// compiles and links, and the grader reports the exercise as "not started" instead of failing.
#pragma once

#include "aio/origin.hpp"

#include <stdexcept>
#include <string>

namespace aio {

/// Thrown by `AIO_TODO`: this part of an exercise is still to be written.
class NotImplemented : public std::logic_error {
public:
  /// `exercise` is the exercise id, e.g. "1.2"; `where` is the stub's source position.
  NotImplemented(std::string exercise, Origin where);
  /// The exercise id given to `AIO_TODO`.
  const std::string& exercise() const noexcept { return exercise_; }
  /// Where the `AIO_TODO` stands.
  const Origin& where() const noexcept { return where_; }

private:
  std::string exercise_;
  Origin where_;
};

/// How many times `AIO_TODO` was reached in this process (the grader counts per test case).
unsigned long todo_count() noexcept;

/// Throws `NotImplemented`. Use through the `AIO_TODO` macro.
[[noreturn]] void todo(const char* exercise, Origin where = Origin::here());

} // namespace aio

/// Marks an unfinished exercise body: `AIO_TODO("1.2");`. Replace it with your code.
#define AIO_TODO(exercise) ::aio::todo(exercise)
