using McpServers.InternalApi.Backend;
using McpServers.Shared.Hosting;

namespace McpServers.InternalApi.Tests.Backend;

/// <summary>JSON or YAML: which reader a document gets, and what an unreadable YAML document says.</summary>
public sealed class OpenApiDocumentLoaderTests
{
    [Theory]
    [InlineData("{ \"openapi\": \"3.0.3\" }", "api.json", null, "json")]
    [InlineData("\uFEFF\n  { \"openapi\": \"3.0.3\" }", "/api/openapi", "application/json", "json")]
    [InlineData("openapi: 3.0.3", "api.yaml", null, "yaml")]
    [InlineData("openapi: 3.0.3", "API.YML", null, "yaml")]
    [InlineData("{ \"openapi\": \"3.0.3\" }", "api.yml", null, "yaml")]
    [InlineData("openapi: 3.0.3", "/api/openapi", "application/yaml", "yaml")]
    [InlineData("openapi: 3.0.3", "/api/openapi", "application/vnd.oai.openapi", "yaml")]
    [InlineData("{ \"openapi\": \"3.0.3\" }", "/api/openapi", "application/vnd.oai.openapi+yaml", "yaml")]
    [InlineData("openapi: 3.0.3", "/api/openapi", "text/plain", "yaml")]
    [InlineData("openapi: 3.0.3", "api.json", null, "yaml")]
    public void Format_IsYamlWhenDeclared_OtherwiseDecidedByTheContent(string text, string source, string? mediaType, string expected) =>
        Assert.Equal(expected, OpenApiDocumentLoader.FormatOf(text, source, mediaType));

    [Theory]
    [InlineData("openapi: 3.0.3\ninfo: [unclosed\npaths: {}\n", "line")]
    [InlineData("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get:\n      responses: oops\n", "#/paths/~1a/get/responses")]
    [InlineData("- just\n- a list\n", "Document 'broken.yaml'")]
    [InlineData("\t\"unterminated", "Document 'broken.yaml'")]
    public void UnreadableYaml_IsRefusedNamingTheSettingAndTheLocation_WithoutAStackTrace(string yaml, string location)
    {
        var e = Assert.Throws<ConfigurationException>(() => OpenApiDocumentLoader.Parse(yaml, "broken.yaml"));

        Assert.StartsWith("Document 'broken.yaml'", e.Message, StringComparison.Ordinal);
        Assert.Contains(location, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Microsoft.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at SharpYaml.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.NewLine + "   at ", e.Message, StringComparison.Ordinal);
    }
}
