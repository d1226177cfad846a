using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Tool names from operations: snake_case of the operationId (or of method + path when there is none), with the
/// configured prefix, at most 48 characters (long names keep a stable hash of the full name), and unique.
/// </summary>
public sealed class ToolNaming(string prefix)
{
    public const int MaxLength = 48;
    private const int HashLength = 6;
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <summary>A unique name for the operation. Stable for the same document: names are handed out in document order.</summary>
    public string Next(string? operationId, HttpMethod method, string pathTemplate)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathTemplate);
        string stem = string.IsNullOrWhiteSpace(operationId) ? FromMethodAndPath(method, pathTemplate) : SnakeCase(operationId);
        string name = Fit(prefix + (stem.Length == 0 ? "operation" : stem), MaxLength);
        if (name[0] is not (>= 'a' and <= 'z'))
        {
            name = Fit("op_" + name, MaxLength);
        }

        string unique = name;
        for (int n = 2; !_taken.Add(unique); n++)
        {
            string suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
            unique = Fit(name, MaxLength - suffix.Length) + suffix;
        }

        return unique;
    }

    /// <summary><c>listItems</c> → <c>list_items</c>, <c>getHTTPStatus</c> → <c>get_http_status</c>, <c>items.get-one</c> → <c>items_get_one</c>.</summary>
    public static string SnakeCase(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                bool boundary = char.IsAsciiLetterUpper(c) && i > 0
                    && (char.IsAsciiLetterLower(text[i - 1]) || char.IsAsciiDigit(text[i - 1])
                        || (char.IsAsciiLetterUpper(text[i - 1]) && i + 1 < text.Length && char.IsAsciiLetterLower(text[i + 1])));
                if (boundary)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append('_');
            }
        }

        return Collapse(sb.ToString());
    }

    /// <summary><c>GET /items/{id}/stock</c> → <c>get_items_by_id_stock</c>.</summary>
    public static string FromMethodAndPath(HttpMethod method, string pathTemplate)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathTemplate);
        IEnumerable<string> parts = pathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.StartsWith('{') && s.EndsWith('}') ? "by_" + SnakeCase(s[1..^1]) : SnakeCase(s));
        return Collapse(method.Method.ToLowerInvariant() + "_" + string.Join('_', parts));
    }

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c != '_' || (sb.Length > 0 && sb[^1] != '_'))
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Trim('_');
    }

    /// <summary>Cuts a long name, keeping it unique through a short hash of the whole name.</summary>
    private static string Fit(string name, int max)
    {
        if (name.Length <= max)
        {
            return name;
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashLength];
        return name[..(max - HashLength - 1)].TrimEnd('_') + "_" + hash;
    }
}
