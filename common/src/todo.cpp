// AIO_TODO: the "not started" marker of exercise stubs.
#include "aio/todo.hpp"

#include <atomic>

namespace aio {
namespace {
std::atomic<unsigned long> todos{0};
}

NotImplemented::NotImplemented(std::string exercise, Origin where)
    : std::logic_error("exercise " + exercise + " is not started: replace AIO_TODO(\"" + exercise + "\") at " +
                       where.file + ":" + std::to_string(where.line) + " with your code"),
      exercise_(std::move(exercise)), where_(where) {}

unsigned long todo_count() noexcept { return todos.load(); }

void todo(const char* exercise, Origin where) {
  todos.fetch_add(1);
  throw NotImplemented(exercise, where);
}

} // namespace aio
