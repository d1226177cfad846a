using McpServers.Communication.Calendar.Invitations;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpServers.Communication.Tests.Calendar;

/// <summary>The store of sent invitations: survives a restart, shared safely by concurrent processes, capped, user-only.</summary>
public sealed class InvitationStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mcp-calendar-store-" + Guid.NewGuid().ToString("N"));

    private string File => Path.Combine(_folder, "sub", "invitations.json");

    private InvitationStore NewInstance(int capacity = 1000) => new(File, capacity, NullLogger<InvitationStore>.Instance);

    internal static StoredInvitation Invitation(string uid, int minute = 0, int sequence = 0) => new()
    {
        Id = uid[..Math.Min(10, uid.Length)],
        Uid = uid,
        Sequence = sequence,
        Summary = "Review " + uid,
        Start = new DateTime(2030, 3, 4, 10, 0, 0),
        End = new DateTime(2030, 3, 4, 11, 0, 0),
        TimeZone = "Europe/Berlin",
        Organizer = "me@example.com",
        Attendees = [new StoredAttendee("dana@a.test", "Dana Scully")],
        SentAt = new DateTimeOffset(2030, 1, 1, 0, minute, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task AnInvitation_IsFoundByANewInstance_ByUidAndById()
    {
        await NewInstance().SaveAsync(Invitation("abcdef0123456789@example.com"), TestContext.Current.CancellationToken);

        InvitationStore restarted = NewInstance();
        StoredInvitation? byUid = await restarted.FindAsync("abcdef0123456789@example.com", TestContext.Current.CancellationToken);
        StoredInvitation? byId = await restarted.FindAsync("ABCDEF0123", TestContext.Current.CancellationToken);

        Assert.NotNull(byUid);
        Assert.Equal("Review abcdef0123456789@example.com", byUid.Summary);
        Assert.Equal(new DateTime(2030, 3, 4, 10, 0, 0), byUid.Start);
        Assert.Equal("dana@a.test", Assert.Single(byUid.Attendees).Address);
        Assert.Equal(byUid.Uid, byId?.Uid);
        Assert.Null(await restarted.FindAsync("unknown@example.com", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TwoInstancesWritingAtOnce_LoseNoEntry()
    {
        InvitationStore first = NewInstance(), second = NewInstance();
        CancellationToken cancel = TestContext.Current.CancellationToken;

        await Task.WhenAll(
            Task.Run(async () => { for (int i = 0; i < 25; i++) { await first.SaveAsync(Invitation($"first-{i:00}@x.test", i), cancel); } }, cancel),
            Task.Run(async () => { for (int i = 0; i < 25; i++) { await second.SaveAsync(Invitation($"second-{i:00}@x.test", i), cancel); } }, cancel));

        IReadOnlyList<StoredInvitation> all = await NewInstance().ReadAllAsync(cancel);
        Assert.Equal(50, all.Count);
        Assert.Equal(50, all.Select(i => i.Uid).Distinct().Count());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(File)!, "*.tmp"));
    }

    [Fact]
    public async Task SavingTheSameUid_ReplacesIt_AndNeverLowersItsSequence()
    {
        InvitationStore store = NewInstance();
        await store.SaveAsync(Invitation("u1@x.test", sequence: 2), TestContext.Current.CancellationToken);

        await store.SaveAsync(Invitation("u1@x.test", sequence: 1) with { CancelledAt = DateTimeOffset.UnixEpoch }, TestContext.Current.CancellationToken);

        StoredInvitation only = Assert.Single(await store.ReadAllAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, only.Sequence);
        Assert.Equal(DateTimeOffset.UnixEpoch, only.CancelledAt);
    }

    [Fact]
    public async Task PastTheCapacity_TheOldestSentArePruned()
    {
        InvitationStore store = NewInstance(capacity: 10);
        for (int i = 0; i < 12; i++)
        {
            await store.SaveAsync(Invitation($"u{i:00}@x.test", minute: i), TestContext.Current.CancellationToken);
        }

        IReadOnlyList<StoredInvitation> all = await store.ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(10, all.Count);
        Assert.Equal("u11@x.test", all[0].Uid);
        Assert.DoesNotContain(all, i => i.Uid is "u00@x.test" or "u01@x.test");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheFolderAndFile_AreTheUsersOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix permissions");
        }

        await NewInstance().SaveAsync(Invitation("u@x.test"), TestContext.Current.CancellationToken);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, System.IO.File.GetUnixFileMode(Path.GetDirectoryName(File)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
    }

    [Fact]
    public async Task AnUnreadableStore_IsABackendErrorNamingTheSetting_NotSilentlyEmptied()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        await System.IO.File.WriteAllTextAsync(File, "{not json", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<McpServers.Shared.Errors.BackendException>(
            () => NewInstance().SaveAsync(Invitation("u@x.test"), TestContext.Current.CancellationToken));

        Assert.Contains("Calendar:StorePath", error.SafeMessage, StringComparison.Ordinal);
        Assert.Equal("{not json", await System.IO.File.ReadAllTextAsync(File, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
