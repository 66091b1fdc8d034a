// The response parser: llhttp's callbacks, collected into a status, headers and body.
#include "aio/http/parser.hpp"

#include "aio/http/errors.hpp"

#include <llhttp.h>
#include <zlib.h>

#include <cstring>

namespace aio::http {

struct ResponseParser::Llhttp {
  llhttp_t parser;
};

// A body sent with Content-Encoding gzip or deflate, inflated as it comes (zlib detects which
// of the two wrappings it has).
class ResponseParser::Inflater {
public:
  Inflater() {
    if (inflateInit2(&stream_, 15 + 32) != Z_OK) throw ClientPayloadError("zlib could not start inflating");
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates `bytes` onto the end of `out`.
  void inflate(std::string_view bytes, std::string& out) {
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uInt>(bytes.size());
    while (stream_.avail_in > 0 && !ended_) {
      char piece[16384];
      stream_.next_out = reinterpret_cast<Bytef*>(piece);
      stream_.avail_out = sizeof piece;
      const int result = ::inflate(&stream_, Z_NO_FLUSH);
      if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR)
        throw ClientPayloadError(std::string("the compressed body is corrupt: ") +
                                 (stream_.msg != nullptr ? stream_.msg : "zlib error"));
      out.append(piece, sizeof piece - stream_.avail_out);
      if (result == Z_STREAM_END) ended_ = true;
      if (result == Z_BUF_ERROR) break;
    }
  }
  // At the end of the body: the compressed stream must have ended too.
  void finish() const {
    if (!ended_) throw ClientPayloadError("the compressed body ended before its compressed stream did");
  }

private:
  z_stream stream_{};
  bool ended_ = false;
};

// llhttp calls plain functions with its parser; `data` points back at ours.
struct Callbacks {
  static ResponseParser& of(llhttp_t* parser) { return *static_cast<ResponseParser*>(parser->data); }

  static int refuse(ResponseParser& self, std::string why) {
    self.error_ = std::move(why);
    return -1;
  }

