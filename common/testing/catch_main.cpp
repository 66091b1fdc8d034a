// The course's test main, compiled once for every test program.
//
// Beyond Catch2's own main it adds two things the grader relies on:
// - with AIO_GRADE_REPORT=<file> set, a line-based record of each test case (its first
//   failure, the pitfalls reported, whether it reached an AIO_TODO) for `./course grade`,
//   described in grade_record.hpp;
// - `--aio-all-must-fail`, the honesty check CI runs on the untouched exercise stubs: the
//   run passes only if it ran tests and every one of them failed;
// - a stall handler: when the watchdog reports a step that is still blocked (an endless loop,
//   a call that never returns), the test fails at once with that report, instead of hanging
//   until CTest's timeout and dying without a word.
#define CATCH_CONFIG_RUNNER
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include "grade_record.hpp"

#include "aio/testing/guard.hpp"
#include "aio/todo.hpp"
#include "aio/watchdog.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Tally {
  int cases = 0;
  std::vector<std::string> passed;
};
Tally tally;

// The grade record (AIO_GRADE_REPORT), and the test running now: also used by the stall
// handler, on the watchdog's thread, while the test's thread is stuck in a step.
std::unique_ptr<std::ofstream> grade_file;
std::string current_test;

void grade_line(const std::string& line) {
  if (grade_file) *grade_file << line << '\n' << std::flush;
}

namespace record = aio::testing::grade_record;

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

class GradeListener : public Catch::TestEventListenerBase {
public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    todos_before_ = aio::todo_count();
    first_failure_shown_ = false;
    current_test = info.name;
    write(record::line("case", {info.name}));
  }

  bool assertionEnded(const Catch::AssertionStats& stats) override {
    const auto& result = stats.assertionResult;
    if (result.isOk()) return true;
    const std::string message = result.getMessage();
    if (starts_with(message, aio::testing::pitfall_prefix)) {
      write(record::line("pitfall", {message.substr(std::strlen(aio::testing::pitfall_prefix))}));
      return true;
    }
    if (starts_with(message, aio::testing::not_started_prefix)) {
      write(record::line("todo", {message.substr(std::strlen(aio::testing::not_started_prefix))}));
      return true;
    }
    if (first_failure_shown_) return true;
    first_failure_shown_ = true;
    const auto& where = result.getSourceInfo();
    if (result.getResultType() == Catch::ResultWas::ThrewException &&
        result.getExpression().find("Unknown expression") != std::string::npos) {
      // Thrown outside any check: Catch only knows the last check's line, which would mislead.
      write(record::line("fail", {"an exception escaped the test", message}));
      return true;
    }
    std::string detail;
    if (result.hasExpression()) {
      detail += result.getExpressionInMacro();
      if (result.hasExpandedExpression()) detail += "\nwith expansion: " + result.getExpandedExpression();
    }
    for (const auto& info : stats.infoMessages) {
      if (info.message != message) detail += "\n" + info.message;
    }
    if (!message.empty()) detail += (detail.empty() ? "" : "\n") + message;
    write(record::line("fail", {std::string(where.file) + ":" + std::to_string(where.line), detail}));
    return true;
  }

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    const bool ok = stats.totals.assertions.failed == 0 && stats.totals.testCases.failed == 0;
    ++tally.cases;
    if (ok) tally.passed.push_back(stats.testInfo.name);
    if (aio::todo_count() != todos_before_) write(record::line("todo")); // reached even if the test swallowed it
    write(record::line("end", {ok ? "passed" : "failed"}));
  }

private:
  static void write(const std::string& line) { grade_line(line); }

  unsigned long todos_before_ = 0;
  bool first_failure_shown_ = false;
};

// A step has been running for longer than the stall limit and has not returned: the test can
// neither pass nor go on. Say which test and why, record it for the grader, and stop now.
void fail_stalled_test(const aio::PitfallReport& report) {
  const std::string text = report.text();
  std::cout.flush();
  std::cerr << "\n"
            << current_test << "\nFAILED: stopped by the watchdog after a step that did not return:\n"
            << text << std::endl;
  grade_line(record::line("pitfall", {text}));
  grade_line(record::line("end", {"failed"}));
  std::_Exit(1);
}

} // namespace

CATCH_REGISTER_LISTENER(GradeListener)

int main(int argc, char** argv) {
  bool all_must_fail = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--aio-all-must-fail") == 0) {
      all_must_fail = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  if (const char* path = std::getenv(record::variable))
    grade_file = std::make_unique<std::ofstream>(path, std::ios::app);
  aio::set_stall_limit(aio::testing::test_stall_limit);
  aio::set_stall_handler(fail_stalled_test);

  Catch::Session session;
  const int rc = session.run(static_cast<int>(args.size()), args.data());
  if (!all_must_fail) return rc;

  // Honesty: an exercise test that passes on the untouched stub checks nothing.
  if (tally.cases == 0) {
    std::cerr << "honesty check: no test case ran\n";
    return 1;
  }
  for (const auto& name : tally.passed) {
    std::cerr << "honesty check: test '" << name << "' passes on the untouched stub, so it cannot tell a "
              << "finished exercise from an unfinished one\n";
  }
  if (!tally.passed.empty()) return 1;
  std::cout << "honesty check: all " << tally.cases << " test cases fail on the untouched stubs, as they should\n";
  return 0;
}
