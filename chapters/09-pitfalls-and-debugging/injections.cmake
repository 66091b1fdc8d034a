# The injection suite: for each earlier chapter, the two signature pitfalls put into a correct
# solution on purpose, and the proof that the chapter's exercise tests fail and name them (see
# aio_inject). Chapter 03 has only callbacks, so nothing there can forget a co_await; chapter
# 01's generators are "never run" instead.
set(sleep "std::this_thread::sleep_for(std::chrono::milliseconds(60)); /* injected */ ")

aio_inject(01 forgotten_co_await FILE chain.hpp
  REPLACE "for (const T& value : second) co_yield value;"
  WITH    "(void)second; /* injected: the second generator is never run */")
aio_inject(01 blocking_sleep FILE chain.hpp
  REPLACE "for (const T& value : first) co_yield value;"
  WITH    "for (const T& value : first) { ${sleep}co_yield value; }")

aio_inject(02 forgotten_co_await FILE retry.hpp
  REPLACE "co_return co_await make();"
  WITH    "auto forgotten = make(); /* injected: forgot co_await */ co_return co_await make();")
aio_inject(02 blocking_sleep FILE retry.hpp
  REPLACE "co_await coro::sleep(pause);"
  WITH    "${sleep}")

aio_inject(03 blocking_sleep FILE call_every.hpp
  REPLACE "++state->calls;"
  WITH    "++state->calls; ${sleep}")

aio_inject(04 forgotten_co_await FILE background.hpp
  REPLACE "tasks_.push_back(aio::create_task(std::move(coroutine)));"
  WITH    "auto forgotten = std::move(coroutine); /* injected: never started, never awaited */")
aio_inject(04 blocking_sleep FILE wait_first.hpp
  REPLACE "co_return co_await winner;"
  WITH    "${sleep}co_return co_await winner;")

# [ch05]
aio_inject(05 forgotten_co_await FILE retry.hpp
  REPLACE "co_return co_await make_attempt();"
  WITH    "auto forgotten = make_attempt(); /* injected: forgot co_await */ co_return co_await make_attempt();")
aio_inject(05 blocking_sleep FILE retry.hpp
  REPLACE "co_await aio::sleep(delay);"
  WITH    "${sleep}")
# [ch05]

aio_inject(06 forgotten_co_await FILE deadline.hpp
  REPLACE "co_return co_await aio::timeout_at(end_, std::move(step));"
  WITH    "(void)aio::timeout_at(end_, std::move(step)); /* injected: forgot co_await */ throw aio::TimeoutError();")
aio_inject(06 blocking_sleep FILE first_completed.hpp
  REPLACE "aio::Waited<T> first = co_await"
  WITH    "${sleep}aio::Waited<T> first = co_await")

aio_inject(07 forgotten_co_await FILE transform.hpp
  REPLACE "auto out = co_await fn(*item);"
  WITH    "auto forgotten = fn(*item); /* injected: forgot co_await */ auto out = co_await fn(*item);")
aio_inject(07 blocking_sleep FILE take.hpp
  REPLACE "co_yield std::move(*item);"
  WITH    "${sleep}co_yield std::move(*item);")

aio_inject(08 forgotten_co_await FILE worker_pool.hpp
  REPLACE "results[i].emplace(co_await fn(items[i]));"
  WITH    "auto forgotten = fn(items[i]); /* injected: forgot co_await */ results[i].emplace(co_await fn(items[i]));")
aio_inject(08 blocking_sleep FILE token_bucket.hpp
  REPLACE "auto turn = co_await lock_.scoped();"
  WITH    "${sleep}auto turn = co_await lock_.scoped();")
