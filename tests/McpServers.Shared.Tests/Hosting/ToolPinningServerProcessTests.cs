using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;

namespace McpServers.Shared.Tests.Hosting;

/// <summary>
/// Pinning with a real executable: <c>--approved-tools</c> (or <c>Policy:ApprovedTools</c>) refuses to start on any
/// difference from the approved <c>--print-tools</c> manifest, and <c>--diff-tools</c> prints the difference.
/// </summary>
public sealed class ToolPinningServerProcessTests
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-testserver");

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, env, TestContext.Current.CancellationToken);

    /// <summary>The manifest as the server prints it, written to a file after <paramref name="edit"/>.</summary>
    private static async Task<string> ApprovedManifestAsync(Action<JsonNode>? edit = null, params string[] args)
    {
        var (code, stdout, _) = await RunAsync(["--print-tools", .. args]);
        Assert.Equal(0, code);
        JsonNode manifest = JsonNode.Parse(stdout)!;
        edit?.Invoke(manifest);
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-pin-").FullName, "approved-tools.json");
        await File.WriteAllTextAsync(file, manifest.ToJsonString(), TestContext.Current.CancellationToken);
        return file;
    }

    private static void ChangeEchoDescription(JsonNode manifest) =>
        manifest["tools"]!.AsArray().Single(t => (string?)t!["name"] == "test_echo")!["description"] = "Echoes the message back. Approved wording.";

    [Fact]
    public async Task ApprovedManifestEqual_ServesNormally()
    {
        string approved = await ApprovedManifestAsync();
        var (_, manifest, _) = await RunAsync(["--print-tools"]);
        await using var process = StdioMcpProcess.Start(Exe, ["--approved-tools", approved, "--audit-log", "-"]);

        await process.InitializeAsync();
        JsonElement listed = (await process.RequestAsync("tools/list")).GetProperty("result");
        Assert.Equal(0, await process.CloseAndWaitAsync());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(manifest)!["tools"], JsonNode.Parse(listed.GetProperty("tools").GetRawText())));
        process.AssertStdoutIsOnlyJsonRpc();
    }

    [Fact]
    public async Task OneDescriptionChanged_RefusesToStart_Exit1_NamingTheToolAndWhatChanged_NothingOnStdout()
    {
        string approved = await ApprovedManifestAsync(ChangeEchoDescription);

        var (code, stdout, stderr) = await RunAsync(["--approved-tools", approved]);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("refusing to start: the tools differ from the approved manifest", stderr, StringComparison.Ordinal);
        Assert.Contains("tool 'test_echo': description changed", stderr, StringComparison.Ordinal);
        Assert.Contains("Approved wording.", stderr, StringComparison.Ordinal);
        Assert.Contains("--diff-tools", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mismatch_ExposesNoTools_TheProcessAnswersNothingAndExits1()
    {
        string approved = await ApprovedManifestAsync(ChangeEchoDescription);
        await using var process = StdioMcpProcess.Start(Exe, ["--approved-tools", approved, "--audit-log", "-"]);

        try
        {
            await process.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            await process.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        }
        catch (IOException)
        {
            // The server may already have refused and exited: nothing is listening, which is the point.
        }

        int code = await process.CloseAndWaitAsync();

        Assert.Equal(1, code);
        Assert.Empty(process.StdoutLines);
    }

    [Fact]
    public async Task ServingWithWritesAllowed_AgainstAReadOnlyManifest_NamesTheAddedWriteTool()
    {
        string approved = await ApprovedManifestAsync();

        var (code, stdout, stderr) = await RunAsync(["--approved-tools", approved, "--allow-writes"]);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("tool 'test_write_note' added", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovedTools_AsASettingInTheConfigFileOrEnvironment_IsEnforced()
    {
        string approved = await ApprovedManifestAsync(ChangeEchoDescription);
        string config = Path.Combine(Directory.CreateTempSubdirectory("mcp-config-").FullName, "settings.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["Policy"] = new JsonObject { ["ApprovedTools"] = approved } }.ToJsonString(),
            TestContext.Current.CancellationToken);

        var fromFile = await RunAsync(["--config", config]);
        var fromEnv = await RunAsync([], new Dictionary<string, string?> { ["MCP_TESTSERVER__Policy__ApprovedTools"] = approved });

        Assert.Equal(1, fromFile.Code);
        Assert.Contains("tool 'test_echo': description changed", fromFile.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, fromEnv.Code);
        Assert.Contains("tool 'test_echo': description changed", fromEnv.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "cannot be read")]
    [InlineData("{ \"tools\": ", "is not valid JSON")]
    [InlineData("{ \"name\": \"test_echo\" }", "is not a tool manifest")]
    public async Task MissingOrInvalidManifest_IsAConfigurationErrorNamingTheSetting(string? content, string expected)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-pin-").FullName, "approved-tools.json");
        if (content is not null)
        {
            await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        }

        var (code, stdout, stderr) = await RunAsync(["--approved-tools", file]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("configuration error: Policy:ApprovedTools", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffTools_Equal_SaysSoAndExits0()
    {
        string approved = await ApprovedManifestAsync();

        var (code, stdout, _) = await RunAsync(["--diff-tools", approved]);

        Assert.Equal(0, code);
        Assert.Contains("the tools are exactly those approved", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffTools_Different_PrintsEachDifferenceAndExits1()
    {
        string approved = await ApprovedManifestAsync(m =>
        {
            ChangeEchoDescription(m);
            m["tools"]!.AsArray().Single(t => (string?)t!["name"] == "test_sum")!["inputSchema"]!["properties"]!.AsObject().Add("extra", new JsonObject());
        });

        var (code, stdout, _) = await RunAsync(["--diff-tools", approved]);

        Assert.Equal(1, code);
        Assert.Contains("2 difference(s) from the approved tools", stdout, StringComparison.Ordinal);
        Assert.Contains("tool 'test_echo': description changed", stdout, StringComparison.Ordinal);
        Assert.Contains("tool 'test_sum': inputSchema changed at /properties/extra: approved {}, now (none)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffTools_ComparesTheToolSetOfTheGivenSettings()
    {
        string approved = await ApprovedManifestAsync(null, "--allow-writes");

        var (readOnly, stdout, _) = await RunAsync(["--diff-tools", approved]);
        var (allowWrites, _, _) = await RunAsync(["--diff-tools", approved, "--allow-writes"]);

        Assert.Equal(1, readOnly);
        Assert.Contains("tool 'test_write_note' removed", stdout, StringComparison.Ordinal);
        Assert.Equal(0, allowWrites);
    }

    [Fact]
    public async Task DiffTools_MissingFile_IsAConfigurationError()
    {
        var (code, stdout, stderr) = await RunAsync(["--diff-tools", "/nonexistent/approved-tools.json"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("--diff-tools: the approved tool manifest '/nonexistent/approved-tools.json' cannot be read", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 0, "ok    approved tools: the tools are exactly those approved")]
    [InlineData(true, 1, "FAIL  approved tools: 1 difference(s)")]
    public async Task Check_ReportsWhetherTheToolsMatchTheApprovedManifest(bool changed, int expectedCode, string expected)
    {
        string approved = await ApprovedManifestAsync(changed ? ChangeEchoDescription : null);

        var (code, stdout, _) = await RunAsync(["--check", "--approved-tools", approved]);

        Assert.Equal(expectedCode, code);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsBothSwitchesAndTheSetting()
    {
        var (code, stdout, _) = await RunAsync(["--help"]);

        Assert.Equal(0, code);
        Assert.Contains("--approved-tools <file>", stdout, StringComparison.Ordinal);
        Assert.Contains("--diff-tools <file>", stdout, StringComparison.Ordinal);
        Assert.Contains("Policy:ApprovedTools", stdout, StringComparison.Ordinal);
    }
}
