using System.Text.RegularExpressions;
using McpServers.Shared.Errors;

namespace McpServers.Ticketing.Backend;

/// <summary>A Jira issue key such as <c>OPS-123</c>; its project part is checked against the allowlist.</summary>
public sealed partial record IssueKey
{
    public const string Pattern = "^[A-Z][A-Z0-9_]+-[0-9]+$";

    private IssueKey(string value, string project)
    {
        Value = value;
        Project = project;
    }

    public string Value { get; }

    public string Project { get; }

    public static IssueKey Parse(string? text, string parameterName = "issue_key")
    {
        if (text is null || !KeyRegex().IsMatch(text))
        {
            throw new ToolInputException($"`{parameterName}` must be an issue key like OPS-123 (project key, hyphen, number).");
        }

        return new IssueKey(text, text[..text.LastIndexOf('-')]);
    }

    public override string ToString() => Value;

    [GeneratedRegex(Pattern)]
    private static partial Regex KeyRegex();
}
