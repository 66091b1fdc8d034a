// Exercise 10.1: a key-value server speaking a line protocol.
#pragma once

#include "aio/errors.hpp"
#include "aio/streams.hpp"
#include "aio/task.hpp"

#include "aio/todo.hpp"

#include <map>
#include <string>
#include <string_view>

/// The data every client of one server shares.
using Store = std::map<std::string, std::string, std::less<>>;

/// Serves one client of a key-value server, one command per line, one answer line each:
///   SET <key> <value>  ->  OK             (the value is the rest of the line)
///   GET <key>          ->  VALUE <value>, or NOT_FOUND
///   DEL <key>          ->  DELETED, or NOT_FOUND
///   QUIT               ->  BYE, and the connection closes
///   anything else      ->  ERROR <why>
/// Lines end with "\n" (a "\r" before it is ignored). A line longer than the reader's limit is
/// answered "ERROR line too long" and the connection closes. When the client ends its stream,
/// the handler closes the connection and returns. It always waits for the close to finish.
inline aio::Task<> serve_kv(aio::StreamReader reader, aio::StreamWriter writer, Store& store) {
  (void)reader;
  (void)writer;
  (void)store;
  AIO_TODO("10.1");
  co_return;
}
