using MailKit.Search;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Email.Backend;

/// <summary>What email_search looks for; every field optional, all must hold.</summary>
public sealed record MailFilter
{
    public string? From { get; init; }
    public string? To { get; init; }

    /// <summary>Words that must each appear in the subject.</summary>
    public IReadOnlyList<string> SubjectWords { get; init; } = [];

    /// <summary>Words that must each appear in the body (the server's full-text search, which may be slow).</summary>
    public IReadOnlyList<string> BodyWords { get; init; } = [];

    /// <summary>Received on or after this day.</summary>
    public DateOnly? Since { get; init; }

    /// <summary>Received before this day.</summary>
    public DateOnly? Before { get; init; }

    public bool? Unread { get; init; }
    public bool? HasAttachment { get; init; }

    /// <summary>A stable description for cursor binding (a cursor from another filter is refused).</summary>
    public string Key => string.Join('\u001f', From, To, string.Join(' ', SubjectWords), string.Join(' ', BodyWords), Since, Before, Unread, HasAttachment);
}

/// <summary>
/// Builds the IMAP SEARCH from a <see cref="MailFilter"/> with MailKit's <see cref="SearchQuery"/> only: every value is a
/// search-key argument that MailKit sends as a quoted string or literal, so text like <c>"</c>, <c>OR ALL</c> or a line
/// break can only ever be text to look for, never IMAP syntax. Raw IMAP from the model is never accepted.
/// </summary>
public static class MailSearch
{
    public static SearchQuery Build(MailFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Since is { } s && filter.Before is { } b && s >= b)
        {
            throw new ToolInputException("`since` must be earlier than `before`.");
        }

        var terms = new List<SearchQuery>();
        if (filter.From is { } from)
        {
            terms.Add(SearchQuery.FromContains(from));
        }

        if (filter.To is { } to)
        {
            terms.Add(SearchQuery.ToContains(to));
        }

        terms.AddRange(filter.SubjectWords.Select(SearchQuery.SubjectContains));
        terms.AddRange(filter.BodyWords.Select(SearchQuery.BodyContains));
        if (filter.Since is { } since)
        {
            // IMAP SINCE: internal (received) date on or after the day.
            terms.Add(SearchQuery.DeliveredAfter(since.ToDateTime(TimeOnly.MinValue)));
        }

        if (filter.Before is { } before)
        {
            // IMAP BEFORE: received before the day.
            terms.Add(SearchQuery.DeliveredBefore(before.ToDateTime(TimeOnly.MinValue)));
        }

        if (filter.Unread is { } unread)
        {
            terms.Add(unread ? SearchQuery.NotSeen : SearchQuery.Seen);
        }

        if (filter.HasAttachment is { } attachment)
        {
            // Approximate: a message with attachments is almost always multipart/mixed at the top (IMAP has no
            // "has attachment" key); the result's attachment count comes from the exact BODYSTRUCTURE.
            SearchQuery mixed = SearchQuery.HeaderContains("Content-Type", "multipart/mixed");
            terms.Add(attachment ? mixed : SearchQuery.Not(mixed));
        }

        return terms.Count == 0 ? SearchQuery.All : terms.Aggregate((a, b) => a.And(b));
    }

    /// <summary>Messages carrying any of <paramref name="messageIds"/> as their Message-Id, In-Reply-To or References.</summary>
    public static SearchQuery Thread(IReadOnlyCollection<string> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return messageIds.SelectMany(id => new SearchQuery[]
            {
                SearchQuery.HeaderContains("Message-ID", id),
                SearchQuery.HeaderContains("In-Reply-To", id),
                SearchQuery.HeaderContains("References", id),
            })
            .Aggregate((a, b) => a.Or(b));
    }
}
