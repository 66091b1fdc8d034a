// The grade record: what a test program writes, with AIO_GRADE_REPORT=<file> set, for
// `./course grade` (which reads it with awk). This is its one description.
//
// One line per event; fields are separated by a tab, and no field holds a tab or a newline
// (a tab is written as a space, a newline as the two characters \n):
//
//   case <TAB> NAME                          a test case starts
//   fail <TAB> FILE:LINE <TAB> DETAIL        its first failed check: where, the check, its values
//   fail <TAB> an exception escaped the test <TAB> MESSAGE
//   pitfall <TAB> REPORT                     a pitfall reported during the case, one per line
//   todo [<TAB> WHERE]                       it reached an AIO_TODO ("not started"); WHERE says
//                                            which file and line, and may be missing
//   end <TAB> passed  |  end <TAB> failed    the case is over
//
// A program stopped by the watchdog writes its last case's pitfall and `end failed` first.
#pragma once

#include <fstream>
#include <initializer_list>
#include <string>

namespace aio::testing::grade_record {

/// The environment variable that names the record's file.
inline constexpr const char* variable = "AIO_GRADE_REPORT";

/// `text` as one field: tabs become spaces, newlines the two characters \n.
inline std::string field(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c == '\t' ? ' ' : c;
    }
  }
  return out;
}

/// One line: the event's kind ("case", "fail", ...), then each field.
inline std::string line(const char* kind, std::initializer_list<std::string> fields = {}) {
  std::string out = kind;
  for (const std::string& f : fields) out += "\t" + field(f);
  return out;
}

} // namespace aio::testing::grade_record
