using System.Globalization;

namespace McpServers.Communication.Guards;

/// <summary>
/// A list of domains as an administrator wrote them: <c>example.com</c> matches that domain only, <c>*.example.com</c>
/// its subdomains only. Both sides are compared in one form (lower-case, IDN labels as punycode), so
/// <c>Bücher.example</c> and <c>xn--bcher-kva.example</c> are the same domain.
/// </summary>
internal sealed class DomainList
{
    public static readonly DomainList Empty = new([], []);

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    private readonly HashSet<string> _exact;
    private readonly string[] _suffixes;

    private DomainList(HashSet<string> exact, string[] suffixes)
    {
        _exact = exact;
        _suffixes = suffixes;
    }

    public bool IsEmpty => _exact.Count == 0 && _suffixes.Length == 0;

    /// <summary>The valid entries of <paramref name="entries"/> (the validator reports the others).</summary>
    public static DomainList Parse(IEnumerable<string> entries)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var suffixes = new List<string>();
        foreach (string entry in entries)
        {
            switch (ParseEntry(entry))
            {
                case { Wildcard: true } parsed:
                    suffixes.Add("." + parsed.Domain);
                    break;
                case { } parsed:
                    exact.Add(parsed.Domain);
                    break;
            }
        }

        return new DomainList(exact, [.. suffixes.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>One entry, normalised; null when it is neither a domain nor <c>*.</c> and a domain.</summary>
    public static (string Domain, bool Wildcard)? ParseEntry(string entry)
    {
        string text = entry.Trim();
        bool wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        string? domain = Normalize(wildcard ? text[2..] : text);
        // A bare top-level domain ("com") is almost surely a mistake, and "*.com" would allow half the world.
        return domain is null || !domain.Contains('.', StringComparison.Ordinal) ? null : (domain, wildcard);
    }

    /// <summary>
    /// The comparison form of a domain (lower-case ASCII, punycode labels), or null when it is not a host name
    /// (empty labels, a literal such as <c>[192.0.2.1]</c>, characters a host name cannot hold).
    /// </summary>
    public static string? Normalize(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return null;
        }

        // Lower-cased first: IDNA2008 (and the invariant-culture IdnMapping) does not case-fold "Ü" to "ü" itself.
        string text = domain.Trim().TrimEnd('.').ToLowerInvariant();
        try
        {
            string ascii = Idn.GetAscii(text);
            return ascii.Length is > 0 and <= 253 ? ascii : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="normalizedDomain"/> (from <see cref="Normalize"/>) is on the list.</summary>
    public bool Contains(string normalizedDomain) =>
        _exact.Contains(normalizedDomain) || _suffixes.Any(s => normalizedDomain.EndsWith(s, StringComparison.Ordinal));
}
