// libFuzzer target for the response path: any bytes, cut in two at a place the input chooses,
// through ResponseParser as a socket would deliver them, then the end of the stream. The only
// acceptable outcomes are a parsed response or one of the client's own errors; a crash, a
// sanitizer report or any other exception is a bug. Built by the clang preset only:
//   AIO_PRESET=clang ./course test   (CI runs it for a bounded time)
#include "aio/http/errors.hpp"
#include "aio/http/parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view method = (data[0] & 1) != 0 ? "HEAD" : "GET";
  const std::size_t cut = size > 1 ? data[1] % size : 0;
  const std::string_view wire(reinterpret_cast<const char*>(data), size);
  try {
    aio::http::ResponseParser parser(method);
    std::size_t used = parser.feed(wire.substr(0, cut));
    if (used == cut && !parser.done()) used += parser.feed(wire.substr(cut));
    parser.body().clear();
    if (!parser.done()) parser.finish();
  } catch (const aio::http::ClientError&) {
    // refused cleanly: what garbage must get
  }
  return 0;
}
