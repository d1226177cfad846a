using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Pipeline;

/// <summary>Small constructors for the results the pipeline itself produces.</summary>
public static class ToolResults
{
    public static CallToolResult Error(string text) =>
        new() { IsError = true, Content = [new TextContentBlock { Text = text }] };

    public static CallToolResult Text(string text) =>
        new() { Content = [new TextContentBlock { Text = text }] };
}
