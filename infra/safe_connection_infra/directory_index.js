// CloudFront Function (runtime cloudfront-js-2.0), viewer request, on the web site's default
// behaviour (infra/safe_connection_infra/web.py). S3 behind Origin Access Control has no
// directory indexes, so:
//   /officer/        -> serve /officer/index.html (the viewer's URL stays /officer/)
//   /officer         -> 301 to /officer/ (query string kept), so relative URLs resolve
//   /assets/app.js   -> unchanged (the last path segment has a dot: it is a file)
// Tested with node in tests/infra/test_web.py.

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
    return request;
  }
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) {
    return {
      statusCode: 301,
      statusDescription: "Moved Permanently",
      headers: { location: { value: uri + "/" + queryString(request.querystring) } },
    };
  }
  return request;
}

// The request's query string as received ("?a=1&b=2&b=3"), or "" when it has none.
function queryString(querystring) {
  var parts = [];
  for (var name in querystring) {
    var entry = querystring[name];
    var values = entry.multiValue ? entry.multiValue : [entry];
    for (var i = 0; i < values.length; i++) {
      parts.push(values[i].value === "" ? name : name + "=" + values[i].value);
    }
  }
  return parts.length ? "?" + parts.join("&") : "";
}
