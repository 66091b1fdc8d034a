// Exercise 12.2: download().
#pragma once

#include "aio/http/session.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

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
  (void)session;
  (void)url;
  (void)path;
  (void)progress;
  AIO_TODO("12.2");
  co_return 0;
}
