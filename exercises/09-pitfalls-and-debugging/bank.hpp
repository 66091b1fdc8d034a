// Exercise 9.4: find the bug. One transfer at a time works; two at once between the same two
// accounts, in opposite directions, never finish, and the tests say why.
#pragma once

#include "aio/lock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <string>

/// A bank account: a transfer holds the locks of both accounts while it moves the money.
struct Account {
  std::string name;
  int balance = 0;
  aio::Lock lock;
};

/// Moves `amount` from `from` to `to`, holding both accounts' locks meanwhile (reading the
/// balances takes 10 ms, during which other transfers run).
inline aio::Task<> transfer(Account& from, Account& to, int amount) {
  auto hold_from = co_await from.lock.scoped();
  co_await aio::sleep(std::chrono::milliseconds(10));
  auto hold_to = co_await to.lock.scoped();
  from.balance -= amount;
  to.balance += amount;
}
