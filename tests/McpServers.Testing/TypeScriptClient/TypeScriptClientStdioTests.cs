using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpServers.Testing.Hosting;
using Xunit;

namespace McpServers.Testing.TypeScriptClient;

/// <summary>
/// A client we did not write (DESIGN §6): the official TypeScript MCP SDK client drives the server's executable over
/// stdio — the build output, or the NativeAOT binary / installed tool named by <c>MCP_TEST_EXE_&lt;COMMAND&gt;</c> —
/// exactly as an application does: <c>listTools</c> (the SDK validates every tool and compiles its output schema),
/// then <c>callTool</c> (the SDK checks structured content against that schema). A server's tests inherit this with
/// one small class that says how to start it and which tools to call (<see cref="TypeScriptClientScenario"/>).
/// Class names end in <c>StdioTests</c> so that CI's process-level filter reruns them against every published binary.
/// </summary>
public abstract partial class TypeScriptClientStdioTests : IAsyncLifetime
{
    private const string UnknownParameter = "not_a_parameter";

    private TypeScriptClientScenario? _scenario;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TypeScriptClientScenario Scenario => _scenario ?? throw new InvalidOperationException("The scenario was not started.");

    /// <summary>Starts what the server needs (e.g. a loopback fake backend) and says how to run and call it.</summary>
    protected abstract Task<TypeScriptClientScenario> StartScenarioAsync(CancellationToken cancellationToken);

    public async ValueTask InitializeAsync() => _scenario = await StartScenarioAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ToolsList_IsAcceptedByTheTypeScriptSdk_WithEveryToolSchema()
    {
        await using Session session = await ConnectAsync();

        JsonElement tools = await session.ListToolsAsync();

        string[] names = [.. tools.EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.NotEmpty(names);
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        foreach (ToolCall call in Scenario.Reads.Append(Scenario.Write).OfType<ToolCall>())
        {
            Assert.Contains(call.Tool, names);
        }

        await session.CloseAsync();
    }

    [Fact]
    public async Task ReadTool_ResultIsAcceptedByTheTypeScriptSdk()
    {
        Assert.NotEmpty(Scenario.Reads);
        await using Session session = await ConnectAsync();
        JsonElement tools = await session.ListToolsAsync();

        foreach (ToolCall read in Scenario.Reads)
        {
            JsonElement tool = Find(tools, read.Tool);
            SdkAnswer result = await session.CallToolAsync(read);

            Assert.True(result.Ok, session.Explain(result));
            Assert.False(result.IsError, session.Explain(result));
            Assert.NotEqual(string.Empty, result.Text);
            if (tool.TryGetProperty("outputSchema", out _))
            {
                // The SDK has already checked it against the output schema; it must be there to be checked.
                Assert.True(result.StructuredContent is not null, $"{read.Tool} declares an output schema but returned no structured content.");
            }
        }

        await session.CloseAsync();
    }

    [Fact]
    public async Task WriteTool_PreviewIsAnErrorResultWithAToken_AndTheTokenPerformsTheWrite()
    {
        await using Session session = await ConnectAsync();
        JsonElement tools = await session.ListToolsAsync();
        if (Scenario.Write is not { } write)
        {
            // A server without a write call in its scenario must really have no write tool, even in write mode.
            foreach (JsonElement t in tools.EnumerateArray())
            {
                Assert.True(t.TryGetProperty("annotations", out JsonElement a) && a.TryGetProperty("readOnlyHint", out JsonElement r) && r.GetBoolean(),
                    $"{t.GetProperty("name").GetString()} is a write tool: give the scenario a Write call for it.");
            }

            await session.CloseAsync();
            return;
        }

        JsonElement tool = Find(tools, write.Tool);
        Assert.True(tool.GetProperty("inputSchema").TryGetProperty("properties", out JsonElement properties)
            && properties.TryGetProperty("confirmation_token", out _), $"{write.Tool} does not advertise a confirmation_token parameter.");

        SdkAnswer preview = await session.CallToolAsync(write);

        Assert.True(preview.Ok, session.Explain(preview));
        Assert.True(preview.IsError, $"A confirmation preview must be an isError result (nothing was done). {session.Explain(preview)}");
        Assert.Contains("nothing", preview.Text, StringComparison.OrdinalIgnoreCase);
        Match token = ConfirmationToken().Match(preview.Result.GetRawText());
        Assert.True(token.Success, $"The preview carries no confirmation_token. {session.Explain(preview)}");
        if (Scenario.BackendWrites is { } writes)
        {
            Assert.Equal(0, writes());
        }

        var confirmed = write.Arguments.DeepClone().AsObject();
        confirmed["confirmation_token"] = token.Groups[1].Value;
        SdkAnswer done = await session.CallToolAsync(write with { Arguments = confirmed });

        Assert.True(done.Ok, session.Explain(done));
        Assert.False(done.IsError, session.Explain(done));
        if (tool.TryGetProperty("outputSchema", out _))
        {
            Assert.True(done.StructuredContent is not null, $"{write.Tool} declares an output schema but returned no structured content.");
        }

        if (Scenario.BackendWrites is { } writesAfter)
        {
            Assert.Equal(1, writesAfter());
        }

        await session.CloseAsync();
    }

    [Fact]
    public async Task InvalidCall_IsAnErrorResultTheTypeScriptSdkAccepts_NotAProtocolError()
    {
        ToolCall invalid = Scenario.Invalid ?? DefaultInvalid(Scenario.Reads[0]);
        await using Session session = await ConnectAsync();
        await session.ListToolsAsync();

        SdkAnswer result = await session.CallToolAsync(invalid);

        Assert.True(result.Ok, $"An invalid call must be a tool result with isError, not a protocol error. {session.Explain(result)}");
        Assert.True(result.IsError, session.Explain(result));
        Assert.Contains(Scenario.InvalidMessage ?? UnknownParameter, result.Text, StringComparison.Ordinal);
        await session.CloseAsync();
    }

    /// <summary>
    /// For the conformance base: a server's test assembly must drive it with the TypeScript SDK client, so a new
    /// server cannot skip this layer by forgetting its one small class.
    /// </summary>
    public static void AssertTheAssemblyHasTypeScriptSdkTests(System.Reflection.Assembly testAssembly, string commandName)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        Assert.True(testAssembly.GetTypes().Any(t => t is { IsAbstract: false } && t.IsSubclassOf(typeof(TypeScriptClientStdioTests))),
            $"{testAssembly.GetName().Name} has no {nameof(TypeScriptClientStdioTests)} class for {commandName}: add one that says how to start " +
            "the server and which tools to call (see the existing servers' *TypeScriptSdkStdioTests).");
    }

