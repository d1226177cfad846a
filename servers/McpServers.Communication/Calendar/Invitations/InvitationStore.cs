using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Shared.Errors;
using Microsoft.Extensions.Logging;

namespace McpServers.Communication.Calendar.Invitations;

/// <summary>A person an invitation went to.</summary>
public sealed record StoredAttendee(string Address, string? Name);

/// <summary>
/// An invitation this server sent, as remembered for listing, cancelling and updating it after a restart.
/// <see cref="Start"/> and <see cref="End"/> are wall-clock times in <see cref="TimeZone"/>.
/// </summary>
public sealed record StoredInvitation
{
    /// <summary>A short id for listings (the first characters of the UID's random part).</summary>
    public required string Id { get; init; }

    public required string Uid { get; init; }

    /// <summary>The SEQUENCE of the last message sent for it (0 for the first invitation).</summary>
    public required int Sequence { get; init; }

    public required string Summary { get; init; }

    public string? Location { get; init; }

    public string? Description { get; init; }

    public required DateTime Start { get; init; }

    public required DateTime End { get; init; }

    public required string TimeZone { get; init; }

    public required string Organizer { get; init; }

    public required IReadOnlyList<StoredAttendee> Attendees { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When the last message (invitation, update or cancellation) for it was sent.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? MessageId { get; init; }
}

/// <summary>The store file's content.</summary>
internal sealed record InvitationStoreFile(int Version, IReadOnlyList<StoredInvitation> Invitations);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(InvitationStoreFile))]
internal sealed partial class InvitationStoreJson : JsonSerializerContext;

/// <summary>
/// The invitations this server sent, in one JSON file per OS user (<c>Calendar:StorePath</c>, default under the user's
/// local application data; folder 0700 and file 0600 on Unix). Reads need no lock: the file is only ever replaced whole
/// (a new file, flushed, then renamed over the old one). Changes are made under a lock shared by every server process of
/// the user (a sibling <c>.lock</c> file held open with <see cref="FileShare.None"/>, an OS lock the OS releases if the
/// process dies), each one re-reading the file inside the lock, so concurrent processes never lose each other's entries.
/// At most <c>Calendar:MaxStoredInvitations</c> are kept: the oldest sent are pruned.
/// </summary>
public sealed class InvitationStore(string path, int capacity, ILogger<InvitationStore> logger)
{
    private const int FileVersion = 1;
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(20);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Every remembered invitation, newest first.</summary>
    public async Task<IReadOnlyList<StoredInvitation>> ReadAllAsync(CancellationToken cancellationToken) =>
        [.. (await ReadAsync(cancellationToken)).OrderByDescending(i => i.SentAt)];

    /// <summary>The invitation with this UID, or whose listing id is <paramref name="idOrUid"/>; null when this server never sent it (or it was pruned).</summary>
    public async Task<StoredInvitation?> FindAsync(string idOrUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrUid);
        IReadOnlyList<StoredInvitation> all = await ReadAsync(cancellationToken);
        return all.FirstOrDefault(i => string.Equals(i.Uid, idOrUid, StringComparison.Ordinal))
            ?? all.FirstOrDefault(i => string.Equals(i.Id, idOrUid, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds an invitation, or replaces the one with the same UID (an update or cancellation).</summary>
    public Task SaveAsync(StoredInvitation invitation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return ChangeAsync(all =>
        {
            int existing = all.FindIndex(i => string.Equals(i.Uid, invitation.Uid, StringComparison.Ordinal));
            if (existing >= 0)
            {
                // A concurrent change of the same invitation never lowers its SEQUENCE.
                all[existing] = invitation with { Sequence = Math.Max(invitation.Sequence, all[existing].Sequence) };
            }
            else
            {
                all.Add(invitation);
            }
        }, cancellationToken);
    }

    private async Task ChangeAsync(Action<List<StoredInvitation>> change, CancellationToken cancellationToken)
    {
        CreateFolder();
        await using FileStream held = await LockAsync(cancellationToken);
        List<StoredInvitation> all = [.. await ReadAsync(cancellationToken)];
        change(all);
        if (all.Count > capacity)
        {
            int pruned = all.Count - capacity;
            all = [.. all.OrderByDescending(i => i.SentAt).Take(capacity)];
            Log.InvitationsPruned(logger, pruned, capacity);
        }

        await WriteAsync(new InvitationStoreFile(FileVersion, all), cancellationToken);
    }

    private async Task<IReadOnlyList<StoredInvitation>> ReadAsync(CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        await using (stream)
        {
            try
            {
                InvitationStoreFile? file = await JsonSerializer.DeserializeAsync(stream, InvitationStoreJson.Default.InvitationStoreFile, cancellationToken);
                return file?.Invitations ?? [];
            }
            catch (JsonException e)
            {
                Log.StoreUnreadable(logger, e);
                throw new BackendException(BackendErrorKind.Unavailable,
                    "The store of sent invitations (Calendar:StorePath) cannot be read; an administrator must repair or remove the file.", e);
            }
        }
    }

    private async Task WriteAsync(InvitationStoreFile content, CancellationToken cancellationToken)
    {
        string temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, content, InvitationStoreJson.Default.InvitationStoreFile, cancellationToken);
                // On disk before the rename: a power loss never leaves an empty store in place of the old one.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (System.Diagnostics.Stopwatch.GetElapsedTime(started) < LockWait)
            {
                // Another server process is writing the store; that takes milliseconds.
                await Task.Delay(LockPoll, cancellationToken);
            }
            catch (IOException e)
            {
                throw new BackendException(BackendErrorKind.Unavailable,
                    $"Another server process has held the store of sent invitations for {LockWait.TotalSeconds:0} s; try again in a moment.", e);
            }
        }
    }

    private void CreateFolder()
    {
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else if (!Directory.Exists(folder))
        {
            // What the user's invitations said and to whom: readable by the user only.
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
