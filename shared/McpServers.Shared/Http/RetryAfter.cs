using System.Net.Http.Headers;

namespace McpServers.Shared.Http;

/// <summary>Reads the <c>Retry-After</c> response header (RFC 9110 §10.2.3).</summary>
public static class RetryAfter
{
    /// <summary>The delay the server asked for, or null when there is no usable header. A date in the past gives zero.</summary>
    public static TimeSpan? Parse(HttpResponseHeaders headers) => Parse(headers, DateTimeOffset.UtcNow);

    public static TimeSpan? Parse(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        RetryConditionHeaderValue? value = headers.RetryAfter;
        if (value?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value?.Date is { } date)
        {
            TimeSpan wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
