using McpServers.Communication.Guards;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Tests.Guards;

public sealed class SendCapTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static GuardHarness Harness(params (string Key, string? Value)[] settings) =>
        new(settings.ToDictionary(s => s.Key, s => s.Value));

    [Fact]
    public async Task Reserve_PastTheTotalHourlyCap_RefusedWithTheResetTime()
    {
        GuardHarness harness = Harness(("Guards:MaxPerHour", "3"));
        SendGuard guard = harness.NewGuard();
        DateTimeOffset first = harness.Clock.Now;
        await guard.ReserveAsync("email_send", Ct);
        harness.Clock.Now = first.AddMinutes(10);
        await guard.ReserveAsync("slack_post_message", Ct);
        await guard.ReserveAsync("calendar_send_invitation", Ct);
        harness.Clock.Now = first.AddMinutes(15);

        var e = await Assert.ThrowsAsync<ToolInputException>(() => guard.ReserveAsync("email_reply", Ct));
        Assert.Contains("Guards:MaxPerHour", e.Message, StringComparison.Ordinal);
        // The oldest counted send (09:00) leaves the window at 10:00, 45 minutes from now.
        Assert.Contains("2026-06-01T10:00:00Z (in 45 minutes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", e.Message, StringComparison.Ordinal);
        Assert.Throws<ToolInputException>(() => guard.CheckCaps("email_reply"));

        harness.Clock.Now = first.AddMinutes(60);
        guard.CheckCaps("email_reply");
        await guard.ReserveAsync("email_reply", Ct);
    }

    [Fact]
    public async Task Reserve_PastTheDailyCap_ResetsWhenTheOldestCountedSendIsADayOld()
    {
        GuardHarness harness = Harness(("Guards:MaxPerHour", "10"), ("Guards:MaxPerDay", "2"));
        SendGuard guard = harness.NewGuard();
        DateTimeOffset first = harness.Clock.Now;
        await guard.ReserveAsync("email_send", Ct);
        harness.Clock.Now = first.AddHours(5);
        await guard.ReserveAsync("email_send", Ct);
        harness.Clock.Now = first.AddHours(23);

        var e = await Assert.ThrowsAsync<ToolInputException>(() => guard.ReserveAsync("email_send", Ct));
        Assert.Contains("Guards:MaxPerDay", e.Message, StringComparison.Ordinal);
        Assert.Contains("2026-06-02T09:00:00Z (in 60 minutes)", e.Message, StringComparison.Ordinal);

        harness.Clock.Now = first.AddDays(1).AddSeconds(1);
        await guard.ReserveAsync("email_send", Ct);
    }

    [Fact]
    public async Task Reserve_PerToolCap_LeavesOtherToolsTheirShare()
    {
        GuardHarness harness = Harness(("Guards:Tools:slack_post_message:PerHour", "1"), ("Guards:Tools:email_send:PerDay", "0"));
        SendGuard guard = harness.NewGuard();
        await guard.ReserveAsync("slack_post_message", Ct);

        var e = await Assert.ThrowsAsync<ToolInputException>(() => guard.ReserveAsync("slack_post_message", Ct));
        Assert.Contains("Guards:Tools:slack_post_message:PerHour", e.Message, StringComparison.Ordinal);
        Assert.Contains("(in 60 minutes)", e.Message, StringComparison.Ordinal);
        await guard.ReserveAsync("slack_reply_in_thread", Ct);

        var stopped = Assert.Throws<ToolInputException>(() => guard.CheckCaps("email_send"));
        Assert.Contains("Guards:Tools:email_send:PerDay", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCaps_CountsNothing()
    {
        GuardHarness harness = Harness(("Guards:MaxPerHour", "1"));
        SendGuard guard = harness.NewGuard();
        for (int i = 0; i < 3; i++)
        {
            guard.CheckCaps("email_send");
        }

        await guard.ReserveAsync("email_send", Ct);
        Assert.Throws<ToolInputException>(() => guard.CheckCaps("email_send"));
    }

    [Fact]
    public async Task Caps_HoldAcrossARestart()
    {
        GuardHarness harness = Harness(("Guards:MaxPerHour", "2"));
        await harness.NewGuard().ReserveAsync("email_send", Ct);
        await harness.NewGuard().ReserveAsync("email_send", Ct);

        SendGuard restarted = harness.NewGuard();
        Assert.Throws<ToolInputException>(() => restarted.CheckCaps("email_send"));
        await Assert.ThrowsAsync<ToolInputException>(() => restarted.ReserveAsync("email_send", Ct));
    }

    [Fact]
    public async Task Release_UnCountsTheSend_Once()
    {
        GuardHarness harness = Harness(("Guards:MaxPerHour", "2"));
        SendGuard guard = harness.NewGuard();
        await guard.ReserveAsync("email_send", Ct);
        SendReservation failed = await guard.ReserveAsync("email_send", Ct);
        Assert.Throws<ToolInputException>(() => guard.CheckCaps("email_send"));

        await failed.ReleaseAsync(Ct);
        await failed.ReleaseAsync(Ct);
        guard.CheckCaps("email_send");
        await guard.ReserveAsync("email_send", Ct);
        // The first send still counts: releasing twice did not un-count it.
        Assert.Throws<ToolInputException>(() => guard.CheckCaps("email_send"));
    }

    [Fact]
    public async Task Reserve_TwoGuardsAtOnce_LoseNoCount()
    {
        const int PerGuard = 40;
        GuardHarness harness = Harness(("Guards:MaxPerHour", "100"), ("Guards:MaxPerDay", "100"));
        SendGuard one = harness.NewGuard();
        SendGuard two = harness.NewGuard();
        using var start = new SemaphoreSlim(0);

        async Task Reserve(SendGuard guard)
        {
            await start.WaitAsync(Ct);
            for (int i = 0; i < PerGuard; i++)
            {
                await guard.ReserveAsync("email_send", Ct);
            }
        }

        Task[] running = [Task.Run(() => Reserve(one), Ct), Task.Run(() => Reserve(two), Ct)];
        start.Release(2);
        await Task.WhenAll(running);

        // 80 counted: 20 more fit under the cap of 100, the 21st does not.
        SendGuard third = harness.NewGuard();
        for (int i = 0; i < 100 - (2 * PerGuard); i++)
        {
            await third.ReserveAsync("email_send", Ct);
        }

        var e = await Assert.ThrowsAsync<ToolInputException>(() => third.ReserveAsync("email_send", Ct));
        Assert.Contains("100 sends by all send tools", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserve_LedgerHeldByAnotherProcess_IsABusyErrorAndCountsNothing()
    {
        GuardHarness harness = Harness(("Guards:MaxPerHour", "1"));
        SendGuard guard = new GuardHarness(new Dictionary<string, string?> { ["Guards:MaxPerHour"] = "1" }, harness.StorePath).NewGuard();
        SendGuard impatient = new(harness.Options, harness.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<SendGuard>.Instance)
        {
            LockWait = TimeSpan.Zero,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(harness.StorePath)!);
        using (new FileStream(harness.StorePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var e = await Assert.ThrowsAsync<BackendException>(() => impatient.ReserveAsync("email_send", Ct));
            Assert.Contains("send ledger", e.SafeMessage, StringComparison.Ordinal);
        }

        await guard.ReserveAsync("email_send", Ct);
    }

    [Fact]
    public async Task Ledger_UnreadableFile_FailsClosed()
    {
        GuardHarness harness = Harness();
        Directory.CreateDirectory(Path.GetDirectoryName(harness.StorePath)!);
        await File.WriteAllTextAsync(harness.StorePath, "{ not json", Ct);
        var e = Assert.Throws<BackendException>(() => harness.NewGuard().CheckCaps("email_send"));
        Assert.Contains("Guards:StorePath", e.SafeMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ledger_IsUserOnly_AndPrunedAfterADay()
    {
        GuardHarness harness = Harness();
        SendGuard guard = harness.NewGuard();
        await guard.ReserveAsync("email_send", Ct);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.GetDirectoryName(harness.StorePath)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(harness.StorePath));
        }

        harness.Clock.Now = harness.Clock.Now.AddDays(2);
        await guard.ReserveAsync("slack_post_message", Ct);
        string ledger = await File.ReadAllTextAsync(harness.StorePath, Ct);
        Assert.DoesNotContain("email_send", ledger, StringComparison.Ordinal);
        Assert.Contains("slack_post_message", ledger, StringComparison.Ordinal);
    }
}
