// Exercise 9.4, solved: each transfer took its `from` lock first, so two transfers in opposite
// directions each held one lock and waited for the other's (the deadlock report showed both at
// the same line). Taking the two locks in one order for everyone, by address, makes a ring of
// waiting impossible.
#pragma once

#include "aio/lock.hpp"
#include "aio/sleep.hpp"
#include "aio/task.hpp"

#include <chrono>
#include <functional>
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
  Account& first = std::less<>{}(&from, &to) ? from : to; // std::less orders any two pointers
  Account& second = &first == &from ? to : from;
  auto hold_first = co_await first.lock.scoped();
  co_await aio::sleep(std::chrono::milliseconds(10));
  auto hold_second = co_await second.lock.scoped();
  from.balance -= amount;
  to.balance += amount;
}
