// Chapter 10's demos, callable from the demo program and from the tests that check their output.
#pragma once

#include "aio/clock.hpp"

namespace aio::demos {

/// The seeds' pizza server, and a client that orders 10 pizzas at once: each takes 2 s to
/// bake, all 10 arrive after 2 s, not 20. Then a SIGINT (what Ctrl-C sends) shuts the server
/// down gracefully.
void pizza(Clock& clock);
/// An echo server and a client that sends three lines and reads each one back.
void echo(Clock& clock);
/// A line protocol: one readline() per command (ADD, UPPER, QUIT), one line per answer.
void line_protocol(Clock& clock);

} // namespace aio::demos
