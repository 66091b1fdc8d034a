// Chapter 01 exercises. Compiled twice: against your files in exercises/01-generator-loop/
// (what ./course grade 01 runs) and against the reference answers in solutions/.
// Every test runs under the pitfall guard: a blocked loop or a generator never run fails it.
#include "chain.hpp"
#include "checksum.hpp"
#include "countdown.hpp"

#include "genloop/event_loop.hpp"
#include "genloop/generator.hpp"

#include "aio/testing/capture.hpp"
#include "aio/testing/guard.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using aio::testing::CaptureStdout;
using genloop::EventLoop;
using genloop::Generator;

namespace {

Generator<int> numbers(std::vector<std::string>& log, std::string name, std::vector<int> values) {
  log.push_back(name + " starts");
  for (int v : values) co_yield v;
  log.push_back(name + " ends");
}

Generator<int> heartbeat(std::vector<std::string>& log, int beats) {
  for (int i = 0; i < beats; ++i) {
    log.push_back("beat");
    co_yield i;
  }
}

// Runs adler32 on the loop, logging each chunk (a named generator, so reports can name it).
Generator<int> checksum_job(std::span<const std::uint8_t> data, std::vector<std::string>& log) {
  for ([[maybe_unused]] std::uint32_t partial : adler32(data, 64 * 1024)) {
    log.push_back("chunk");
    co_yield 0;
  }
}

std::vector<std::uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }

// Tests that drive a generator by hand do it as a loop would, one watched step at a time:
// a step that never returns then fails the test within seconds, with the generator's name.
bool step(Countdown& countdown) {
  return aio::testing::watched("generator", countdown.origin(), [&] { return countdown.resume(); });
}

template <class T>
std::vector<T> all_values(Generator<T> gen) {
  std::vector<T> out;
  const aio::Origin who = gen.origin();
  while (aio::testing::watched("generator", who, [&] { return gen.resume(); })) out.push_back(gen.value());
  return out;
}

} // namespace

// --- 1.1 Countdown -----------------------------------------------------------------------

AIO_TEST_CASE("countdown: one line per step, then Liftoff! on the step that finishes", "[ex1.1]") {
  CaptureStdout out;
  Countdown countdown(3);
  CHECK(step(countdown));
  CHECK(out.text() == "T-minus 3\n");
  CHECK(step(countdown));
  CHECK(step(countdown));
  CHECK(out.text() == "T-minus 3\nT-minus 2\nT-minus 1\n");
  CHECK_FALSE(step(countdown));
  CHECK(out.text() == "T-minus 3\nT-minus 2\nT-minus 1\nLiftoff!\n");
}

AIO_TEST_CASE("countdown: once finished it stays finished and prints nothing more", "[ex1.1]") {
  CaptureStdout out;
  Countdown countdown(1);
  CHECK(step(countdown));
  CHECK_FALSE(step(countdown));
  CHECK_FALSE(step(countdown));
  CHECK(out.text() == "T-minus 1\nLiftoff!\n");
}

AIO_TEST_CASE("countdown: from zero it lifts off on its first step", "[ex1.1]") {
  CaptureStdout out;
  Countdown countdown(0);
  CHECK_FALSE(step(countdown));
  CHECK(out.text() == "Liftoff!\n");
}

AIO_TEST_CASE("countdown: two countdowns on one loop take turns", "[ex1.1]") {
  CaptureStdout out;
  EventLoop loop(nullptr);
  loop.add(Countdown(2));
  loop.add(Countdown(1));
  loop.run_forever();
  CHECK(out.text() == "T-minus 2\n"
                      "T-minus 1\n"
                      "T-minus 1\n"
                      "Liftoff!\n"
                      "Liftoff!\n");
}

// --- 1.2 chain ---------------------------------------------------------------------------

AIO_TEST_CASE("chain: every value of the first, then every value of the second", "[ex1.2]") {
  std::vector<std::string> log;
  CHECK(all_values(chain(numbers(log, "a", {1, 2}), numbers(log, "b", {3, 4, 5}))) == std::vector{1, 2, 3, 4, 5});
}

AIO_TEST_CASE("chain: lazy, the second starts only once the first has ended", "[ex1.2]") {
  std::vector<std::string> log;
  auto chained = chain(numbers(log, "a", {1}), numbers(log, "b", {2}));
  const auto next = [&] {
    return aio::testing::watched("generator", chained.origin(), [&] { return chained.resume(); });
  };
  CHECK(log.empty()); // nothing runs before the first resume
  REQUIRE(next());
  CHECK(chained.value() == 1);
  CHECK(log == std::vector<std::string>{"a starts"});
  REQUIRE(next());
  CHECK(chained.value() == 2);
  CHECK(log == std::vector<std::string>{"a starts", "a ends", "b starts"});
  CHECK_FALSE(next());
  CHECK(log == std::vector<std::string>{"a starts", "a ends", "b starts", "b ends"});
}

AIO_TEST_CASE("chain: empty generators on either side are fine", "[ex1.2]") {
  std::vector<std::string> log;
  CHECK(all_values(chain(numbers(log, "a", {}), numbers(log, "b", {7}))) == std::vector{7});
  CHECK(all_values(chain(numbers(log, "c", {8}), numbers(log, "d", {}))) == std::vector{8});
  CHECK(log.size() == 8); // every generator started and ended
}

AIO_TEST_CASE("chain: on the loop, one value per step, interleaved with others", "[ex1.2]") {
  std::vector<std::string> log;
  EventLoop loop(nullptr);
  loop.add(chain(numbers(log, "a", {1}), numbers(log, "b", {2})));
  loop.add(heartbeat(log, 3));
  loop.run_forever();
  CHECK(log == std::vector<std::string>{"a starts", "beat", "a ends", "b starts", "beat", "b ends", "beat"});
}

// --- 1.3 checksum ------------------------------------------------------------------------

AIO_TEST_CASE("adler32: the last value is the checksum of all the data", "[ex1.3]") {
  const auto data = bytes("Wikipedia"); // its Adler-32 is 0x11E60398
  for (std::size_t chunk : {1U, 4U, 9U, 100U}) {
    INFO("chunk = " << chunk);
    const auto values = all_values(adler32(data, chunk));
    REQUIRE_FALSE(values.empty());
    CHECK(values.back() == 0x11E60398U);
  }
}

AIO_TEST_CASE("adler32: one step per chunk, each yielding the checksum so far", "[ex1.3]") {
  const auto data = bytes("abcdefghij");
  const auto values = all_values(adler32(data, 4));
  REQUIRE(values.size() == 3); // 4 + 4 + 2 bytes
  CHECK(values[0] == all_values(adler32(bytes("abcd"), 100)).back());
  CHECK(values[1] == all_values(adler32(bytes("abcdefgh"), 100)).back());
}

AIO_TEST_CASE("adler32: empty data yields once, the checksum 1", "[ex1.3]") {
  CHECK(all_values(adler32({}, 8)) == std::vector<std::uint32_t>{1});
}

AIO_TEST_CASE("adler32: a megabyte on the loop lets a heartbeat run between chunks", "[ex1.3]") {
  std::vector<std::uint8_t> data(1 << 20);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 31 + 7);
  std::vector<std::string> log;
  EventLoop loop(nullptr);
  loop.add(checksum_job(data, log));
  loop.add(heartbeat(log, 16));
  loop.run_forever();
  REQUIRE(log.size() == 32);
  for (std::size_t i = 0; i < log.size(); i += 2) {
    CHECK(log[i] == "chunk");
    CHECK(log[i + 1] == "beat");
  }
}
