namespace McpServers.Shared.Text;

/// <summary>
/// What a capped result tells the model: whether it was cut, how much it shows, and how to get the rest.
/// Part of every list result's structured content, so the model can never mistake a partial answer for a whole one.
/// </summary>
public sealed record Truncation(bool Truncated, int Shown, long? Total, string? NextCursor, string? Reason)
{
    public static Truncation None(int shown) => new(false, shown, shown, null, null);

    /// <summary>A cut result. <paramref name="reason"/> names the cap, e.g. "row limit 100" or "response size 64 KiB".</summary>
    public static Truncation Cut(int shown, long? total, string? nextCursor, string reason) =>
        new(true, shown, total, nextCursor, reason);

    /// <summary>One sentence for the text rendering; empty when nothing was cut.</summary>
    public string Notice()
    {
        if (!Truncated)
        {
            return string.Empty;
        }

        string of = Total is { } t ? $" of {t}" : " of an unknown total";
        string next = NextCursor is null
            ? " Narrow the request (filters, fewer columns) to see the rest."
            : " Call again with the same arguments and `cursor` set to the returned next_cursor for the next page.";
        return $"[Truncated: showing {Shown}{of} ({Reason}).{next}]";
    }
}
