using System.Collections.Concurrent;
using McpServers.Testing.Hosting;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.InternalApi.Tests.Server;

/// <summary>
/// <c>Operations:&lt;operationId&gt;:MultiSegmentPathParameters</c>: a path parameter that may hold '/' reaches the
/// service as separate segments, each still encoded; anything that could step out of the path is refused first.
/// </summary>
public sealed class MultiSegmentPathTests : IAsyncLifetime
{
    private const string Document = """
        openapi: 3.1.0
        info: { title: Files, version: '1' }
        paths:
          /files/{path}:
            get:
              operationId: getFile
              parameters:
                - { name: path, in: path, required: true, schema: { type: string, maxLength: 200 } }
              responses: { '200': { description: The file. } }
        """;

    private readonly LoopbackHttpServer _server = new();
    private readonly ConcurrentQueue<string> _rawTargets = new();
    private readonly string _documentFile = Path.Combine(Path.GetTempPath(), $"files-openapi-{Guid.NewGuid():N}.yaml");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(_documentFile, Document, Ct);
        _server.Routes.MapGet("/api/files/{**path}", (HttpContext context, string path) =>
        {
            _rawTargets.Enqueue(context.Features.Get<IHttpRequestFeature>()!.RawTarget);
            return Results.Json(new { path });
        });
        await _server.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_documentFile);
    }

    private async Task<CallToolResult> GetFileAsync(string path, bool multiSegment)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Document"] = _documentFile,
            ["BaseUrl"] = new Uri(_server.BaseAddress, "api").ToString(),
            ["Http:MaxRetries"] = "0",
        };
        if (multiSegment)
        {
            settings["Operations:getFile:MultiSegmentPathParameters"] = "path";
        }

        await using InMemoryMcpServer host = InternalApiServerUnderTest.Start(settings);
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        return await client.CallToolAsync("api_get_file", new Dictionary<string, object?> { ["path"] = path }, cancellationToken: Ct);
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Theory]
    [InlineData("reports/2026/q1.pdf", "/api/files/reports/2026/q1.pdf", new[] { "reports", "2026", "q1.pdf" })]
    [InlineData("a b/c?d#e/50%", "/api/files/a%20b/c%3Fd%23e/50%25", new[] { "a b", "c?d#e", "50%" })]
    public async Task WithTheOverride_TheValueReachesTheServiceAsSeparateEncodedSegments(string value, string rawTarget, string[] segments)
    {
        CallToolResult result = await GetFileAsync(value, multiSegment: true);

        Assert.True(result.IsError != true, Text(result));
        Assert.Equal(rawTarget, Assert.Single(_rawTargets));
        Assert.Equal(["", "api", "files", .. segments], Assert.Single(_server.Requests).Path.Split('/'));
    }

    [Fact]
    public async Task WithoutTheOverride_TheSlashStaysEncodedInOneSegment()
    {
        CallToolResult result = await GetFileAsync("reports/2026/q1.pdf", multiSegment: false);

        Assert.True(result.IsError != true, Text(result));
        Assert.Equal("/api/files/reports%2F2026%2Fq1.pdf", Assert.Single(_rawTargets));
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("reports/../../admin")]
    [InlineData("./reports")]
    [InlineData("%2e%2e/admin")]
    [InlineData("reports/%252e%252e/admin")]
    [InlineData("reports%2F..%2Fadmin")]
    [InlineData("reports%5C..")]
    [InlineData("reports\\..\\admin")]
    [InlineData("reports//x")]
    [InlineData("/etc/passwd")]
    [InlineData("reports/")]
    public async Task WithTheOverride_StepsOutOfThePath_AreRefusedBeforeSending(string value)
    {
        CallToolResult result = await GetFileAsync(value, multiSegment: true);

        Assert.True(result.IsError);
        Assert.Contains("`path` is a path of segments separated by '/'", Text(result), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
