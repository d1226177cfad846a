using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging;

namespace McpServers.Shared.Http;

/// <summary>
/// The outermost handler of every backend client: backends are untrusted. Header values are checked before anything
/// is sent; a redirect is an error unless it stays on the base URL (GET/HEAD, bounded hops) or is an explicitly allowed
/// download; every response body is capped (decompressed bytes) and must arrive within the call's total time.
/// Outermost, so that the time budget and the redirect rules cover every retry.
/// </summary>
internal sealed class BackendResponseGuardHandler(string clientName, BackendHttpOptions options, ProductInfoHeaderValue userAgent,
    ILogger logger) : DelegatingHandler
{
    /// <summary>The fixed message a model gets for a refused redirect: the target stays in the diagnostic log.</summary>
    public static string RedirectMessage(string system) =>
        $"{system} answered with a redirect to another location; an administrator must fix the base URL setting.";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        string system = request.Options.TryGetValue(BackendHttp.SystemName, out string? name) && !string.IsNullOrWhiteSpace(name) ? name : clientName;
        CheckHeaders(request, system);
        Uri origin = request.RequestUri!;
        HttpRequestMessage current = request;
        HttpResponseMessage response = await base.SendAsync(current, cancellationToken);
        for (int hops = 0; IsRedirect(response.StatusCode); hops++)
        {
            HttpStatusCode status = response.StatusCode;
            Uri? target = Target(response, current.RequestUri!);
            string shown = Describe(target, response);
            response.Dispose();

            string? refusal = hops >= options.MaxRedirects ? "too many redirects" : null;
            HttpRequestMessage? next = null;
            if (refusal is null && target is not null && SameOriginUnderBase(request, origin, target))
            {
                // Only safe methods: a 301/302/303 would turn a write into a body-less GET that "succeeds", and a
                // 307/308 would resend the body.
                if (current.Method == HttpMethod.Get || current.Method == HttpMethod.Head)
                {
                    current.RequestUri = target;
                    next = current;
                }
                else
                {
                    refusal = "not followed for " + current.Method.Method;
                }
            }
            else if (refusal is null && target is not null && IsAllowedDownload(request, target))
            {
                next = DownloadRequest(request, target);
            }

            if (next is null)
            {
                refusal ??= target is null ? "no usable Location" : "another origin or outside the base URL";
                Log.RedirectRefused(logger, clientName, current.Method.Method, Host(current), Path(current), (int)status, shown, refusal);
                throw new BackendException(BackendErrorKind.Unavailable,
                    RedirectMessage(system), new BackendRedirectException(status, shown));
            }

            string fromHost = Host(current), fromPath = Path(current);
            Log.RedirectFollowed(logger, clientName, current.Method.Method, fromHost, fromPath, (int)status, shown);
            current = next;
            response = await base.SendAsync(current, cancellationToken);
        }

        long limit = request.Options.TryGetValue(BackendHttp.TokenRequest, out bool token) && token
            ? options.MaxTokenResponseBytes
            : options.MaxResponseBytes;
        // A HEAD answer declares the length of a body it does not send.
        if (current.Method != HttpMethod.Head && response.Content.Headers.ContentLength > limit)
        {
            response.Dispose();
            Log.ResponseTooLarge(logger, clientName, current.Method.Method, Host(current), Path(current), limit);
            throw LimitedContent.TooLarge(system, limit);
        }

        TimeSpan left = options.TotalTimeout - Stopwatch.GetElapsedTime(started);
        response.Content = new LimitedContent(response.Content, limit, left, system,
            () => Log.ResponseTooLarge(logger, clientName, current.Method.Method, Host(current), Path(current), limit));
        return response;
    }

    /// <summary>Every 3xx but 304 Not Modified (which only answers a conditional request) asks the client to go elsewhere.</summary>
    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400 && status != HttpStatusCode.NotModified;

    private static Uri? Target(HttpResponseMessage response, Uri from)
    {
        if (!response.Headers.NonValidated.TryGetValues("Location", out HeaderStringValues values) || values.Count != 1)
        {
            return null;
        }

        return Uri.TryCreate(from, values.ToString().Trim(), out Uri? target) ? target : null;
    }

    /// <summary>
    /// Scheme, host, port and path of the target for the log and the audit line: never its user info (a
    /// <c>key:secret@</c> Location) or query (a presigned URL's signature), and at most <see cref="MaxTargetChars"/>.
    /// </summary>
    internal static string Describe(Uri? target, HttpResponseMessage response)
    {
        if (target is null)
        {
            return response.Headers.NonValidated.Contains("Location") ? "(unusable Location)" : "(no Location)";
        }

        string text = target.Scheme is "http" or "https" && !string.IsNullOrEmpty(target.Host)
            ? target.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : target.Scheme + ":";
        return text.Length <= MaxTargetChars ? text : string.Concat(text.AsSpan(0, MaxTargetChars), "…");
    }

    private const int MaxTargetChars = 200;

    private static bool SameOriginUnderBase(HttpRequestMessage request, Uri origin, Uri target)
    {
        if (!request.Options.TryGetValue(BackendHttp.BaseAddress, out Uri? baseAddress) || baseAddress is not { IsAbsoluteUri: true })
        {
            return false;
        }

        string basePath = baseAddress.AbsolutePath.EndsWith('/') ? baseAddress.AbsolutePath : baseAddress.AbsolutePath + "/";
        return SameOrigin(origin, target) && SameOrigin(baseAddress, target) && string.IsNullOrEmpty(target.UserInfo)
            && (target.AbsolutePath + "/").StartsWith(basePath, StringComparison.Ordinal);
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme is "http" or "https" && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private bool IsAllowedDownload(HttpRequestMessage request, Uri target)
    {
        if (!(request.Options.TryGetValue(BackendHttp.CrossHostDownload, out bool allowed) && allowed) || request.Method != HttpMethod.Get
            || target.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(target.UserInfo))
        {
            return false;
        }

        string host = target.IdnHost;
        return (options.DownloadHosts ?? []).Select(s => s.TrimStart('.')).Any(suffix =>
            host.Equals(suffix, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A fresh GET for the download target: no Authorization, no custom headers (an API key header would go to the
    /// third party) and no cookies (the handler has no cookie container); only the User-Agent and the switches.
    /// </summary>
    private HttpRequestMessage DownloadRequest(HttpRequestMessage original, Uri target)
    {
        var download = new HttpRequestMessage(HttpMethod.Get, target) { Version = original.Version, VersionPolicy = original.VersionPolicy };
        download.Headers.UserAgent.Add(userAgent);
        foreach (KeyValuePair<string, object?> option in original.Options)
        {
            if (option.Key != BackendHttp.BaseAddress.Key)
            {
                ((IDictionary<string, object?>)download.Options)[option.Key] = option.Value;
            }
        }

        return download;
    }

    private void CheckHeaders(HttpRequestMessage request, string system)
    {
        IEnumerable<KeyValuePair<string, HeaderStringValues>> headers = request.Headers.NonValidated;
        if (request.Content is { } content)
        {
            headers = headers.Concat(content.Headers.NonValidated);
        }

        foreach (KeyValuePair<string, HeaderStringValues> header in headers)
        {
            foreach (string value in header.Value)
            {
                if (!BackendHttp.IsValidHeaderValue(value))
                {
                    Log.InvalidHeader(logger, clientName, request.Method.Method, Host(request), Path(request), header.Key);
                    throw BackendHttp.InvalidHeaderValue(system, header.Key);
                }
            }
        }
    }

    private static string Host(HttpRequestMessage request) => request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.Authority : "";

    private static string Path(HttpRequestMessage request) => request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : "";
}
