using System.Text.Json;
using McpServers.InternalApi.Backend;
using McpServers.InternalApi.Options;
using McpServers.Shared.Hosting;

namespace McpServers.InternalApi.Tests.Backend;

/// <summary>Documents that cannot be served exactly: refused at load, or the operation skipped with the reason.</summary>
public sealed class OperationCatalogTests
{
    private static OperationCatalog Catalog(string operationJson, string components = "{}") =>
        OperationCatalog.Build(OpenApiDocumentLoader.Parse($$"""
            { "openapi": "3.1.0", "info": { "title": "t", "version": "1" },
              "paths": { "/things/{id}": { "get": {{operationJson}} } }, "components": { "schemas": {{components}} } }
            """, "t.json"), new InternalApiOptions());

    private const string IdParameter = """{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }""";

    [Theory]
    [InlineData("""{ "name": "session", "in": "cookie", "required": true, "schema": { "type": "string" } }""", "cookie")]
    [InlineData("""{ "name": "Authorization", "in": "header", "required": true, "schema": { "type": "string" } }""", "Authorization")]
    [InlineData("""{ "name": "filter", "in": "query", "style": "deepObject", "schema": { "type": "object" } }""", "DeepObject")]
    [InlineData("""{ "name": "filter", "in": "query", "schema": { "type": "object", "properties": { "a": { "type": "string" } } } }""", "object")]
    [InlineData("""{ "name": "ip", "in": "query", "schema": { "type": "string", "format": "ipv4" } }""", "ipv4")]
    [InlineData("""{ "name": "m", "in": "query", "schema": { "type": "string", "contentEncoding": "base64" } }""", "contentEncoding")]
    [InlineData("""{ "name": "ext", "in": "query", "schema": { "$ref": "https://example.com/schemas/x.json" } }""", "ext")]
    public void UnenforceableOperations_AreSkippedWithTheReason(string parameter, string reason)
    {
        OperationCatalog catalog = Catalog($$"""{ "operationId": "getThing", "parameters": [ {{IdParameter}}, {{parameter}} ], "responses": { "200": { "description": "ok" } } }""");

        Assert.Empty(catalog.Operations);
        string skipped = Assert.Single(catalog.Skipped);
        Assert.StartsWith("GET /things/{id} (getThing):", skipped, StringComparison.Ordinal);
        Assert.Contains(reason, skipped, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenApiAnnotations_AreDropped_AndPathParametersAreRequired()
    {
        OperationCatalog catalog = Catalog(
            $$"""{ "operationId": "getThing", "parameters": [ {{IdParameter}}, { "name": "node", "in": "header", "schema": { "type": "string", "example": "x", "x-secret": true } } ], "responses": { "200": { "description": "ok" } } }""");
        JsonElement schema = Assert.Single(catalog.Operations).InputSchema;

        Assert.Equal("""{"type":"string","description":"Header parameter \u0027node\u0027."}""", schema.GetProperty("properties").GetProperty("node").GetRawText());
        Assert.Equal(["id"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void BrokenDocuments_AreRefusedWithTheLocation()
    {
        var broken = Assert.Throws<ConfigurationException>(() => OpenApiDocumentLoader.Parse(
            """{ "openapi": "3.0.3", "info": { "title": "x", "version": "1" }, "paths": { "/a": { "get": { "responses": "oops" } } } }""", "api.json"));

        Assert.Contains("#/paths/~1a/get/responses", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiSegmentOverride_MarksThePathParameter_AndWarnsAboutAnyOtherName()
    {
        var options = new InternalApiOptions();
        options.Operations["getThing"] = new OperationOverrides { MultiSegmentPathParameters = ["id", "q"] };
        OperationCatalog catalog = OperationCatalog.Build(OpenApiDocumentLoader.Parse("""
            { "openapi": "3.1.0", "info": { "title": "t", "version": "1" },
              "paths": { "/things/{id}": { "get": { "operationId": "getThing", "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "q", "in": "query", "schema": { "type": "string" } } ], "responses": { "200": { "description": "ok" } } } } } }
            """, "t.json"), options);

        ApiOperation operation = Assert.Single(catalog.Operations);
        Assert.Equal([("id", true), ("q", false)], operation.Parameters.Select(p => (p.Name, p.MultiSegment)));
        string warning = Assert.Single(catalog.Warnings);
        Assert.Equal("Operations:getThing:MultiSegmentPathParameters: 'q' is not a path parameter of GET /things/{id}; it has no effect.", warning);
    }
}
