using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Every tool result twice: structured content (for programs, matching the advertised outputSchema) and compact text
/// (for the model). A tool takes its server's <see cref="ServerJson"/> from DI and passes it here.
/// </summary>
public static class ToolResult
{
    /// <summary>
    /// <paramref name="value"/> as structured content, written with the same options the SDK used for the advertised
    /// outputSchema (so the two always agree), and <paramref name="text"/> as the one text block.
    /// </summary>
    public static CallToolResult Create<T>(T value, string text, ServerJson json)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(json);
        var typeInfo = (JsonTypeInfo<T>)json.Options.GetTypeInfo(typeof(T));
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = JsonSerializer.SerializeToElement(value, typeInfo),
        };
    }
}
