using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Errors;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Builds the HTTP request for one call. The model can never choose the host: the URI is the configured base URL
/// plus the operation's path template, each path argument percent-encoded as exactly one segment (so <c>../</c>,
/// <c>//host</c>, encoded slashes and absolute URLs stay inside it) unless an administrator lets it span several,
/// and the result is checked to still be under the base URL before anything is sent.
/// </summary>
public sealed class RequestBuilder
{
    private readonly Uri _baseUrl;
    private readonly string _basePath;

    public RequestBuilder(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _baseUrl = baseUrl;
        _basePath = baseUrl.AbsolutePath.TrimEnd('/');
    }

    public HttpRequestMessage Build(ApiOperation operation, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(arguments);
        var path = new StringBuilder(_basePath);
        foreach (string segment in operation.PathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path.Append('/').Append(ExpandSegment(segment, operation, arguments));
        }

        var query = new StringBuilder();
        foreach (ApiParameter parameter in operation.Parameters.Where(p => p.In == ParameterIn.Query))
        {
            if (arguments.TryGetValue(parameter.Name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                AppendQuery(query, parameter, value);
            }
        }

        string authority = _baseUrl.GetLeftPart(UriPartial.Authority);
        var uri = new Uri(authority + (path.Length == 0 ? "/" : path.ToString()) + (query.Length > 0 ? "?" + query : ""),
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        EnsureUnderBase(uri);

        var request = new HttpRequestMessage(operation.Method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.1));
        foreach (ApiParameter parameter in operation.Parameters.Where(p => p.In == ParameterIn.Header))
        {
            if (arguments.TryGetValue(parameter.Name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                string text = Scalar(value);
                // HTTP header values are ASCII: .NET refuses anything else at send time, which would look like an
                // unreachable service (and be retried). Control characters would split the header.
                if (text.Any(c => c > '\u007E' || char.IsControl(c)))
                {
                    throw new ToolInputException($"`{parameter.Name}` is a header value: only printable ASCII characters are allowed (no line breaks, control or non-ASCII characters).");
                }

                request.Headers.TryAddWithoutValidation(parameter.Name, text);
            }
        }

        if (operation.Body is { } body && arguments.TryGetValue(OperationCatalog.BodyArgument, out JsonElement content))
        {
            request.Content = new StringContent(content.GetRawText(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(body.ContentType) { CharSet = "utf-8" };
        }

        return request;
    }

    /// <summary>Defence in depth: whatever the template, the request stays on the base URL's origin and path.</summary>
    private void EnsureUnderBase(Uri uri)
    {
        bool sameOrigin = uri.Scheme == _baseUrl.Scheme && string.Equals(uri.Host, _baseUrl.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == _baseUrl.Port && string.IsNullOrEmpty(uri.UserInfo);
        string path = uri.AbsolutePath;
        bool underPath = path.StartsWith(_basePath + "/", StringComparison.Ordinal) || path == _basePath || (_basePath.Length == 0 && path == "/");
        if (!sameOrigin || !underPath || path.Split('/').Any(s => s is "." or ".."))
        {
            throw new InvalidOperationException("A request URI left the configured base URL; refusing to send it.");
        }
    }

    private static string ExpandSegment(string segment, ApiOperation operation, IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < segment.Length)
        {
            int open = segment.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(segment, i, segment.Length - i);
                break;
            }

            int close = segment.IndexOf('}', open);
            if (close < 0)
            {
                throw new InvalidOperationException($"Malformed path template {operation.PathTemplate}.");
            }

            sb.Append(segment, i, open - i);
            string name = segment[(open + 1)..close];
            if (!arguments.TryGetValue(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                throw new ToolInputException($"`{name}` is required: it is part of the path {operation.PathTemplate}.");
            }

            bool multiSegment = operation.Parameters.Any(p => p.In == ParameterIn.Path && p.Name == name && p.MultiSegment);
            sb.Append(multiSegment ? EncodeSegments(name, Scalar(value)) : EncodeSegment(name, Scalar(value)));
            i = close + 1;
        }

        return sb.ToString();
    }

    /// <summary>
    /// One path segment: everything outside RFC 3986 unreserved characters is percent-encoded (so '/', '?', '#',
    /// '%', '\' and ':' are data). A whole value of "." or ".." is refused: web servers decode and normalise it into
    /// a step up even when it arrives percent-encoded.
    /// </summary>
    public static string EncodeSegment(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value is "." or "..")
        {
            throw new ToolInputException($"`{name}` must not be empty, \".\" or \"..\": it is one segment of the request path.");
        }

        return Uri.EscapeDataString(value);
    }

    /// <summary>
    /// Several path segments (an administrator's <c>MultiSegmentPathParameters</c>): the value is split at '/' and
    /// each part encoded as one segment. Here a step up would be a real one, so every part must be a plain name:
    /// empty, "." and ".." parts are refused, also when they only appear after percent-decoding (a proxy or the
    /// service may decode more than once), and so are '' (some servers read it as '/') and encoded slashes.
    /// </summary>
    public static string EncodeSegments(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] parts = value.Split('/');
        if (parts.Select(Decoded).Any(p => p is "" or "." or ".." || p.Contains('/', StringComparison.Ordinal) || p.Contains('\\', StringComparison.Ordinal)))
        {
            throw new ToolInputException($"`{name}` is a path of segments separated by '/' (e.g. reports/2026/q1.pdf): no segment may be empty, \".\" or \"..\" (also percent-encoded), and backslashes and encoded slashes are not allowed.");
        }

        return string.Join('/', parts.Select(Uri.EscapeDataString));
    }

    /// <summary>The text percent-decoded until decoding changes nothing more.</summary>
    private static string Decoded(string text)
    {
        string previous;
        do
        {
            previous = text;
            text = Uri.UnescapeDataString(text);
        }
        while (text != previous);

        return text;
    }

    private static void AppendQuery(StringBuilder query, ApiParameter parameter, JsonElement value)
    {
        string name = Uri.EscapeDataString(parameter.Name);
        if (value.ValueKind != JsonValueKind.Array)
        {
            Append(query, name, Uri.EscapeDataString(Scalar(value)));
            return;
        }

        string[] items = [.. value.EnumerateArray().Select(v => Uri.EscapeDataString(Scalar(v)))];
        if (items.Length == 0)
        {
            return;
        }

        if (parameter.Explode && parameter.Style == QueryStyle.Form)
        {
            foreach (string item in items)
            {
                Append(query, name, item);
            }

            return;
        }

        string delimiter = parameter.Style switch
        {
            QueryStyle.SpaceDelimited => "%20",
            QueryStyle.PipeDelimited => "%7C",
            _ => ",",
        };
        Append(query, name, string.Join(delimiter, items));
    }

    private static void Append(StringBuilder query, string name, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(value);
    }

    /// <summary>
    /// A JSON number as a service reads it from a path or query string. JSON (and the validator, for "type":
    /// "integer") accepts <c>1e1</c> and <c>10.0</c> for the integer 10, which a service would not parse as one: an
    /// integral value is written as plain digits. Other numbers are sent as written.
    /// </summary>
    public static string Number(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        int e = raw.IndexOfAny(['e', 'E']);
        string mantissa = e < 0 ? raw : raw[..e];
        long exponent = 0;
        if (e >= 0 && !long.TryParse(raw.AsSpan(e + 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out exponent))
        {
            return raw;
        }

        bool negative = mantissa.StartsWith('-');
        mantissa = negative ? mantissa[1..] : mantissa;
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string integer = dot < 0 ? mantissa : mantissa[..dot];
        string digits = (integer + (dot < 0 ? "" : mantissa[(dot + 1)..])).TrimEnd('0');
        long point = integer.Length + exponent;
        int leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits[leading..];
        point -= leading;
        if (digits.Length == 0)
        {
            return "0";
        }

        // Integral when every digit stands before the decimal point; absurdly large values stay as written.
        if (point < digits.Length || point > 1000)
        {
            return raw;
        }

        return (negative ? "-" : "") + digits + new string('0', (int)(point - digits.Length));
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => Number(value.GetRawText()),
        JsonValueKind.Null => "",
        _ => throw new ToolInputException("Path, query and header arguments must be strings, numbers or booleans."),
    };
}
