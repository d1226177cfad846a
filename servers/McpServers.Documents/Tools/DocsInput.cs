using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using McpServers.Documents.Options;
using McpServers.Shared.Errors;

namespace McpServers.Documents.Tools;

/// <summary>Input checks and renderings the documents tools share.</summary>
internal static class DocsInput
{
    public const string DayPattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    /// <summary>A file type as sources take it: an extension without the dot, e.g. pdf.</summary>
    public static bool IsType(string type) => type.Length is >= 1 and <= 10 && type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    /// <summary>The page size the model asked for, within the administrator's cap.</summary>
    public static int PageSize(int? requested, DocumentsOptions options) =>
        Math.Clamp(requested ?? options.DefaultMaxResults, 1, options.MaxResults);

    /// <summary>The start of day <paramref name="day"/> (YYYY-MM-DD) in the server's time zone.</summary>
    public static DateTimeOffset? Day(string? day, string parameter, TimeZoneInfo zone)
    {
        if (day is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            throw new ToolInputException($"`{parameter}` must be a date written YYYY-MM-DD, e.g. 2026-03-01.");
        }

        DateTime local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>A time as the model reads it: in the server's zone, to the minute.</summary>
    public static string When(DateTimeOffset? time, TimeZoneInfo zone) =>
        time is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "unknown";

    /// <summary>A cursor scope bound to the tool and every argument that shapes the result (not the page size).</summary>
    public static string Scope(string tool, params string?[] arguments)
    {
        string joined = string.Join('\u0001', arguments.Select(a => a ?? "\u0002"));
        return tool + ":" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }
}
