using System.Text.Json;
using McpServers.Shared.Hosting;
using McpServers.Testing.Hosting;

namespace McpServers.Shared.Tests.Hosting;

/// <summary>--print-config over the real test server executable: its own path, its arguments, settings as references, never secret values.</summary>
public sealed class PrintConfigStdioTests
{
    private const string Secret = "CANARY-printconfig-key-51c2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["TESTSERVER_API_KEY"] = Secret,
        ["MCP_TESTSERVER__RateLimits__ReadPerMinute"] = "30",
    };

    private static async Task<(JsonElement Entry, JsonElement Document, string Stderr)> PrintAsync(string client, string name = "mcpServers")
    {
        var (code, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-testserver"),
            ["--print-config", client, "--allow-writes", "--set", "Audit:Path=-"], Environment, Ct);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain(Secret, stdout + stderr, StringComparison.Ordinal);
        JsonElement document = JsonDocument.Parse(stdout).RootElement;
        return (document.GetProperty(name).GetProperty("testserver"), document, stderr);
    }

    [Fact]
    public async Task ClaudeDesktop_GetsTheAbsolutePathAndArguments_AndAFilePlaceholderInsteadOfTheSecret()
    {
        var (entry, _, stderr) = await PrintAsync("claude-desktop");

        string command = entry.GetProperty("command").GetString()!;
        Assert.True(Path.IsPathRooted(command), command);
        string[] args = [.. entry.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)];
        Assert.Equal(["--allow-writes", "--set", "Audit:Path=-"], args.Where(a => !a.EndsWith(".dll", StringComparison.Ordinal)));
        JsonElement env = entry.GetProperty("env");
        Assert.Equal("30", env.GetProperty("MCP_TESTSERVER__RateLimits__ReadPerMinute").GetString());
        Assert.False(env.TryGetProperty("TESTSERVER_API_KEY", out _));
        Assert.StartsWith("<path of a file", env.GetProperty("TESTSERVER_API_KEY_FILE").GetString(), StringComparison.Ordinal);
        Assert.Contains("TESTSERVER_API_KEY_FILE", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaudeCode_ReferencesTheSecretFromItsEnvironment()
    {
        var (entry, _, _) = await PrintAsync("claude-code");

        Assert.Equal("stdio", entry.GetProperty("type").GetString());
        Assert.Equal("${TESTSERVER_API_KEY}", entry.GetProperty("env").GetProperty("TESTSERVER_API_KEY").GetString());
    }

    [Fact]
    public async Task VsCode_AsksForTheSecretThroughAnInput()
    {
        var (entry, document, _) = await PrintAsync("vscode", "servers");

        JsonElement input = Assert.Single(document.GetProperty("inputs").EnumerateArray());
        Assert.True(input.GetProperty("password").GetBoolean());
        Assert.Equal($"${{input:{input.GetProperty("id").GetString()}}}", entry.GetProperty("env").GetProperty("TESTSERVER_API_KEY").GetString());
    }

    [Fact]
    public async Task AnUnknownClient_IsAConfigurationErrorNamingTheChoices()
    {
        var (code, stdout, stderr) = await StdioMcpProcess.RunOnceAsync(ServerExecutable.Resolve("mcp-testserver"), ["--print-config", "cursor"], Environment, Ct);

        Assert.Equal(2, code);
        Assert.Contains("claude-code, claude-desktop, vscode, managed", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }
}

/// <summary>The command an entry names survives a tool update: the tool path's command, not the versioned store behind it.</summary>
public sealed class ClientConfigCommandTests
{
    [Fact]
    public void AnInstalledTool_IsNamedByItsToolPathCommand_NotItsVersionedStore()
    {
        string tools = Directory.CreateTempSubdirectory("mcp-tools-").FullName;
        string native = Path.Combine(tools, ".store", "mcpservers.database", "0.1.0", "mcpservers.database.linux-x64", "0.1.0", "tools", "any", "linux-x64", "mcp-database");
        Directory.CreateDirectory(Path.GetDirectoryName(native)!);
        File.WriteAllText(native, "");
        string command = Path.Combine(tools, "mcp-database");

        string before = McpServers.Shared.Hosting.ClientConfig.InstalledCommand(native);
        File.WriteAllText(command, "");
        string after = McpServers.Shared.Hosting.ClientConfig.InstalledCommand(native);

        Assert.Equal(native, before);
        Assert.Equal(command, after);
        Assert.Equal("/usr/local/bin/mcp-database", McpServers.Shared.Hosting.ClientConfig.InstalledCommand("/usr/local/bin/mcp-database"));
    }
}

/// <summary>A client starts the server in a folder of its own: relative paths in a printed entry must become absolute.</summary>
public sealed class ClientConfigPathTests
{
    [Fact]
    public void AbsolutePaths_ResolvesPathSwitchesAndExistingRelativePaths_LeavesOtherValues()
    {
        string folder = Directory.CreateTempSubdirectory("mcp-printconfig-").FullName;
        File.WriteAllText(Path.Combine(folder, "sales.db"), string.Empty);

        IReadOnlyList<string> args = ClientConfig.AbsolutePaths(
            ["--sqlite", "sales.db", "--audit-log", "logs/audit.jsonl", "--openapi", "https://api.internal/openapi.json", "--audit-log", "-",
             "--set", "Policy:ReadOnly=true", "--config", "/etc/x.json", "--include", "tag:inventory"],
            folder);

        Assert.Equal(
            [
                "--sqlite", Path.Combine(folder, "sales.db"), "--audit-log", Path.Combine(folder, "logs", "audit.jsonl"),
                "--openapi", "https://api.internal/openapi.json", "--audit-log", "-",
                "--set", "Policy:ReadOnly=true", "--config", "/etc/x.json", "--include", "tag:inventory",
            ],
            args);
    }
}
