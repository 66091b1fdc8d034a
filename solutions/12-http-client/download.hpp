// Exercise 12.2, a reference answer: download().
#pragma once

#include "aio/http/session.hpp"
#include "aio/task.hpp"

#include <cstddef>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

/// Called after each piece: the bytes written so far, and the total if the server said it.
using Progress = std::function<void(std::size_t done, std::optional<std::size_t> total)>;

/// GETs `url` into the file `path`, piece by piece as the body arrives (never the whole body in
/// memory), calling `progress` after each piece, and gives the number of bytes written. A
/// status of 400 or more is ClientResponseError, with no file made. If the body breaks off, the
/// error is thrown and no partial file is left behind.
inline aio::Task<std::size_t> download(aio::http::ClientSession& session, std::string url, std::string path,
                                       Progress progress) {
  aio::http::Response response = co_await session.get(url);
  if (!response.ok()) {
    response.release();
    response.raise_for_status();
  }
  const std::optional<std::size_t> total = response.content_length();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    response.release();
    throw std::runtime_error("cannot write " + path);
  }
  std::size_t done = 0;
  try {
    for (std::string piece = co_await response.read_chunk(); !piece.empty(); piece = co_await response.read_chunk()) {
      file.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      done += piece.size();
      progress(done, total);
    }
  } catch (...) {
    file.close();
    std::remove(path.c_str());
    throw;
  }
  co_return done;
}
