// Parking: what a suspended task waits on, seen through one small interface.
//
// A task waits on many kinds of things: a future, another task, a timer, a lock's queue (chapter
// 08), a socket (chapter 10), a result from another thread (chapter 11). Each kind registers the
// task in its own way, and wakes it in its own way; what the rest of the runtime needs from any
// of them is three things, and they are this interface. A task holds one pointer to the Parking
// it is parked on: cancelling it asks that Parking, dropping it asks that Parking, a task dump
// asks that Parking. A new kind of wait is a new implementation, in its own chapter; the task
// itself does not change.
#pragma once

#include <string>

namespace aio::detail {

class PromiseBase;

// [parking]
/// What a suspended task is parked on (Python: the future in `task._fut_waiter`; here also a
/// timer, a waiter's place in a queue, and later a socket).
class Parking {
public:
  /// What cancel() did.
  enum class Cancelled : unsigned char {
    passed_on, ///< what the task waits on took the cancellation: how it ends wakes the task
    woken,     ///< the task is queued to run (now, or already was): it takes CancelledError then
    refused,   ///< the wait does not allow it (a gather whose work is all done): not cancelled
  };
  /// The task parked here is being cancelled: wake it, or pass the cancellation on, or refuse.
  virtual Cancelled cancel(PromiseBase& task) noexcept = 0;
  /// The task parked here will never run (its loop closed, or aio::run gave up on it): forget
  /// it without waking it.
  virtual void abandon(PromiseBase& task) noexcept = 0;
  /// What the task does, for a task dump: "waits on a Lock", "is asleep: a timer will wake it".
  virtual std::string describe() const = 0;
  /// The task it waits for, if it waits for one (a dump follows these to find rings).
  virtual PromiseBase* awaited_task() const noexcept { return nullptr; }

protected:
  ~Parking() = default; // it lives in the coroutine frame, as part of an awaiter
};
// [parking]

} // namespace aio::detail
