using System.Text.Json;
using McpServers.Shared.Audit;
using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using McpServers.Testing.Hosting;
using McpServers.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpServers.Shared.Tests.Audit;

/// <summary>What happens when the audit log cannot be written: writes fail closed, reads go on with a warning.</summary>
public sealed class AuditSinkTests : IDisposable
{
    // A regular file where the audit folder should be: no folder can be created there, even by root.
    private readonly string _blocked = Directory.CreateTempSubdirectory("mcp-audit-blocked-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(b => b.Text));

    public void Dispose() => Directory.Delete(_blocked, recursive: true);

    private string BlockedPath()
    {
        string blocker = Path.Combine(_blocked, "not-a-folder");
        File.WriteAllText(blocker, "a file, not a folder");
        return Path.Combine(blocker, "audit.jsonl");
    }

    [Fact]
    public async Task UnwritableAuditLog_RefusesWriteTools_NamingTheSetting_ButReadsGoOnWithAWarning()
    {
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Policy:ReadOnly"] = "false",
            ["Confirmation:Disable"] = "test_write_note",
            ["Audit:Path"] = BlockedPath(),
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);

        CallToolResult read = await client.CallToolAsync("test_echo", new Dictionary<string, object?> { ["message"] = "hi" }, cancellationToken: Ct);
        CallToolResult write = await client.CallToolAsync("test_write_note", new Dictionary<string, object?> { ["title"] = "x" }, cancellationToken: Ct);

        Assert.Equal("hi", Text(read));
        Assert.True(write.IsError);
        Assert.Contains("Audit:Path", Text(write), StringComparison.Ordinal);
        Assert.Contains("nothing was done", Text(write), StringComparison.Ordinal);
        Assert.Equal(1, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.False(host.Services.GetRequiredService<AuditLog>().IsWritable);
        // Each call's one line went to the diagnostic log (stderr) instead, with the setting to fix.
        string log = host.DiagnosticLog;
        Assert.Contains("Audit:Path", log, StringComparison.Ordinal);
        Assert.Single(Lines(log, "\"outcome\":\"ok\""));
        Assert.Single(Lines(log, "\"outcome\":\"denied\""));
    }

    [Fact]
    public async Task AuditFolderRemovedWhileServing_RefusesWrites_AndRecoversWhenFixed()
    {
        string folder = Path.Combine(_blocked, "audit");
        await using var host = TestServerUnderTest.Start(new Dictionary<string, string?>
        {
            ["Policy:ReadOnly"] = "false",
            ["Confirmation:Disable"] = "test_write_note",
            ["Audit:Path"] = Path.Combine(folder, "audit.jsonl"),
        });
        await using McpClient client = await host.ConnectAsync(cancellationToken: Ct);
        var note = new Dictionary<string, object?> { ["title"] = "x" };

        CallToolResult before = await client.CallToolAsync("test_write_note", note, cancellationToken: Ct);
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "the folder is gone");
        CallToolResult during = await client.CallToolAsync("test_write_note", note, cancellationToken: Ct);
        File.Delete(folder);
        CallToolResult after = await client.CallToolAsync("test_write_note", note, cancellationToken: Ct);

        Assert.NotEqual(true, before.IsError);
        Assert.True(during.IsError);
        Assert.Contains("Audit:Path", Text(during), StringComparison.Ordinal);
        Assert.NotEqual(true, after.IsError);
        Assert.Equal(2, host.Services.GetRequiredService<CallRecorder>().Calls);
        Assert.Equal(AuditOutcome.Ok, Assert.Single(AuditFiles.Read(folder)).GetProperty("outcome").GetString());
        Assert.Single(Lines(host.DiagnosticLog, "\"outcome\":\"denied\""));
    }

    [Fact]
    public async Task Check_ReportsAnUnwritableAuditLog_AsAFailureWhenWritesAreAllowed()
    {
        using AuditLog audit = Create(BlockedPath());
        var check = new AuditCheck(audit, Options.Create(new PolicyOptions { ReadOnly = false }));

        CheckResult result = Assert.Single(await check.RunAsync(Ct));

        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("Audit:Path", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ReportsAWritableAuditLog()
    {
        using AuditLog audit = Create(Path.Combine(_blocked, "ok", "audit.jsonl"));
        var check = new AuditCheck(audit, Options.Create(new PolicyOptions()));

        Assert.Equal(CheckStatus.Ok, Assert.Single(await check.RunAsync(Ct)).Status);
    }

    [Fact]
    public void Files_RollBySize_AndOnlyRetainedFilesAreKept()
    {
        string folder = Path.Combine(_blocked, "rolled");
        using (AuditLog audit = Create(Path.Combine(folder, "audit.jsonl"), sizeLimit: 2_000, retained: 3))
        {
            for (int i = 0; i < 40; i++)
            {
                Assert.True(audit.Write(Event(i)));
            }
        }

        string[] files = Directory.GetFiles(folder, "*.jsonl");
        Assert.Equal(3, files.Length);
        // The sink checks the limit before each line, so a file ends with at most one line past it.
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 2_000 + 400));
        Assert.Contains(39, AuditFiles.Read(folder).Select(e => e.GetProperty("duration_ms").GetInt32()));
    }

    private static AuditLog Create(string path, long sizeLimit = 100_000_000, int retained = 90) =>
        new(Options.Create(new AuditOptions { Path = path, FileSizeLimitBytes = sizeLimit, RetainedFiles = retained }),
            TestServer.TestServer.Identity, new SecretRedactor(), NullLogger<AuditLog>.Instance);

    private static AuditEvent Event(int i) => new(DateTimeOffset.UtcNow, "s", "1", "u", null, null, null, "t",
        JsonDocument.Parse("{}").RootElement.Clone(), i, AuditOutcome.Ok, null, null, "c" + i);

    private static string[] Lines(string log, string containing) =>
        [.. log.Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal))];
}
