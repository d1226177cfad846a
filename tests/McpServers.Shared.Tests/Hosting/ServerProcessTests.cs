using System.Diagnostics;
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

    [Theory]
    [InlineData("login")]
    [InlineData("logout")]
    [InlineData("whoami")]
    public async Task SignInVerbs_OnAServerWithoutUserSignIn_SayThereIsNone(string verb)
    {
        var (code, stdout, stderr) = await RunAsync([verb]);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"mcp-testserver {verb}: this server has no user sign-in", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_OfAServerWithoutUserSignIn_ListsNoSignInVerbs()
    {
        var (_, stdout, _) = await RunAsync(["--help"]);

        Assert.DoesNotContain("login|logout|whoami", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_SaysWhatTheToolSetDependsOnAndThatUnknownKeysAndSecretsInFilesAreRefused()
    {
        var (code, stdout, _) = await RunAsync(["--help"]);

        Assert.Equal(0, code);
        Assert.Contains("The tool set (--print-tools) depends on Policy:ReadOnly", stdout, StringComparison.Ordinal);
        Assert.Contains("Unknown setting keys (command line, environment, --config file) are refused", stdout, StringComparison.Ordinal);
        Assert.Contains("never from the command line or a --config file", stdout, StringComparison.Ordinal);
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

    private static string ConfigFile(string json)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("mcp-config-").FullName, "settings.json");
        File.WriteAllText(file, json);
        return file;
    }

    [Theory]
    [InlineData("Backend", "The pretend backend cannot be reached right now. (Connection refused (pretend.invalid:9))", null)]
    [InlineData("Unauthorized", "the backend refused the credentials", "(fix: the credentials: ApiKey)")]
    [InlineData("Http", "could not reach the backend: Name or service not known", "(fix: Backend:Region)")]
    [InlineData("Timeout", "the backend did not answer in time", null)]
    [InlineData("Bug", "pretend bug while checking with key=*** (InvalidCastException)", null)]
    public async Task Check_WhenTheCheckThrows_ReportsAFailLineNamingTheSettingAndExits1(string failure, string expected, string? fix)
    {
        var env = new Dictionary<string, string?> { ["TESTSERVER_API_KEY"] = TestSecrets.ApiKey };

        var (code, stdout, stderr) = await RunAsync(["--check", "--set", "CheckThrows=" + failure], env);

        Assert.Equal(1, code);
        Assert.Contains("FAIL  backend: " + expected, stdout, StringComparison.Ordinal);
        Assert.Contains("NOT ready", stdout, StringComparison.Ordinal);
        if (fix is not null)
        {
            Assert.Contains(fix, stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.ApiKey, stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--set RateLimits:ReadPerMinute=0", "RateLimits:ReadPerMinute")]
    [InlineData("--bogus", "Unknown option '--bogus'")]
    [InlineData("--set Backend:Region=EU!", "Backend:Region must be lower-case")]
    [InlineData("--set FailChek=true", "did you mean 'FailCheck'?")]
    [InlineData("--read-only --allow-writes", "contradict")]
    public async Task Check_ConfigurationErrors_AreFailLinesWithExitCode1(string args, string expected)
    {
        var (code, stdout, stderr) = await RunAsync(["--check", .. args.Split(' ')]);

        Assert.Equal(1, code);
        Assert.Contains("FAIL  configuration: ", stdout, StringComparison.Ordinal);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
        Assert.Contains("NOT ready", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--set FailChek=true", null, null, "--set: unknown setting 'FailChek'; did you mean 'FailCheck'?")]
    [InlineData("--set Policy:ReadOnlly=false", null, null, "did you mean 'Policy:ReadOnly'?")]
    [InlineData("--set Backend:Regoin=eu", null, null, "did you mean 'Backend:Region'?")]
    [InlineData("--set RateLimits:Tools:test_echo:Burst=5", null, null, "unknown setting 'RateLimits:Tools:test_echo:Burst'")]
    [InlineData("--set Policy:Mode=x", null, null, "the settings under 'Policy' are: ApprovedTools, ExcludeTools, ReadOnly, Tools.")]
    [InlineData("--print-tools", "MCP_TESTSERVER__Audit__MaxValueChar", "5",
        "environment variable MCP_TESTSERVER__Audit__MaxValueChar: unknown setting 'Audit:MaxValueChar'; did you mean 'Audit:MaxValueChars'?")]
    [InlineData("--print-tools", "MCP_TESTSERVER__Policy", "x", "'Policy' is a group of settings, not a setting")]
    public async Task UnknownSettings_AreRefusedWithTheClosestValidName(string args, string? variable, string? value, string expected)
    {
        var env = variable is null ? null : new Dictionary<string, string?> { [variable] = value };

        var (code, stdout, stderr) = await RunAsync(args.Split(' '), env);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public async Task UnknownSettingInAConfigFile_IsRefusedNamingTheFile()
    {
        string file = ConfigFile("""{ "RateLimits": { "ReadPerMinut": 5 } }""");

        var (code, _, stderr) = await RunAsync(["--print-tools", "--config", file]);

        Assert.Equal(2, code);
        Assert.Contains($"--config file '{file}': unknown setting 'RateLimits:ReadPerMinut'; did you mean 'RateLimits:ReadPerMinute'?", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownSettings_FromTypesHelpAndDictionaries_AreAccepted()
    {
        string file = ConfigFile("""{ "Backend": { "Region": "eu-west" }, "RateLimits": { "Tools": { "test_echo": 5 } }, "Confirmation": { } }""");
        var env = new Dictionary<string, string?>
        {
            ["MCP_TESTSERVER__Logging__Level"] = "Warning",
            // Not this server's variables: never judged.
            ["MCP_OTHER__Nonsense"] = "1",
            ["FailChek"] = "1",
        };

        var (code, stdout, _) = await RunAsync(["--check", "--config", file, "--set", "Audit:RetainedFiles=3", "--fail-check"], env);

        Assert.Equal(1, code);
        Assert.Contains("ok    configuration: settings are valid", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL  backend: pretend backend unreachable (fix: FailCheck)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyAndAllowWritesTogether_AreRefused()
    {
        var (code, stdout, stderr) = await RunAsync(["--print-tools", "--allow-writes", "--read-only"]);

        Assert.Equal(2, code);
        Assert.Contains("--read-only and --allow-writes contradict each other", stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public async Task MalformedConfigFile_NamesTheFileLineAndPosition()
    {
        string file = ConfigFile("{\n  \"Policy\": {\n    \"ReadOnly\": tru\n  }\n}\n");

        var (code, _, stderr) = await RunAsync(["--print-tools", "--config", file]);

        Assert.Equal(2, code);
        Assert.Contains($"--config: '{file}' is not valid JSON at line 3, position ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "ApiKey": "abc123456" }""", "'ApiKey' is a secret", "MCP_TESTSERVER__ApiKey_FILE (or TESTSERVER_API_KEY / TESTSERVER_API_KEY_FILE)")]
    [InlineData("""{ "Backend": { "Password": "abc123456" } }""", "'Backend:Password' is a secret", "MCP_TESTSERVER__Backend__Password_FILE")]
    public async Task SecretsInAConfigFile_AreRefusedPointingToTheEnvironment(string json, string expected, string instead)
    {
        string file = ConfigFile(json);

        var (code, stdout, stderr) = await RunAsync(["--print-tools", "--config", file]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains(instead, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123456", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintTools_DoesNotNeedValidBackendSettings_ServingDoes()
    {
        var (printCode, manifest, _) = await RunAsync(["--print-tools", "--set", "Backend:Region=EU!"]);
        var (serveCode, _, stderr) = await RunAsync(["--set", "Backend:Region=EU!"]);

        Assert.Equal(0, printCode);
        Assert.Contains("test_echo", ToolNames(manifest));
        Assert.Equal(2, serveCode);
        Assert.Contains("cannot start: Backend:Region must be lower-case letters", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartedFromATerminal_SaysOnceThatItWaitsForAClient_ButNotWhenAClientPipesStdin()
    {
        // `script` (util-linux) runs the server on a pseudo-terminal, as a person typing the command at a shell would.
        string command = Exe.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? $"dotnet '{Exe}'" : $"'{Exe}'";
        var info = new ProcessStartInfo("script", ["-q", "-e", "-c", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process terminal = Process.Start(info)!;
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            wait.CancelAfter(StdioMcpProcess.DefaultTimeout);
            string? line;
            do
            {
                line = await terminal.StandardOutput.ReadLineAsync(wait.Token);
            }
            while (line is not null && !line.Contains("waiting for an MCP client", StringComparison.Ordinal));

            Assert.NotNull(line);
            Assert.Contains("mcp-testserver: waiting for an MCP client on stdin", line, StringComparison.Ordinal);
            Assert.Contains("npx @modelcontextprotocol/inspector mcp-testserver", line, StringComparison.Ordinal);
        }
        finally
        {
            terminal.Kill(entireProcessTree: true);
        }

        await using StdioMcpProcess piped = StdioMcpProcess.Start(Exe);
        await piped.InitializeAsync();
        await piped.RequestAsync("tools/list");
        Assert.DoesNotContain("waiting for an MCP client", piped.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> WithMachinePolicy(string json, out string path)
    {
        string directory = Directory.CreateTempSubdirectory("mcp-policy-").FullName;
        path = Path.Combine(directory, "mcp-testserver.json");
        File.WriteAllText(path, json);
        return new Dictionary<string, string?> { ["MCPTEST_MACHINE_POLICY_DIR"] = directory };
    }

    [Fact]
    public async Task MachinePolicy_WinsOverTheCommandLineAndEnvironment_ForTheKeysItSets_AndSaysSo()
    {
        Dictionary<string, string?> env = WithMachinePolicy("""{ "Policy": { "ReadOnly": true } }""", out string path);
        env["MCP_TESTSERVER__Policy__ExcludeTools"] = "test_slow";

        var (code, manifest, stderr) = await RunAsync(["--print-tools", "--allow-writes"], env);

        Assert.Equal(0, code);
        string[] tools = ToolNames(manifest);
        Assert.DoesNotContain("test_write_note", tools);    // --allow-writes lost to the policy
        Assert.DoesNotContain("test_slow", tools);          // a key the policy does not set stays the user's
        Assert.Contains("test_echo", tools);
        Assert.Contains($"Policy:ReadOnly from --set is overridden by the machine policy file '{path}' (it sets True)", stderr, StringComparison.Ordinal);

        // The running server refuses the write at call time too, not only by hiding it.
        await using var process = StdioMcpProcess.Start(Exe, ["--allow-writes", "--audit-log", "-"], env);
        await process.InitializeAsync();
        JsonElement call = await process.CallToolAsync("test_write_note", new JsonObject { ["title"] = "x" });
        Assert.True(call.GetProperty("result").GetProperty("isError").GetBoolean());
    }

    [Fact]
    public async Task MachinePolicy_IsNamedByCheckAndHelp_AndRefusesSecretsAndUnknownKeys()
    {
        Dictionary<string, string?> env = WithMachinePolicy("""{ "Policy": { "ReadOnly": true } }""", out string path);
        var (_, check, _) = await RunAsync(["--check"], env);
        Assert.Contains($"{path} sets Policy:ReadOnly", check, StringComparison.Ordinal);

        var (_, help, _) = await RunAsync(["--help"], env);
        Assert.Contains($"keys set in {path} (machine policy, no secrets) win", help, StringComparison.Ordinal);

        var (secretCode, _, secretErr) = await RunAsync(["--print-tools"], WithMachinePolicy("""{ "ApiKey": "s3cret-value" }""", out string secretPath));
        Assert.Equal(2, secretCode);
        Assert.Contains($"machine policy file '{secretPath}': 'ApiKey' is a secret", secretErr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", secretErr, StringComparison.Ordinal);

        var (typoCode, _, typoErr) = await RunAsync(["--print-tools"], WithMachinePolicy("""{ "Policy": { "ReadOnlly": true } }""", out _));
        Assert.Equal(2, typoCode);
        Assert.Contains("did you mean 'Policy:ReadOnly'?", typoErr, StringComparison.Ordinal);

        var (brokenCode, _, brokenErr) = await RunAsync(["--print-tools"], WithMachinePolicy("""{ "Policy": """, out _));
        Assert.Equal(2, brokenCode);
        Assert.Contains("is not valid JSON at line 1", brokenErr, StringComparison.Ordinal);
        Assert.Contains("Ask the administrator", brokenErr, StringComparison.Ordinal);
    }
}
