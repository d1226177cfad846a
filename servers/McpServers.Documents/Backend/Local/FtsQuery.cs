using McpServers.Shared.Errors;
using McpServers.Shared.Text;

namespace McpServers.Documents.Backend.Local;

/// <summary>
/// The model's words as an FTS5 query: each word one FTS5 string (double quotes doubled), joined by spaces (all words
/// must occur). Nothing the model writes is read as FTS5 syntax: no operators (AND, OR, NOT, NEAR), prefixes (*), column
/// filters (col:) or grouping reach the query language, since inside a string they are only text.
/// </summary>
internal static class FtsQuery
{
    public const int MaxWords = 16;
    public const int MaxWordChars = 64;

    public static string From(string words)
    {
        string[] parts = [.. TextHygiene.Clean(words)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(w => w.Any(char.IsLetterOrDigit))
            .Take(MaxWords)
            .Select(w => w.Length > MaxWordChars ? w[..MaxWordChars] : w)];
        return parts.Length == 0
            ? throw new ToolInputException("`query` needs at least one word of letters or digits, e.g. travel policy per diem.")
            : string.Join(' ', parts.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
    }
}
