using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.TestServer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Tests.Pipeline;

/// <summary>tools/call requests whose raw bytes the SDK would reject or silently change: one audit line each, an input error.</summary>
public sealed class RawArgumentsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Sends the request line exactly as written: no JSON library (the SDK client included) writes a lone surrogate,
    /// so these requests come over the server's own transport as raw bytes, as an outside client can send them.
    /// </summary>
    private static async Task<CallToolResult> CallRawAsync(RawSession session, string parameters)
    {
        JsonElement response = await session.RequestAsync($$"""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{parameters}}}""");
        Assert.True(response.TryGetProperty("result", out JsonElement result), response.GetRawText());
        return JsonSerializer.Deserialize(result, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolResult))) as CallToolResult
            ?? throw new InvalidOperationException("no result");
    }

    private sealed class RawSession : IAsyncDisposable
    {
        private readonly Pipe _in = new();
        private readonly Pipe _out = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly ServiceProvider _services;
        private readonly Task _run;
        private readonly StreamReader _reader;

        public RawSession()
        {
            AuditDirectory = Directory.CreateTempSubdirectory("mcp-audit-raw-").FullName;
            IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Audit:Path"] = Path.Combine(AuditDirectory, "audit-.jsonl"),
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddTestServer(configuration).WithStreamServerTransport(_in.Reader.AsStream(), _out.Writer.AsStream());
            _services = services.BuildServiceProvider();
            _run = _services.GetRequiredService<McpServer>().RunAsync(_stop.Token);
            _reader = new StreamReader(_out.Reader.AsStream());
        }

        public string AuditDirectory { get; }

        public IServiceProvider Services => _services;

        public async Task StartAsync()
        {
            await RequestAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw-client","version":"1.0"}}}""");
            await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        }

        public async Task<JsonElement> RequestAsync(string line)
        {
            int id = line.Contains("\"id\":2", StringComparison.Ordinal) ? 2 : 1;
            await SendAsync(line);
            while (await _reader.ReadLineAsync(Ct) is { } answer)
            {
                using JsonDocument document = JsonDocument.Parse(answer);
                if (document.RootElement.TryGetProperty("id", out JsonElement answerId) && answerId.GetInt32() == id)
                {
                    return document.RootElement.Clone();
                }
            }

            throw new InvalidOperationException("The server closed the stream.");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _in.Writer.CompleteAsync();
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
            }

            await _services.DisposeAsync();
            _stop.Dispose();
            _reader.Dispose();
            Directory.Delete(AuditDirectory, recursive: true);
        }

        private async Task SendAsync(string line) => await _in.Writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), Ct);
    }

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    [Theory]
    [InlineData("""{"name":"test_echo","arguments":{"message":"\ud800x"}}""")]
    [InlineData("""{"name":"test_echo","arguments":{"message":"ok","count":1,"color":"\udfff"}}""")]
    [InlineData("""{"name":"test_sum","arguments":{"numbers":[1],"tags":["a\ud83d"]}}""")]
    public async Task LoneSurrogate_IsAnInputError_WithExactlyOneInvalidAuditLine(string parameters)
    {
        await using var session = new RawSession();
        await session.StartAsync();

        CallToolResult result = await CallRawAsync(session, parameters);

        Assert.True(result.IsError);
        Assert.Contains("surrogate", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, session.Services.GetRequiredService<CallRecorder>().Calls);
        JsonElement audit = Assert.Single(AuditFiles.Read(session.AuditDirectory));
        Assert.Equal(AuditOutcome.Invalid, audit.GetProperty("outcome").GetString());
        Assert.StartsWith("test_", audit.GetProperty("tool").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedParameterName_IsRefused_NotReducedToItsLastValue()
    {
        await using var session = new RawSession();
        await session.StartAsync();

        CallToolResult result = await CallRawAsync(session, """{"name":"test_echo","arguments":{"message":"first","message":"second"}}""");

        Assert.True(result.IsError);
        Assert.Contains("`message` appears more than once", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, session.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Invalid, Assert.Single(AuditFiles.Read(session.AuditDirectory)).GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("""{"name":"test_echo","arguments":[]}""", "`arguments` must be a JSON object")]
    [InlineData("""{"name":"test_echo","arguments":"x"}""", "`arguments` must be a JSON object")]
    [InlineData("""{"name":5,"arguments":{}}""", "name the tool as a string")]
    [InlineData("""{"arguments":{"message":"x"}}""", "name the tool as a string")]
    [InlineData("""{"name":"test_echo","arguments":{"message":"x"},"_meta":{"progressToken":"\ud800"}}""", "surrogate")]
    public async Task CallTheSdkCannotBind_IsAnInputError_WithExactlyOneInvalidAuditLine(string parameters, string expected)
    {
        await using var session = new RawSession();
        await session.StartAsync();

        CallToolResult result = await CallRawAsync(session, parameters);

        Assert.True(result.IsError);
        Assert.Contains(expected, Text(result), StringComparison.Ordinal);
        Assert.Equal(0, session.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Invalid, Assert.Single(AuditFiles.Read(session.AuditDirectory)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task WellFormedRawCall_PassesThrough()
    {
        await using var session = new RawSession();
        await session.StartAsync();

        CallToolResult result = await CallRawAsync(session, """{"name":"test_echo","arguments":{"message":"caf\u00e9 \ud83d\ude00","count":1}}""");

        Assert.Equal("café 😀", Text(result));
        Assert.Equal(AuditOutcome.Ok, Assert.Single(AuditFiles.Read(session.AuditDirectory)).GetProperty("outcome").GetString());
    }
}
