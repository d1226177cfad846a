using System.Text.RegularExpressions;

namespace McpServers.InternalApi.Backend;

/// <summary>
/// Which operations become tools. Selectors: an operationId (<c>listItems</c>), a tag (<c>tag:inventory</c>), or a
/// method and path pattern (<c>GET /items/*</c>; <c>*</c> is one path segment, <c>**</c> any number, method <c>*</c>
/// any). Without includes every GET/HEAD operation is selected. Exclude wins. A non-GET operation needs an include
/// that names it explicitly (its operationId, or its own method with a path pattern): a tag or a <c>*</c> method
/// never selects a write. The policy layer additionally hides and refuses writes unless --allow-writes.
/// </summary>
public sealed class OperationSelector
{
    private readonly IReadOnlyList<Selector> _include;
    private readonly IReadOnlyList<Selector> _exclude;

    public OperationSelector(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        ArgumentNullException.ThrowIfNull(include);
        ArgumentNullException.ThrowIfNull(exclude);
        _include = [.. include.Select(Selector.Parse)];
        _exclude = [.. exclude.Select(Selector.Parse)];
    }

    public static bool IsRead(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head;

    /// <summary>Null when selected; otherwise why not (for the debug log).</summary>
    public string? Refusal(HttpMethod method, string path, string? operationId, IReadOnlyCollection<string> tags)
    {
        var candidate = new Candidate(method, path, operationId, tags);
        if (_exclude.Any(s => s.Matches(candidate)))
        {
            return "excluded";
        }

        if (IsRead(method))
        {
            return _include.Count == 0 || _include.Any(s => s.Matches(candidate)) ? null : "not included";
        }

        return _include.Any(s => s.Explicitly(candidate))
            ? null
            : "writes are only served when an include names them (operationId or method + path)";
    }

    private sealed record Candidate(HttpMethod Method, string Path, string? OperationId, IReadOnlyCollection<string> Tags);

    private abstract record Selector
    {
        public abstract bool Matches(Candidate candidate);

        /// <summary>Whether this selector names a write operation on purpose.</summary>
        public abstract bool Explicitly(Candidate candidate);

        public static Selector Parse(string text)
        {
            if (text.StartsWith("tag:", StringComparison.OrdinalIgnoreCase))
            {
                return new TagSelector(text[4..].Trim());
            }

            int space = text.IndexOf(' ', StringComparison.Ordinal);
            return space > 0
                ? new PathSelector(text[..space].Trim().ToUpperInvariant(), Glob(text[(space + 1)..].Trim()))
                : new OperationIdSelector(text);
        }

        private static Regex Glob(string pattern)
        {
            string regex = Regex.Escape(pattern.TrimEnd('/')).Replace(@"\*\*", "\u0001", StringComparison.Ordinal)
                .Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace("\u0001", ".*", StringComparison.Ordinal);
            return new Regex("^" + regex + "/?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }

    private sealed record OperationIdSelector(string OperationId) : Selector
    {
        public override bool Matches(Candidate candidate) => string.Equals(candidate.OperationId, OperationId, StringComparison.Ordinal);

        public override bool Explicitly(Candidate candidate) => Matches(candidate);
    }

    private sealed record TagSelector(string Tag) : Selector
    {
        public override bool Matches(Candidate candidate) => candidate.Tags.Contains(Tag, StringComparer.OrdinalIgnoreCase);

        public override bool Explicitly(Candidate candidate) => false;
    }

    private sealed record PathSelector(string Method, Regex Path) : Selector
    {
        public override bool Matches(Candidate candidate) =>
            (Method == "*" || Method == candidate.Method.Method) && Path.IsMatch(candidate.Path);

        public override bool Explicitly(Candidate candidate) => Method != "*" && Matches(candidate);
    }
}
