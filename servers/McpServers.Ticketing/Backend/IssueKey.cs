using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using McpServers.Shared.Errors;

namespace McpServers.Ticketing.Backend;

/// <summary>A Jira issue key such as <c>OPS-123</c>; its project part is checked against the allowlist.</summary>
public sealed partial record IssueKey
{
    public const string Pattern = "^[A-Z][A-Z0-9_]+-[0-9]+$";

    /// <summary>Longest key accepted from the model or from Jira (Jira's own project keys stop far below this).</summary>
    public const int MaxLength = 50;

    private IssueKey(string value, string project)
    {
        Value = value;
        Project = project;
    }

    public string Value { get; }

    public string Project { get; }

    public static IssueKey Parse(string? text, string parameterName = "issue_key") =>
        TryParse(text, out IssueKey? key)
            ? key
            : throw new ToolInputException($"`{parameterName}` must be an issue key like OPS-123 (project key, hyphen, number).");

    /// <summary>
    /// For keys that come back from Jira: they are untrusted until they have the key format, because they are
    /// reused in URLs and checked against the allowlist by their project part.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IssueKey? key)
    {
        if (text is null || text.Length > MaxLength || !KeyRegex().IsMatch(text))
        {
            key = null;
            return false;
        }

        key = new IssueKey(text, text[..text.LastIndexOf('-')]);
        return true;
    }

    /// <summary>The key as one URL path segment.</summary>
    public string Segment => Uri.EscapeDataString(Value);

    public override string ToString() => Value;

    // \z, not $: in .NET, $ also matches before a final line break ("OPS-1\n").
    [GeneratedRegex(@"^[A-Z][A-Z0-9_]+-[0-9]+\z")]
    private static partial Regex KeyRegex();
}
