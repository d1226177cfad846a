using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Documents.Backend.Confluence;

/// <summary>Where a search is limited to inside the allowlist: a whole space, or the pages below one page.</summary>
public sealed record CqlScope(string? SpaceKey, string? AncestorId);

/// <summary>
/// Builds CQL from structured inputs only; the model never writes CQL. Every value is a double-quoted string literal
/// ("Advanced searching using CQL": inside quotes reserved words and characters are literal; <c>"</c> and <c>\</c> are
/// escaped with a backslash), and every query is ANDed with the space allowlist, so no input can widen it.
/// </summary>
public static class Cql
{
    public const int MaxWordsChars = 500;

    public static string Build(DocumentQuery query, IReadOnlyList<string> allowedSpaces, CqlScope? scope)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(allowedSpaces);
        if (allowedSpaces.Count == 0)
        {
            throw new InvalidOperationException("The space allowlist is empty.");
        }

        string words = query.Words?.Trim() ?? "";
        if (words.Length == 0)
        {
            throw new ToolInputException("`query` must contain at least one word to search for.");
        }

        if (words.Length > MaxWordsChars)
        {
            throw new ToolInputException($"`query` must be at most {MaxWordsChars} characters.");
        }

        var cql = new StringBuilder("type = page AND space IN (");
        cql.AppendJoin(",", allowedSpaces.Select(Quote)).Append(')');
        if (scope?.SpaceKey is { } space)
        {
            cql.Append(" AND space = ").Append(Quote(space));
        }

        if (scope?.AncestorId is { } ancestor)
        {
            cql.Append(" AND ancestor = ").Append(Quote(ancestor));
        }

        cql.Append(" AND text ~ ").Append(Quote(words));
        if (query.ModifiedFrom is { } from)
        {
            cql.Append(" AND lastmodified >= ").Append(Quote(Day(from)));
        }

        if (query.ModifiedBefore is { } before)
        {
            cql.Append(" AND lastmodified < ").Append(Quote(Day(before)));
        }

        return cql.ToString();
    }

    /// <summary>
    /// A CQL string literal: backslash and double quote escaped; line breaks and other control characters (which end
    /// nothing in CQL but have no business in a search) become spaces.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                sb.Append(char.IsControl(c) ? ' ' : c);
            }
        }

        return sb.Append('"').ToString();
    }

    private static string Day(DateTimeOffset value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
