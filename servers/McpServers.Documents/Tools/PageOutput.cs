using McpServers.Documents.Backend;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;

namespace McpServers.Documents.Tools;

/// <summary>The structured content of the write tools: the page (or comment) written, its version and link, and what was done.</summary>
public sealed record PageOutput(string Id, string Title, string? Version, string? Url, string Message)
{
    /// <summary>Titles are one line: a line break could forge a line of the confirmation question.</summary>
    public const string SingleLinePattern = "^[^\\r\\n]+$";

    internal static CallToolResult Result(PageWritten written, string verb, ServerJson json)
    {
        string message = $"{verb} \"{written.Title}\" [{written.Id}]{(written.Version is null ? "" : $", version {written.Version}")}.";
        return ToolResult.Create(new PageOutput(written.Id, written.Title, written.Version, written.Url, message),
            written.Url is null ? message : $"{message} {written.Url}", json);
    }
}
