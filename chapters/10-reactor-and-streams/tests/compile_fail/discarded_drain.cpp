// Must not compile: writer.drain() without co_await waits for nothing. The awaiter is
// [[nodiscard]], so the forgotten co_await is an error (with -Werror) instead of a writer
// whose buffer grows without bound.
#include "aio/streams.hpp"
#include "aio/task.hpp"

aio::Task<> send(aio::StreamWriter& writer) {
  writer.write("hello");
  writer.drain(); // forgot co_await
  co_return;
}
