using System.Text.Json;
using McpServers.Documents.Backend.Confluence;
using McpServers.Documents.Tests.Confluence;
using McpServers.Testing.Hosting;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Documents.Tests.Server;

/// <summary>
/// Every write tool end to end: the whole server in memory with --allow-writes, in front of the loopback fake
/// Confluence (both flavours), driven by a client that answers the confirmation by elicitation. An accepted write
/// reaches Confluence exactly once; a declined one not at all; a stale update is refused before anyone is asked.
/// </summary>
public sealed class DocumentsConfluenceWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ConfluenceFlavor, bool> FlavorsAndAnswers => new()
    {
        { ConfluenceFlavor.Cloud, true },
        { ConfluenceFlavor.Cloud, false },
        { ConfluenceFlavor.DataCenter, true },
        { ConfluenceFlavor.DataCenter, false },
    };

    /// <summary>The server, the fake and a client whose human says <paramref name="accept"/>; <see cref="Session.Asked"/> records each question.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private Session(FakeConfluence fake, InMemoryMcpServer host)
        {
            Fake = fake;
            Host = host;
        }

        public FakeConfluence Fake { get; }

        public InMemoryMcpServer Host { get; }

        public McpClient Client { get; private set; } = null!;

        public List<string> Asked { get; } = [];

        /// <summary>Requests that change something in Confluence.</summary>
        public int Writes => Fake.Requests.Count(r => r.Method is "POST" or "PUT" or "DELETE");

        public static async Task<Session> StartAsync(ConfluenceFlavor flavor, bool accept)
        {
            FakeConfluence fake = await FakeConfluence.StartAsync(flavor);
            Dictionary<string, string?> settings = fake.Configuration();
            settings["Policy:ReadOnly"] = "false";
            settings["Documents:TimeZone"] = "UTC";
            var host = new InMemoryMcpServer((s, c) => s.AddDocumentsServer(c), settings);
            var session = new Session(fake, host);
            session.Client = await host.ConnectAsync(new McpClientOptions
            {
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (request, _) =>
                    {
                        lock (session.Asked)
                        {
                            session.Asked.Add(request?.Message ?? "");
                        }

                        return ValueTask.FromResult(accept
                            ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                            : new ElicitResult { Action = "decline" });
                    },
                },
            }, Ct);
            return session;
        }

        public Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments) =>
            Client.CallToolAsync(tool, arguments, cancellationToken: Ct).AsTask();

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Fake.DisposeAsync();
        }
    }

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private static void Outcome(Session s, bool accept, CallToolResult result, string question)
    {
        Assert.Contains(question, Assert.Single(s.Asked), StringComparison.Ordinal);
        Assert.Equal(accept ? 1 : 0, s.Writes);
        Assert.Equal(!accept, result.IsError == true);
        Assert.Equal(accept, result.StructuredContent is not null);
        Assert.DoesNotContain("confirmation_token", Text(result), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(FlavorsAndAnswers))]
    public async Task CreatePage_AskedOnce_AcceptWritesOnceDeclineWritesNothing(ConfluenceFlavor flavor, bool accept)
    {
        await using Session s = await Session.StartAsync(flavor, accept);

        CallToolResult result = await s.CallAsync("docs_create_page", new()
        {
            ["container"] = "confluence:space:ENG",
            ["title"] = "Mileage",
            ["markdown"] = "# Mileage\nEUR 0.30 per km",
        });

        Outcome(s, accept, result, "page \"Mileage\" in");
        Assert.Contains("  │ EUR 0.30 per km", s.Asked[0], StringComparison.Ordinal);
        if (accept)
        {
            string id = result.StructuredContent!.Value.GetProperty("id").GetString()!;
            CallToolResult read = await s.CallAsync("docs_get", new() { ["id"] = id });
            Assert.Contains("EUR 0.30 per km", read.StructuredContent!.Value.GetProperty("text").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(FlavorsAndAnswers))]
    public async Task UpdatePage_AskedOnce_AcceptWritesOnceDeclineWritesNothing(ConfluenceFlavor flavor, bool accept)
    {
        await using Session s = await Session.StartAsync(flavor, accept);

        CallToolResult result = await s.CallAsync("docs_update_page", new()
        {
            ["id"] = "confluence:100",
            ["base_version"] = "3",
            ["title"] = "Travel policy",
            ["markdown"] = "Per diem is **70 EUR**.",
        });

        Outcome(s, accept, result, "(now version 3), replacing its body");
        CallToolResult read = await s.CallAsync("docs_get", new() { ["id"] = "confluence:100" });
        Assert.Equal(accept ? "4" : "3", read.StructuredContent!.Value.GetProperty("version").GetString());
    }

    [Theory]
    [MemberData(nameof(FlavorsAndAnswers))]
    public async Task AddComment_AskedOnce_AcceptWritesOnceDeclineWritesNothing(ConfluenceFlavor flavor, bool accept)
    {
        await using Session s = await Session.StartAsync(flavor, accept);

        CallToolResult result = await s.CallAsync("docs_add_comment", new() { ["id"] = "confluence:100", ["markdown"] = "Looks good." });

        Outcome(s, accept, result, "Add a comment to page \"Travel policy\"");
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task UpdatePage_StaleBaseVersion_IsRefusedWithTheCurrentVersionBeforeAnyoneIsAsked(ConfluenceFlavor flavor)
    {
        await using Session s = await Session.StartAsync(flavor, accept: true);

        CallToolResult result = await s.CallAsync("docs_update_page", new()
        {
            ["id"] = "confluence:100",
            ["base_version"] = "2",
            ["title"] = "Travel policy",
            ["markdown"] = "Per diem is 70 EUR.",
        });

        Assert.True(result.IsError);
        Assert.Contains("version 3", Text(result), StringComparison.Ordinal);
        Assert.Empty(s.Asked);
        Assert.Equal(0, s.Writes);
    }

    [Theory]
    [MemberData(nameof(ConfluenceHarness.Flavors), MemberType = typeof(ConfluenceHarness))]
    public async Task UpdatePage_SomeoneSavesWhileTheHumanDecides_ConfluenceRefusesAndTheCurrentVersionIsNamed(ConfluenceFlavor flavor)
    {
        await using Session s = await Session.StartAsync(flavor, accept: true);
        s.Fake.SomeoneSavesBeforeNextUpdate = "<p>Someone else's edit</p>";

        CallToolResult result = await s.CallAsync("docs_update_page", new()
        {
            ["id"] = "confluence:100",
            ["base_version"] = "3",
            ["title"] = "Travel policy",
            ["markdown"] = "Per diem is 70 EUR.",
        });

        Assert.True(result.IsError);
        Assert.Single(s.Asked);
        Assert.Contains("version 4", Text(result), StringComparison.Ordinal);
        CallToolResult read = await s.CallAsync("docs_get", new() { ["id"] = "confluence:100" });
        Assert.Contains("Someone else's edit", read.StructuredContent!.Value.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
