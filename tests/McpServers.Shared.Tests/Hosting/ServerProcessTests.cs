using System.Text.Json;
using System.Text.Json.Nodes;
using McpServers.Testing.Hosting;

namespace McpServers.Shared.Tests.Hosting;

/// <summary>The test server as a real process: command-line modes, configuration precedence, secrets.</summary>
public sealed class ServerProcessTests
{
    private static readonly string Exe = ServerExecutable.Resolve("mcp-testserver");

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null) =>
        StdioMcpProcess.RunOnceAsync(Exe, args, env, TestContext.Current.CancellationToken);

    private static string[] ToolNames(string manifest) =>
        [.. JsonDocument.Parse(manifest).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    [Fact]
    public async Task Help_ListsCommonSwitchesAndTheServersOwnSettings()
    {
        var (code, stdout, _) = await RunAsync(["--help"]);

        Assert.Equal(0, code);
        Assert.Contains("--print-tools", stdout, StringComparison.Ordinal);
        Assert.Contains("--allow-writes", stdout, StringComparison.Ordinal);
        Assert.Contains("--fail-check", stdout, StringComparison.Ordinal);
        Assert.Contains("ApiKey", stdout, StringComparison.Ordinal);
        Assert.Contains("MCP_TESTSERVER__", stdout, StringComparison.Ordinal);
        Assert.Contains("TESTSERVER_API_KEY", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsNameAndVersion()
    {
        var (code, stdout, _) = await RunAsync(["--version"]);

        Assert.Equal(0, code);
        Assert.Matches(@"^mcp-testserver \d+\.\d+\.\d+", stdout);
    }

    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'")]
    [InlineData("--config", "--config needs a value")]
    [InlineData("--set ApiKey=abc", "not accepted on the command line")]
    [InlineData("--set Jira:ApiToken=abc", "MCP_TESTSERVER__Jira__ApiToken")]
    [InlineData("--config /nonexistent/settings.json", "does not exist")]
    [InlineData("--set RateLimits:ReadPerMinute=0", "RateLimits:ReadPerMinute")]
    public async Task BadCommandLine_ExitsWith2AndSaysWhatToFix(string args, string expected)
    {
        var (code, stdout, stderr) = await RunAsync(args.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintTools_IsExactlyWhatToolsListAnswers()
    {
        var (code, manifest, _) = await RunAsync(["--print-tools", "--allow-writes"]);
        await using var process = StdioMcpProcess.Start(Exe, ["--allow-writes", "--audit-log", "-"]);
        await process.InitializeAsync();
        JsonElement listed = (await process.RequestAsync("tools/list")).GetProperty("result");

        Assert.Equal(0, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(manifest)!["tools"], JsonNode.Parse(listed.GetProperty("tools").GetRawText())));
        Assert.Contains("test_write_note", ToolNames(manifest));
    }

    [Fact]
    public async Task Configuration_CommandLineBeatsEnvironmentBeatsFileBeatsDefaults()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-config-").FullName, "settings.json");
        await File.WriteAllTextAsync(file, """{ "Policy": { "ExcludeTools": "test_echo" } }""", TestContext.Current.CancellationToken);
        var env = new Dictionary<string, string?> { ["MCP_TESTSERVER__Policy__ExcludeTools"] = "test_slow" };

        string[] defaults = ToolNames((await RunAsync(["--print-tools"])).Stdout);
        string[] fromFile = ToolNames((await RunAsync(["--print-tools", "--config", file])).Stdout);
        string[] fromEnv = ToolNames((await RunAsync(["--print-tools", "--config", file], env)).Stdout);
        string[] fromArgs = ToolNames((await RunAsync(["--print-tools", "--config", file, "--exclude-tools", "test_fail"], env)).Stdout);

        Assert.Contains("test_echo", defaults);
        Assert.DoesNotContain("test_echo", fromFile);
        Assert.Contains("test_echo", fromEnv);
        Assert.DoesNotContain("test_slow", fromEnv);
        Assert.Contains("test_slow", fromArgs);
        Assert.DoesNotContain("test_fail", fromArgs);
    }

    [Theory]
    [InlineData(new string[0], 0, "ready.")]
    [InlineData(new[] { "--fail-check" }, 1, "NOT ready")]
    public async Task Check_ReportsAVerdictAndExitCode(string[] args, int expectedCode, string expected)
    {
        var (code, stdout, _) = await RunAsync(["--check", .. args]);

        Assert.Equal(expectedCode, code);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
        Assert.Contains("tools:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretFromAFile_IsUsedAndNeverAppearsInAnyOutput()
    {
        const string secret = "file-secret-Zq81-canary";
        string dir = Directory.CreateTempSubdirectory("mcp-secret-").FullName;
        string secretFile = Path.Combine(dir, "api_key");
        await File.WriteAllTextAsync(secretFile, secret + "\n", TestContext.Current.CancellationToken);
        string auditDir = Path.Combine(dir, "audit");
        await using var process = StdioMcpProcess.Start(Exe, ["--audit-log", Path.Combine(auditDir, "a-.jsonl")],
            new Dictionary<string, string?> { ["TESTSERVER_API_KEY_FILE"] = secretFile });

        await process.InitializeAsync();
        await process.CallToolAsync("test_fail", new JsonObject { ["mode"] = "bug" });
        await process.CallToolAsync("test_fail", new JsonObject { ["mode"] = "backend" });
        await process.CallToolAsync("test_echo", new JsonObject { ["message"] = secret });
        await process.CallToolAsync("test_lookup_user", new JsonObject { ["user"] = "ada", ["password"] = secret });
        Assert.Equal(0, await process.CloseAndWaitAsync());

        string everything = string.Join("\n", process.StdoutLines) + process.Stderr + AuditFiles.RawText(auditDir);
        // The bug's exception text carries the key: seeing it masked proves the file was read and redaction worked.
        Assert.Contains("key=***", process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        process.AssertStdoutIsOnlyJsonRpc();
        Assert.Equal(4, AuditFiles.Read(auditDir).Count);
    }

    [Fact]
    public async Task UnreadableSecretFile_IsAConfigurationErrorNamingTheVariable()
    {
        var (code, _, stderr) = await RunAsync(["--print-tools"], new Dictionary<string, string?> { ["MCP_TESTSERVER__ApiKey_FILE"] = "/nonexistent/key" });

        Assert.Equal(2, code);
        Assert.Contains("MCP_TESTSERVER__ApiKey_FILE", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditToStderr_KeepsStdoutPureProtocol()
    {
        await using var process = StdioMcpProcess.Start(Exe, ["--audit-log", "-"]);
        await process.InitializeAsync();
        await process.CallToolAsync("test_echo", new JsonObject { ["message"] = "hi" });
        await process.CloseAndWaitAsync();

        process.AssertStdoutIsOnlyJsonRpc();
        Assert.Contains(process.StderrLines, l => l.Contains("\"tool\":\"test_echo\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuditLog_DefaultsToAnOwnerOnlyFolderUnderLocalAppData()
    {
        string home = Directory.CreateTempSubdirectory("mcp-home-").FullName;
        await using (var process = StdioMcpProcess.Start(Exe, [], new Dictionary<string, string?> { ["HOME"] = home, ["XDG_DATA_HOME"] = null }))
        {
            await process.InitializeAsync();
            await process.CallToolAsync("test_echo", new JsonObject { ["message"] = "hi" });
            await process.CloseAndWaitAsync();
        }

        string folder = Path.Combine(home, ".local", "share", "McpServers", "audit");
        string file = Assert.Single(Directory.GetFiles(folder));
        Assert.Matches(@"mcp-testserver-\d{8}\.jsonl$", file);
        Assert.Single(AuditFiles.Read(folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
    }
}
