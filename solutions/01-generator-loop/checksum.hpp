// Exercise 1.3, reference answer: Adler-32 computed a chunk per step.
#pragma once

#include "genloop/generator.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

/// The Adler-32 checksum of `data`, computed `chunk` bytes per step.
inline genloop::Generator<std::uint32_t> adler32(std::span<const std::uint8_t> data, std::size_t chunk) {
  constexpr std::uint32_t mod = 65521;
  std::uint32_t a = 1; // locals live in the coroutine frame: they survive every co_yield
  std::uint32_t b = 0;
  std::size_t pos = 0;
  do {
    const std::size_t end = std::min(data.size(), pos + std::max<std::size_t>(chunk, 1));
    for (; pos < end; ++pos) {
      a = (a + data[pos]) % mod;
      b = (b + a) % mod;
    }
    co_yield (b << 16) | a;
  } while (pos < data.size());
}
