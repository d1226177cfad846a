using System.Diagnostics;
using System.Text;
using McpServers.InternalApi.Backend;
using McpServers.InternalApi.Options;
using McpServers.InternalApi.Tests.Server;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;

namespace McpServers.InternalApi.Tests.Backend;

/// <summary>A generated document with hundreds of operations: selection still works, and start-up time is reported (not asserted).</summary>
public sealed class ParseAtScaleTests
{
    private const int Resources = 150;

    private static string LargeDocument()
    {
        var paths = new StringBuilder();
        for (int i = 0; i < Resources; i++)
        {
            if (i > 0)
            {
                paths.Append(',');
            }

            string tag = i % 10 == 0 ? "reports" : "catalog";
            paths.Append($$"""
                "/res{{i}}": {
                  "get": { "operationId": "listRes{{i}}", "tags": ["{{tag}}"], "summary": "List resource {{i}}",
                    "parameters": [ { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } } ],
                    "responses": { "200": { "description": "ok" } } },
                  "post": { "operationId": "createRes{{i}}", "tags": ["{{tag}}"], "summary": "Create resource {{i}}",
                    "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                    "responses": { "201": { "description": "ok" } } }
                },
                "/res{{i}}/{id}": {
                  "get": { "operationId": "getRes{{i}}", "tags": ["{{tag}}"], "summary": "Get resource {{i}}",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": { "200": { "description": "ok" } } },
                  "delete": { "operationId": "deleteRes{{i}}", "tags": ["{{tag}}"], "summary": "Delete resource {{i}}",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": { "204": { "description": "ok" } } }
                }
                """);
        }

        return $$"""
            { "openapi": "3.1.0", "info": { "title": "Big", "version": "1" }, "paths": { {{paths}} },
              "components": { "schemas": { "Thing": { "type": "object", "required": ["name"],
                "properties": { "name": { "type": "string", "maxLength": 50 }, "parent": { "$ref": "#/components/schemas/Thing" } } } } } }
            """;
    }

    [Fact]
    public void HundredsOfOperations_ParseAndSelectByTagAndPattern()
    {
        var clock = Stopwatch.StartNew();
        var document = OpenApiDocumentLoader.Parse(LargeDocument(), "big.json");
        long parsed = clock.ElapsedMilliseconds;
        OperationCatalog all = OperationCatalog.Build(document, new InternalApiOptions());
        OperationCatalog reports = OperationCatalog.Build(document, new InternalApiOptions { Include = ["tag:reports", "createRes10"], Exclude = ["GET /res20/*"] });
        long built = clock.ElapsedMilliseconds;
        TestContext.Current.SendDiagnosticMessage($"{Resources * 4} operations: parsed in {parsed} ms, two selections built in {built - parsed} ms");

        Assert.Equal(Resources * 2, all.Operations.Count);
        Assert.All(all.Operations, o => Assert.Equal(HttpMethod.Get, o.Method));
        Assert.Empty(all.Skipped);
        Assert.Equal(Resources / 10 * 2 - 1 + 1, reports.Operations.Count);
        Assert.Contains(reports.Operations, o => o.ToolName == "api_create_res10" && o.Body is { Required: false });
        Assert.DoesNotContain(reports.Operations, o => o.ToolName == "api_get_res20");
    }

    [Fact]
    public async Task MoreThanFortyTools_WarnAtStartUp()
    {
        string path = Path.Combine(Path.GetTempPath(), $"big-openapi-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(path, LargeDocument(), TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        await using var host = InternalApiServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Document"] = path,
            ["BaseUrl"] = InternalApiServerUnderTest.DeadBaseUrl,
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: TestContext.Current.CancellationToken);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage($"start-up to tools/list with {tools.Count} tools: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(Resources * 2, tools.Count);
        Assert.Contains($"{Resources * 2} tools are served (more than 40)", host.DiagnosticLog, StringComparison.Ordinal);
    }
}
