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

namespace detail10 {
// The answer to one command line (without its line end), and whether the client is done.
inline std::string answer(std::string_view line, Store& store, bool& quit) {
  const std::size_t space = line.find(' ');
  const std::string_view command = line.substr(0, space);
  const std::string_view rest = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  if (command == "SET") {
    const std::size_t gap = rest.find(' ');
    if (gap == std::string_view::npos || gap == 0) return "ERROR usage: SET <key> <value>";
    store.insert_or_assign(std::string(rest.substr(0, gap)), std::string(rest.substr(gap + 1)));
    return "OK";
  }
  if (command == "GET" || command == "DEL") {
    if (rest.empty() || rest.find(' ') != std::string_view::npos)
      return "ERROR usage: " + std::string(command) + " <key>";
    const auto found = store.find(rest);
    if (found == store.end()) return "NOT_FOUND";
    if (command == "DEL") {
      store.erase(found);
      return "DELETED";
    }
    return "VALUE " + found->second;
  }
  if (command == "QUIT" && rest.empty()) {
    quit = true;
    return "BYE";
  }
  return "ERROR unknown command";
}
} // namespace detail10

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
  bool quit = false;
  try {
    while (!quit) {
      std::string line = co_await reader.readline();
      if (line.empty()) break; // the client ended its stream
      if (line.back() == '\n') line.pop_back();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      writer.write(detail10::answer(line, store, quit) + "\n");
      co_await writer.drain();
    }
  } catch (const aio::LimitOverrunError&) {
    writer.write("ERROR line too long\n");
  } catch (const aio::ConnectionResetError&) {
    // the client vanished: nothing to answer
  }
  writer.close();
  co_await writer.wait_closed();
}
