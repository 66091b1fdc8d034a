// URLs: what the client accepts, and redirects' Locations joined as RFC 3986's examples say.
#include "aio/http/errors.hpp"
#include "aio/http/url.hpp"

#include <catch2/catch.hpp>

using aio::http::InvalidURL;
using aio::http::Url;
using Catch::Matchers::Contains;

TEST_CASE("Url::parse splits host, port and target", "[ch12][url]") {
  const Url plain = Url::parse("http://Example.COM/a/b?x=1#top");
  CHECK(plain.host == "example.com");
  CHECK(plain.port == 80);
  CHECK(plain.target == "/a/b?x=1");
  CHECK(plain.authority() == "example.com");
  const Url ported = Url::parse("http://127.0.0.2:8080");
  CHECK(ported.port == 8080);
  CHECK(ported.target == "/");
  CHECK(ported.to_string() == "http://127.0.0.2:8080/");
  const Url six = Url::parse("http://[::1]:81/p");
  CHECK(six.host == "::1");
  CHECK(six.authority() == "[::1]:81");
}

TEST_CASE("Url::parse refuses what it cannot use, saying why", "[ch12][url]") {
  CHECK_THROWS_WITH(Url::parse("https://example.com/"), Contains("https needs TLS"));
  CHECK_THROWS_WITH(Url::parse("ftp://example.com/"), Contains("not an absolute http:// URL"));
  CHECK_THROWS_WITH(Url::parse("example.com/x"), Contains("not an absolute http:// URL"));
  CHECK_THROWS_WITH(Url::parse("http:/x"), Contains("has no host"));
  CHECK_THROWS_WITH(Url::parse("http://:80/"), Contains("has no host"));
  CHECK_THROWS_WITH(Url::parse("http://h:0/"), Contains("from 1 to 65535"));
  CHECK_THROWS_WITH(Url::parse("http://h:99999/"), Contains("from 1 to 65535"));
  CHECK_THROWS_WITH(Url::parse("http://h/a b"), Contains("space or a control character"));
  CHECK_THROWS_WITH(Url::parse("http://h/a\r\nX-Injected: 1"), Contains("space or a control character"));
  CHECK_THROWS_AS(Url::parse("http://user:pw@h/"), InvalidURL);
}

TEST_CASE("Url::join resolves references as RFC 3986 section 5.4 does", "[ch12][url]") {
  const Url base = Url::parse("http://a/b/c/d;p?q");
  // (The RFC's normal examples, for an http base.)
  CHECK(base.join("g").to_string() == "http://a/b/c/g");
  CHECK(base.join("./g").to_string() == "http://a/b/c/g");
  CHECK(base.join("g/").to_string() == "http://a/b/c/g/");
  CHECK(base.join("/g").to_string() == "http://a/g");
  CHECK(base.join("//g").to_string() == "http://g/");
  CHECK(base.join("?y").to_string() == "http://a/b/c/d;p?y");
  CHECK(base.join("g?y").to_string() == "http://a/b/c/g?y");
  CHECK(base.join("#s").to_string() == "http://a/b/c/d;p?q");
  CHECK(base.join("").to_string() == "http://a/b/c/d;p?q");
  CHECK(base.join(".").to_string() == "http://a/b/c/");
  CHECK(base.join("..").to_string() == "http://a/b/");
  CHECK(base.join("../g").to_string() == "http://a/b/g");
  CHECK(base.join("../..").to_string() == "http://a/");
  CHECK(base.join("../../g").to_string() == "http://a/g");
  // (Its abnormal ones: more ".." than segments stop at the root.)
  CHECK(base.join("../../../g").to_string() == "http://a/g");
  CHECK(base.join("/./g").to_string() == "http://a/g");
  CHECK(base.join("/../g").to_string() == "http://a/g");
  CHECK(base.join("g.").to_string() == "http://a/b/c/g.");
  CHECK(base.join("g/../h").to_string() == "http://a/b/c/h");
  // An absolute Location replaces everything, an https one is refused.
  CHECK(base.join("http://other:81/x").to_string() == "http://other:81/x");
  CHECK_THROWS_WITH(base.join("https://other/"), Contains("https needs TLS"));
}
