using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McpServers.Shared.Tests.Pipeline;

public sealed partial class ToolResultTests
{
    private static readonly ServerJson Json = new(ToolResultTestJson.Default);

    [Fact]
    public void Create_WritesTheValueWithTheServerOptions_AndTheTextAsTheOneBlock()
    {
        CallToolResult result = ToolResult.Create(new Sample("OPS-1", null), "OPS-1 (no owner)", Json);

        Assert.Equal("OPS-1 (no owner)", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        JsonElement structured = Assert.IsType<JsonElement>(result.StructuredContent);
        Assert.Equal("OPS-1", structured.GetProperty("issue_key").GetString());
        // Null fields are written, because the outputSchema advertises them as required.
        Assert.Equal(JsonValueKind.Null, structured.GetProperty("owner_name").ValueKind);
        Assert.Null(result.IsError);
    }

    internal sealed record Sample(string IssueKey, string? OwnerName);

    [JsonSerializable(typeof(Sample))]
    internal sealed partial class ToolResultTestJson : JsonSerializerContext;
}