    private static ToolCall DefaultInvalid(ToolCall read)
    {
        var arguments = read.Arguments.DeepClone().AsObject();
        arguments[UnknownParameter] = "x";
        return read with { Arguments = arguments };
    }

    private static JsonElement Find(JsonElement tools, string name) =>
        tools.EnumerateArray().FirstOrDefault(t => t.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } tool
            ? tool
            : throw new Xunit.Sdk.XunitException($"tools/list has no tool named {name}.");

    private async Task<Session> ConnectAsync()
    {
        // A private HOME keeps the default audit folder out of the real one.
        var environment = new Dictionary<string, string?>(Scenario.Environment, StringComparer.Ordinal)
        {
            ["HOME"] = Directory.CreateTempSubdirectory("mcp-ts-home-").FullName,
        };

        // An installed tool's launcher finds the runtime through DOTNET_ROOT where it is not in a default location.
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot && !environment.ContainsKey("DOTNET_ROOT"))
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        (TypeScriptSdkClient client, SdkAnswer connected) = await TypeScriptSdkClient.ConnectAsync(
            ServerExecutable.Resolve(Scenario.CommandName), [.. Scenario.Arguments, "--allow-writes"], environment, Ct);
        var session = new Session(client);
        if (!connected.Ok)
        {
            await session.DisposeAsync();
            Assert.Fail($"{connected}\nStderr:\n{client.Stderr}");
        }

        return session;
    }

    // Base64url, as the confirmation store issues it; found in the text or anywhere else in the result. The separator is
    // matched lazily: a token may start with '-', which is also a non-word character.
    [GeneratedRegex("confirmation_token\\W{1,8}?([A-Za-z0-9_-]{16,})")]
    private static partial Regex ConfirmationToken();

    /// <summary>A connected client whose failures carry the server's stderr.</summary>
    private sealed class Session(TypeScriptSdkClient client) : IAsyncDisposable
    {
        public async Task<JsonElement> ListToolsAsync()
        {
            SdkAnswer list = await client.ListToolsAsync(Ct);
            Assert.True(list.Ok, Explain(list));
            return list.Result.GetProperty("tools");
        }

        public Task<SdkAnswer> CallToolAsync(ToolCall call) => client.CallToolAsync(call.Tool, call.Arguments, Ct);

        /// <summary>An answer for an assertion message, with the server's stderr so far.</summary>
        public string Explain(SdkAnswer answer) => $"{answer}\nStderr:\n{client.Stderr}";

        /// <summary>Ends the session; the transport must have seen nothing but JSON-RPC on the server's stdout.</summary>
        public async Task CloseAsync()
        {
            SdkAnswer closed = await client.CloseAsync(Ct);
            Assert.True(closed.Ok, Explain(closed));
            Assert.True(closed.Result.GetProperty("transportErrors").GetArrayLength() == 0,
                $"The SDK's transport reported errors outside any request (stdout must carry only JSON-RPC): {Explain(closed)}");
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }
}