  static int message_begin(llhttp_t* parser) {
    of(parser).started_ = true;
    return 0;
  }
  static int status(llhttp_t* parser, const char* at, std::size_t length) {
    ResponseParser& self = of(parser);
    self.reason_.append(at, length);
    return self.count_head(length);
  }
  static int header_field(llhttp_t* parser, const char* at, std::size_t length) {
    ResponseParser& self = of(parser);
    if (self.in_value_ && self.end_header() != 0) return -1;
    self.field_.append(at, length);
    if (self.field_.size() > self.limits_.max_field_size)
      return refuse(self, "a header name is longer than " + std::to_string(self.limits_.max_field_size) + " bytes");
    return self.count_head(length);
  }
  static int header_value(llhttp_t* parser, const char* at, std::size_t length) {
    ResponseParser& self = of(parser);
    self.in_value_ = true;
    self.value_.append(at, length);
    if (self.value_.size() > self.limits_.max_field_size)
      return refuse(self, "the value of header '" + self.field_ + "' is longer than " +
                              std::to_string(self.limits_.max_field_size) + " bytes");
    return self.count_head(length);
  }
  static int headers_complete(llhttp_t* parser) {
    ResponseParser& self = of(parser);
    if ((self.in_value_ || !self.field_.empty()) && self.end_header() != 0) return -1;
    self.status_ = parser->status_code;
    if (self.status_ >= 200 || self.status_ == 101) {
      self.head_done_ = true;
      const auto encoding = self.headers_.get("Content-Encoding");
      if (encoding && (has_token(*encoding, "gzip") || has_token(*encoding, "deflate")))
        self.inflater_ = std::make_unique<ResponseParser::Inflater>();
    }
    // 1: no body, whatever Content-Length says: the response to a HEAD, a 204, a 304
    // (RFC 9112, 6.3; llhttp would read a 304's announced length otherwise).
    return self.head_request_ || self.status_ == 204 || self.status_ == 304 ? 1 : 0;
  }
  static int body(llhttp_t* parser, const char* at, std::size_t length) {
    ResponseParser& self = of(parser);
    self.wire_body_ += length;
    try {
      if (self.inflater_) {
        self.inflater_->inflate({at, length}, self.body_);
      } else {
        self.body_.append(at, length);
      }
    } catch (const ClientPayloadError& error) {
      return refuse(self, error.what());
    }
    return 0;
  }
  static int message_complete(llhttp_t* parser) {
    ResponseParser& self = of(parser);
    if (!self.head_done_) { // a 1xx informational response: the real one follows
      self.headers_.clear();
      self.reason_.clear();
      self.head_size_ = 0;
      return 0;
    }
    if ((self.in_value_ || !self.field_.empty()) && self.end_header() != 0) return -1; // trailers
    if (self.inflater_) {
      try {
        self.inflater_->finish();
      } catch (const ClientPayloadError& error) {
        return refuse(self, error.what());
      }
    }
    self.done_ = true;
    self.keep_alive_ = llhttp_should_keep_alive(parser) != 0;
    return HPE_PAUSED; // stop here: bytes after the response are not ours to parse
  }
  static llhttp_settings_t make() {
    llhttp_settings_t settings;
    llhttp_settings_init(&settings);
    settings.on_message_begin = message_begin;
    settings.on_status = status;
    settings.on_header_field = header_field;
    settings.on_header_value = header_value;
    settings.on_headers_complete = headers_complete;
    settings.on_body = body;
    settings.on_message_complete = message_complete;
    return settings;
  }
};

namespace {
const llhttp_settings_t settings = Callbacks::make();
}

ResponseParser::ResponseParser(std::string_view method, ParserLimits limits)
    : llhttp_(std::make_unique<Llhttp>()), limits_(limits), head_request_(method == "HEAD") {
  llhttp_init(&llhttp_->parser, HTTP_RESPONSE, &settings);
  llhttp_->parser.data = this;
  headers_.reserve(16); // one allocation for the usual number
}

ResponseParser::~ResponseParser() = default;

int ResponseParser::count_head(std::size_t length) {
  head_size_ += length;
  if (head_size_ > limits_.max_head_size)
    return Callbacks::refuse(*this, "the status line and headers are larger than " +
                                        std::to_string(limits_.max_head_size) + " bytes");
  return 0;
}

int ResponseParser::end_header() {
  Headers& into = head_done_ ? trailers_ : headers_;
  if (into.size() == limits_.max_headers)
    return Callbacks::refuse(*this, "more than " + std::to_string(limits_.max_headers) + " headers");
  into.add(std::move(field_), std::move(value_));
  field_.clear();
  value_.clear();
  in_value_ = false;
  return 0;
}

std::size_t ResponseParser::feed(std::string_view bytes) {
  if (done_) return 0;
  llhttp_t& parser = llhttp_->parser;
  const llhttp_errno_t result = llhttp_execute(&parser, bytes.data(), bytes.size());
  if (!error_.empty()) fail();
  if (result == HPE_PAUSED) return static_cast<std::size_t>(llhttp_get_error_pos(&parser) - bytes.data());
  if (result != HPE_OK) fail();
  return bytes.size();
}

void ResponseParser::finish() {
  if (done_) return;
  if (!started_) throw ServerDisconnectedError("the server closed the connection without answering");
  llhttp_t& parser = llhttp_->parser;
  const llhttp_errno_t result = llhttp_finish(&parser);
  if (!error_.empty()) fail();
  if (result != HPE_OK && result != HPE_PAUSED) {
    if (!head_done_) throw ServerDisconnectedError("the server closed the connection in the middle of its headers");
    throw ClientPayloadError(
        "the server closed the connection before the body was complete (" + std::to_string(wire_body_) + " bytes came" +
        (headers_.contains("Content-Length") ? " of the " + std::string(*headers_.get("Content-Length")) + " announced)"
                                             : ")"));
  }
  if (!done_) throw ClientPayloadError("the server closed the connection before the body was complete");
}

void ResponseParser::fail() {
  std::string why = !error_.empty() ? error_ : llhttp_get_error_reason(&llhttp_->parser);
  if (head_done_) throw ClientPayloadError("the body is not valid HTTP/1.1: " + why);
  throw InvalidResponse("the response is not valid HTTP/1.1: " + why);
}

} // namespace aio::http
